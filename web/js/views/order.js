// One order, live: its status, history, lines and totals (the backend's), the payment panel while a card order waits
// for its payment, and a cancel button when the order's allowedTransitions offer it. Changes arrive over the
// WebSocket (topic order:<id>); frames older than what is shown are dropped.

import * as api from "../api.js";
import { LiveFeed, liveBadge } from "../live.js";
import { paymentPanel } from "../payments.js";
import { h, append, clear, money, time, busy, showProblem, hideProblem, problemBox, statusLabel } from "../ui.js";

const STEPS = {
  pickup: ["PLACED", "ACCEPTED", "PREPARING", "READY", "PICKED_UP"],
  delivery: ["PLACED", "ACCEPTED", "PREPARING", "READY", "OUT_FOR_DELIVERY", "DELIVERED"],
};

function progress(order) {
  const steps = STEPS[order.fulfilment] || STEPS.pickup;
  const at = steps.indexOf(order.status);
  return h("ol", { class: "progress", "aria-label": "Progress" },
    steps.map((s, i) => h("li", { class: i < at ? "done" : i === at ? "now" : "", "aria-current": i === at ? "step" : false }, statusLabel(s))));
}

export async function render(root, { match: [orderId] }) {
  let order = await api.get(`/v1/orders/${orderId}`);
  const badge = liveBadge();
  const view = h("div", { class: "order" });
  const box = problemBox();
  let paying = false;

  const draw = () => {
    clear(view);
    const c = order.currency;
    const row = (label, amount) => h("tr", {}, h("th", { scope: "row" }, label), h("td", { class: "num" }, money(amount, c)));
    append(view, 
      h("p", { class: "status-line" }, "Status: ", h("strong", { id: "order-status", dataset: { status: order.status } }, statusLabel(order.status)),
        ` · payment ${statusLabel(order.paymentStatus)}`),
      order.statusReason ? h("p", { class: "reason" }, `Reason: ${order.statusReason}`) : null,
      progress(order),
      order.estimatedReadyAt && !["PICKED_UP", "DELIVERED", "REJECTED", "CANCELLED", "EXPIRED"].includes(order.status)
        ? h("p", {}, `Ready about ${time(order.estimatedReadyAt)}`, order.estimatedDeliveredAt ? `, at your door about ${time(order.estimatedDeliveredAt)}` : "")
        : null,
      h("table", { class: "lines" },
        h("caption", { class: "visually-hidden" }, "What you ordered"),
        h("tbody", {}, order.lines.map((l) => h("tr", {},
          h("th", { scope: "row" }, `${l.quantity} × ${l.name}`, l.options?.length ? h("span", { class: "muted options" }, l.options.map((o) => o.choiceName).join(", ")) : null),
          h("td", { class: "num" }, money(l.lineTotal, c)))))),
      h("table", { class: "totals" },
        h("caption", { class: "visually-hidden" }, "Totals"),
        h("tbody", {},
          row("Subtotal", order.subtotal),
          order.discount ? row("Discount", -order.discount) : null,
          order.fulfilment === "delivery" ? row("Delivery", order.deliveryFee) : null,
          row("Tax", order.tax),
          order.tip ? row("Tip", order.tip) : null,
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { class: "num" }, money(order.total, c))))),
      h("details", {}, h("summary", {}, "History"),
        h("ol", { class: "history" }, order.history.map((e) => h("li", {}, `${time(e.at)}: ${statusLabel(e.status)}${e.reason ? ` (${e.reason})` : ""}`)))),
    );
    if (order.allowedTransitions.includes("CANCELLED")) {
      const cancel = h("button", { type: "button", class: "secondary", id: "cancel-order" }, "Cancel order");
      cancel.addEventListener("click", () => busy(cancel, async () => {
        hideProblem(box);
        try {
          update(await api.post(`/v1/orders/${order.id}/cancel`, {}, { headers: { "If-Match": `"${order.version}"` } }));
        } catch (error) {
          showProblem(box, error);
        }
      }));
      append(view, cancel);
    }
  };

  // the payment panel lives beside the order's details, so a redraw keeps what was typed in it
  const payArea = h("div", { class: "pay-area" });
  const drawPayment = async () => {
    const awaiting = order.status === "AWAITING_PAYMENT" && order.paymentStatus !== "PAID";
    if (!awaiting) {
      clear(payArea);
      paying = false;
      return;
    }
    if (paying) return;
    paying = true;
    try {
      payArea.replaceChildren(await paymentPanel(order));
    } catch (error) {
      paying = false;
      showProblem(box, error);
    }
  };

  const update = (fresh) => {
    if (fresh.version < order.version) return;
    order = fresh;
    feed.seen(order);
    draw();
    drawPayment();
  };

  const feed = new LiveFeed([`order:${orderId}`], update, badge.update);
  feed.seen(order);
  draw();
  await drawPayment();
  feed.start();
  append(root, 
    h("p", {}, h("a", { href: "#/orders" }, "← My orders"), " · ", h("a", { href: `#/restaurants/${order.restaurantId}` }, "Order again")),
    h("h1", {}, `Order ${order.id.slice(0, 8)}`),
    badge.el,
    box,
    view,
    payArea,
  );
  return () => feed.stop();
}
