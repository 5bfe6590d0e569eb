// A restaurant's menu by category. Each item's form enforces its option groups as the backend does (at least
// minChoices, at most maxChoices per group; radios for exactly one); the backend checks again and its answer wins.

import * as api from "../api.js";
import * as session from "../session.js";
import { h, append, money, time, busy, showProblem, hideProblem, problemBox } from "../ui.js";

function groupRule(g) {
  const min = g.minChoices ?? 0;
  const max = g.maxChoices ?? 1;
  if (min === max) return `choose ${min}`;
  if (min === 0) return `up to ${max}`;
  return `choose ${min} to ${max}`;
}

function optionGroup(item, g, index) {
  const min = g.minChoices ?? 0;
  const max = g.maxChoices ?? 1;
  const single = min === 1 && max === 1;
  const name = `${item.id}-${g.id}`;
  const note = h("p", { class: "group-note", id: `note-${name}`, "aria-live": "polite" });
  const set = h("fieldset", { class: "group", dataset: { group: g.id, min, max, field: `options.${index}.choiceIds` }, "aria-describedby": note.id },
    h("legend", {}, `${g.name} (${groupRule(g)})`),
    g.choices.map((c, i) => {
      const id = `${name}-${c.id}`;
      return h("div", { class: "choice" },
        h("input", { type: single ? "radio" : "checkbox", id, name, value: c.id, checked: single && i === 0 }),
        h("label", { for: id }, c.name, c.priceDelta ? ` (+${money(c.priceDelta, item.currency)})` : ""),
      );
    }),
    note,
  );
  if (!single) {
    // at most maxChoices: the other boxes are disabled once the group is full
    const enforce = () => {
      const boxes = [...set.querySelectorAll("input[type=checkbox]")];
      const chosen = boxes.filter((b) => b.checked).length;
      for (const b of boxes) b.disabled = !b.checked && chosen >= max;
      note.textContent = chosen >= max ? `${g.name}: at most ${max} chosen.` : "";
    };
    set.addEventListener("change", enforce);
  }
  return set;
}

/** The form's selection, or the groups whose minimum is not met. */
function selection(form) {
  const options = [];
  const missing = [];
  for (const set of form.querySelectorAll("fieldset.group")) {
    const ids = [...set.querySelectorAll("input:checked")].map((i) => i.value);
    const min = Number(set.dataset.min);
    const max = Number(set.dataset.max);
    const note = set.querySelector(".group-note");
    set.removeAttribute("aria-invalid");
    if (ids.length < min || ids.length > max) {
      set.setAttribute("aria-invalid", "true");
      note.textContent = ids.length < min ? `Choose at least ${min}.` : `Choose at most ${max}.`;
      missing.push(set);
    }
    if (ids.length) options.push({ groupId: set.dataset.group, choiceIds: ids });
  }
  return { options, missing };
}

function itemCard(restaurantId, item, onAdded) {
  const box = problemBox();
  const qtyId = `qty-${item.id}`;
  const form = h("form", { class: "item-form", novalidate: true, "aria-label": `Add ${item.name}` },
    item.optionGroups.map((g, i) => optionGroup(item, g, i)),
    h("div", { class: "row" },
      h("label", { for: qtyId }, "Quantity"),
      h("input", { id: qtyId, name: "quantity", type: "number", min: 1, max: 99, value: 1, inputmode: "numeric", dataset: { field: "quantity" } }),
      h("button", { type: "submit", class: "primary", disabled: !item.available }, item.available ? "Add to cart" : "Unavailable"),
    ),
    box,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!session.idToken()) {
      location.hash = `#/signin?next=${encodeURIComponent(`/restaurants/${restaurantId}`)}`;
      return;
    }
    const { options, missing } = selection(form);
    if (missing.length) {
      missing[0].querySelector("input")?.focus();
      return;
    }
    busy(form.querySelector("button[type=submit]"), async () => {
      hideProblem(box);
      try {
        const cart = await api.post(`/v1/carts/${restaurantId}/items`, {
          menuItemId: item.id,
          quantity: Number(form.elements.quantity.value) || 1,
          options,
        });
        onAdded(cart, item);
      } catch (error) {
        showProblem(box, error, form);
      }
    });
  });
  return h("article", { class: "card item", "aria-labelledby": `name-${item.id}` },
    h("h3", { id: `name-${item.id}` }, item.name, " ", h("span", { class: "price" }, money(item.price, item.currency))),
    h("p", {}, item.description),
    item.dietaryTags.length ? h("p", { class: "muted" }, item.dietaryTags.join(" · ")) : null,
    form,
  );
}

export async function render(root, { match: [restaurantId] }) {
  const [restaurant, menu] = await Promise.all([
    api.get(`/v1/restaurants/${restaurantId}`),
    api.get(`/v1/restaurants/${restaurantId}/menu`),
  ]);
  const status = h("p", { class: "cart-status", role: "status" });
  const showCart = (cart, item) => {
    status.replaceChildren(
      item ? `Added ${item.name}. ` : "",
      `Cart: ${cart.lines.reduce((n, l) => n + l.quantity, 0)} item(s), total ${money(cart.total, cart.currency)}. `,
      h("a", { href: `#/cart/${restaurantId}` }, "View cart and check out"),
    );
  };
  if (session.idToken()) {
    api.get(`/v1/carts/${restaurantId}`).then((cart) => cart.lines.length && showCart(cart)).catch(() => {});
  }
  const state = !restaurant.acceptingOrders
    ? `Not taking orders now${restaurant.pauseReason ? `: ${restaurant.pauseReason}` : ""}`
    : !restaurant.openNow
      ? `Closed now${restaurant.nextOpensAt ? `; opens ${time(restaurant.nextOpensAt)}` : ""}`
      : "Open now";
  append(root, 
    h("p", {}, h("a", { href: "#/" }, "← All restaurants")),
    h("h1", {}, menu.restaurantName),
    h("p", { class: "muted" }, `${restaurant.address?.city || ""} · ${state} · delivery ${money(restaurant.deliveryFee, restaurant.currency)}, minimum ${money(restaurant.minimumOrder, restaurant.currency)}`),
    status,
    ...menu.categories.map((c) => h("section", { class: "category", "aria-label": c.name },
      h("h2", {}, c.name),
      h("div", { class: "items" }, c.items.map((item) => itemCard(restaurantId, item, showCart))),
    )),
  );
}
