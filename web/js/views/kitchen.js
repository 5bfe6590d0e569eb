// The kitchen board of a restaurant the signed-in staff member works for: its active orders by status, new ones
// arriving live (topic kitchen:<restaurantId>). Each card's buttons are the order's allowedTransitions, nothing
// else; a move sends If-Match with the order's version, so a move someone else made meanwhile comes back as 412 (or
// 409) and is shown on the card with the order as it is now, never silently overwritten.

import * as api from "../api.js";
import * as session from "../session.js";
import { LiveFeed, liveBadge } from "../live.js";
import { h, append, money, time, busy, showProblem, hideProblem, problemBox, statusLabel } from "../ui.js";

const COLUMNS = ["PLACED", "ACCEPTED", "PREPARING", "READY", "OUT_FOR_DELIVERY"];
const ACTIONS = {
  ACCEPTED: "Accept",
  PREPARING: "Start preparing",
  READY: "Mark ready",
  OUT_FOR_DELIVERY: "Out for delivery",
  DELIVERED: "Delivered",
  PICKED_UP: "Picked up",
  REJECTED: "Reject…",
  CANCELLED: "Cancel…",
};
const NEEDS_REASON = new Set(["REJECTED", "CANCELLED"]);

export async function render(root, { params }) {
  if (!session.idToken()) {
    location.hash = `#/signin?next=${encodeURIComponent("/kitchen")}`;
    return undefined;
  }
  const restaurants = session.staffRestaurants();
  if (!restaurants.length) {
    append(root, h("h1", {}, "Kitchen"), h("p", {}, "You do not work for any restaurant."));
    return undefined;
  }
  const restaurantId = restaurants.includes(params.get("restaurant")) ? params.get("restaurant") : restaurants[0];
  const [restaurant, ...pages] = await Promise.all([
    api.get(`/v1/restaurants/${restaurantId}`),
    ...COLUMNS.map((s) => api.get(`/v1/restaurants/${restaurantId}/orders${api.query({ status: s, limit: 50 })}`)),
  ]);
  const orders = new Map(pages.flatMap((p) => p.items).map((o) => [o.id, o]));
  const badge = liveBadge();
  const board = h("div", { class: "board" });
  const columns = new Map(COLUMNS.map((s) => [s, h("ul", { class: "column-orders", "aria-label": statusLabel(s) })]));
  for (const s of COLUMNS) {
    board.append(h("section", { class: "column", dataset: { status: s }, "aria-labelledby": `col-${s}` },
      h("h2", { id: `col-${s}` }, statusLabel(s), " ", h("span", { class: "count", id: `count-${s}` }, "0")),
      columns.get(s)));
  }
  const announcer = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const cards = new Map();

  const place = (order, note) => {
    orders.set(order.id, order);
    const old = cards.get(order.id);
    const card = orderCard(order, note);
    if (old) old.remove();
    cards.set(order.id, card);
    const column = columns.get(order.status);
    if (column) column.append(card);
    else cards.delete(order.id); // done, rejected, cancelled: off the board
    for (const s of COLUMNS) board.querySelector(`#count-${s}`)?.replaceChildren(String(columns.get(s).children.length));
  };

  const move = async (order, to, reason, card, box) => {
    hideProblem(box);
    const body = { to };
    if (reason) body.reason = reason;
    try {
      const moved = await api.post(`/v1/restaurants/${restaurantId}/orders/${order.id}/transitions`, body, {
        headers: { "If-Match": `"${order.version}"` },
      });
      feed.seen(moved);
      place(moved);
      announcer.textContent = `Order ${moved.id.slice(0, 8)} is now ${statusLabel(moved.status)}`;
    } catch (error) {
      if (error.status === 412 || error.status === 409) {
        // someone moved it first: show what it is now, with that version's buttons, and say why nothing changed
        let now = null;
        try {
          now = await api.get(`/v1/orders/${order.id}`);
        } catch {
          now = null;
        }
        if (now) {
          feed.seen(now);
          place(now, error);
          return;
        }
      }
      showProblem(box, error);
      card.querySelector(".problem")?.focus();
    }
  };

  const orderCard = (order, conflict) => {
    const box = problemBox();
    const id = `order-${order.id}`;
    const card = h("li", { class: "card ticket", id, dataset: { order: order.id, status: order.status, version: order.version } },
      h("h3", {}, `#${order.id.slice(0, 8)} · ${order.fulfilment === "pickup" ? "pick-up" : "delivery"}`),
      h("p", { class: "muted" }, `placed ${time(order.createdAt)} · ${money(order.total, order.currency)} · ${statusLabel(order.paymentStatus)}`),
      h("ul", { class: "ticket-lines" }, order.lines.map((l) => h("li", {}, `${l.quantity} × ${l.name}`,
        l.options?.length ? h("span", { class: "muted options" }, l.options.map((o) => o.choiceName).join(", ")) : null))),
      order.estimatedReadyAt ? h("p", { class: "muted" }, `ready by ${time(order.estimatedReadyAt)}`) : null,
      box,
    );
    const actions = h("div", { class: "row actions" });
    for (const to of order.allowedTransitions) {
      const button = h("button", { type: "button", class: NEEDS_REASON.has(to) ? "secondary" : "primary", dataset: { to } }, ACTIONS[to] || statusLabel(to));
      if (NEEDS_REASON.has(to)) {
        button.addEventListener("click", () => {
          const reasonId = `reason-${order.id}-${to}`;
          const form = h("form", { class: "reason", novalidate: true },
            h("label", { for: reasonId }, to === "REJECTED" ? "Why are you rejecting it? (the customer reads this)" : "Why are you cancelling it?"),
            h("input", { id: reasonId, name: "reason", required: true, maxlength: 280, dataset: { field: "reason" } }),
            h("div", { class: "row" },
              h("button", { type: "submit", class: "danger" }, to === "REJECTED" ? "Reject order" : "Cancel order"),
              h("button", { type: "button", class: "link", onclick: () => { form.remove(); button.focus(); } }, "Keep it")));
          form.addEventListener("submit", (event) => {
            event.preventDefault();
            const reason = form.elements.reason.value.trim();
            if (!reason) {
              form.elements.reason.setAttribute("aria-invalid", "true");
              form.elements.reason.focus();
              return;
            }
            busy(form.querySelector("button[type=submit]"), () => move(order, to, reason, card, box));
          });
          card.querySelector("form.reason")?.remove();
          card.append(form);
          form.elements.reason.focus();
        });
      } else {
        button.addEventListener("click", () => busy(button, () => move(order, to, null, card, box)));
      }
      actions.append(button);
    }
    card.append(actions);
    if (conflict) {
      showProblem(box, conflict);
      box.prepend(h("p", { class: "conflict" }, `Someone else moved this order first: it is now ${statusLabel(order.status)}. Nothing was changed; choose again.`));
      box.classList.add("conflict-box");
    }
    return card;
  };

  const feed = new LiveFeed([`kitchen:${restaurantId}`], (order) => {
    const isNew = !cards.has(order.id) && order.status === "PLACED";
    place(order);
    if (isNew) announcer.textContent = `New order ${order.id.slice(0, 8)}`;
  }, badge.update);
  for (const order of [...orders.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    feed.seen(order);
    place(order);
  }
  feed.start();
  append(root, 
    h("h1", {}, `Kitchen: ${restaurant.name}`),
    restaurants.length > 1
      ? h("nav", { "aria-label": "Restaurants" }, h("ul", { class: "row" }, restaurants.map((r) => h("li", {}, h("a", { href: `#/kitchen?restaurant=${r}`, "aria-current": r === restaurantId ? "page" : false }, r)))))
      : null,
    badge.el,
    announcer,
    board,
  );
  return () => feed.stop();
}

