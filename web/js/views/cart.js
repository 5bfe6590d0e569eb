// The cart at one restaurant: every amount is the backend's (GET /v1/carts/{id} prices it for the chosen
// fulfilment and tip), with its warnings; quantities, removal, a discount code, and checkout with the total shown as
// `expectedTotal` (a changed total is the backend's 409 with the fresh cart, shown before anything is placed).

import * as api from "../api.js";
import { config } from "../config.js";
import * as session from "../session.js";
import { placeOrder } from "../checkout.js";
import { h, append, clear, money, busy, showProblem, hideProblem, problemBox } from "../ui.js";

function minorUnits(text, currency) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  const value = Number(String(text || "0").replace(",", "."));
  return Number.isFinite(value) && value > 0 ? Math.round(value * 10 ** digits) : 0;
}

function majorUnits(amount, currency) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  return (amount / 10 ** digits).toFixed(digits);
}

export function paymentsEnabled() {
  const provider = config().payments?.provider;
  return provider === "local" || provider === "stripe";
}

export async function render(root, { match: [restaurantId] }) {
  if (!session.idToken()) {
    location.hash = `#/signin?next=${encodeURIComponent(`/cart/${restaurantId}`)}`;
    return undefined;
  }
  const restaurant = await api.get(`/v1/restaurants/${restaurantId}`);
  const state = { fulfilment: "pickup", tip: 0, cart: null };
  const box = problemBox();
  const summary = h("div", { class: "cart", "aria-live": "polite" });

  const choices = h("form", { class: "card checkout", novalidate: true, "aria-label": "Checkout" });
  const fulfilment = h("fieldset", {},
    h("legend", {}, "How do you get it?"),
    ["pickup", "delivery"].map((f) => h("div", { class: "choice" },
      h("input", { type: "radio", name: "fulfilment", id: `ful-${f}`, value: f, checked: f === state.fulfilment }),
      h("label", { for: `ful-${f}` }, f === "pickup" ? "Pick up" : "Delivery"))),
  );
  const address = h("fieldset", { hidden: true, class: "address" },
    h("legend", {}, "Delivery address"),
    [["line1", "Street and number", "address-line1"], ["postcode", "Postcode", "postal-code"], ["city", "City", "address-level2"], ["country", "Country (two letters)", "country"]].map(
      ([name, label, autocomplete]) => h("div", { class: "field" },
        h("label", { for: `addr-${name}` }, label),
        h("input", { id: `addr-${name}`, name, autocomplete, dataset: { field: `deliveryAddress.${name}` }, value: name === "city" ? restaurant.address?.city || "" : name === "country" ? restaurant.address?.country || "" : "" })),
    ),
  );
  const tip = h("div", { class: "field" },
    h("label", { for: "tip" }, `Tip (${restaurant.currency})`),
    h("input", { id: "tip", name: "tip", type: "number", min: 0, step: "0.01", inputmode: "decimal", value: "0", dataset: { field: "tip" } }));
  const payment = h("fieldset", {},
    h("legend", {}, "Payment"),
    h("div", { class: "choice" }, h("input", { type: "radio", name: "paymentMethod", id: "pay-cash", value: "cash", checked: true }),
      h("label", { for: "pay-cash" }, state.fulfilment === "pickup" ? "Cash when you get it" : "Cash")),
    paymentsEnabled()
      ? h("div", { class: "choice" }, h("input", { type: "radio", name: "paymentMethod", id: "pay-card", value: "card" }),
          h("label", { for: "pay-card" }, "Card (pay now)"))
      : null,
  );
  const place = h("button", { type: "submit", class: "primary", id: "place-order" }, "Place order");
  choices.append(fulfilment, address, tip, payment, box, place);

  const reprice = async () => {
    hideProblem(box);
    try {
      state.cart = await api.get(`/v1/carts/${restaurantId}${api.query({ fulfilment: state.fulfilment, tip: state.tip })}`);
      draw();
    } catch (error) {
      showProblem(box, error, choices);
    }
  };

  fulfilment.addEventListener("change", () => {
    state.fulfilment = choices.elements.fulfilment.value;
    address.hidden = state.fulfilment !== "delivery";
    reprice();
  });
  tip.addEventListener("change", () => {
    state.tip = minorUnits(choices.elements.tip.value, restaurant.currency);
    reprice();
  });

  const lineRow = (line) => {
    const cart = state.cart;
    const setQuantity = (button, quantity) => busy(button, async () => {
      hideProblem(box);
      try {
        state.cart = quantity > 0
          ? await api.patch(`/v1/carts/${restaurantId}/items/${line.lineId}`, { quantity })
          : await api.del(`/v1/carts/${restaurantId}/items/${line.lineId}`);
        await reprice(); // the answer is priced for the default fulfilment: ask again for the chosen one
      } catch (error) {
        showProblem(box, error);
      }
    });
    return h("tr", { dataset: { line: line.lineId } },
      h("th", { scope: "row" }, line.name,
        line.options.length ? h("span", { class: "muted options" }, line.options.map((o) => o.choiceName).join(", ")) : null),
      h("td", { class: "qty" },
        h("button", { type: "button", class: "icon", "aria-label": `One less ${line.name}`, onclick: (e) => setQuantity(e.currentTarget, line.quantity - 1) }, "−"),
        h("span", { class: "n" }, String(line.quantity)),
        h("button", { type: "button", class: "icon", "aria-label": `One more ${line.name}`, onclick: (e) => setQuantity(e.currentTarget, line.quantity + 1) }, "+")),
      h("td", { class: "num" }, money(line.unitPrice, cart.currency)),
      h("td", { class: "num" }, money(line.lineTotal, cart.currency)),
      h("td", {}, h("button", { type: "button", class: "link", "aria-label": `Remove ${line.name}`, onclick: (e) => setQuantity(e.currentTarget, 0) }, "Remove")),
    );
  };

  const discountForm = () => {
    const cart = state.cart;
    const dbox = problemBox();
    const form = h("form", { class: "row discount", novalidate: true, "aria-label": "Discount code" },
      h("label", { for: "code" }, "Discount code"),
      h("input", { id: "code", name: "code", value: cart.discountCode || "", autocomplete: "off", dataset: { field: "code" } }),
      h("button", { type: "submit", class: "secondary" }, "Apply"),
      cart.discountCode ? h("button", { type: "button", class: "link", id: "remove-code" }, "Remove code") : null,
      dbox,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(form.querySelector("button[type=submit]"), async () => {
        hideProblem(dbox);
        try {
          await api.put(`/v1/carts/${restaurantId}/discount`, { code: form.elements.code.value.trim() });
          await reprice();
        } catch (error) {
          showProblem(dbox, error, form);
        }
      });
    });
    form.querySelector("#remove-code")?.addEventListener("click", (event) => busy(event.currentTarget, async () => {
      try {
        await api.del(`/v1/carts/${restaurantId}/discount`);
        await reprice();
      } catch (error) {
        showProblem(dbox, error, form);
      }
    }));
    return form;
  };

  const draw = () => {
    const cart = state.cart;
    clear(summary);
    if (!cart.lines.length) {
      append(summary, h("p", { role: "status" }, "Your cart here is empty. ", h("a", { href: `#/restaurants/${restaurantId}` }, "See the menu")));
      choices.hidden = true;
      return;
    }
    choices.hidden = false;
    const row = (label, amount, id) => h("tr", {}, h("th", { scope: "row" }, label), h("td", { class: "num", id }, money(amount, cart.currency)));
    append(summary, 
      h("table", { class: "lines" },
        h("caption", { class: "visually-hidden" }, "Cart lines"),
        h("thead", {}, h("tr", {}, ["Item", "Quantity", "Each", "Total", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, cart.lines.map(lineRow))),
      cart.warnings.length
        ? h("ul", { class: "warnings", "aria-label": "About this cart" }, cart.warnings.map((w) => h("li", { dataset: { code: w.code } }, w.message)))
        : null,
      discountForm(),
      h("table", { class: "totals" },
        h("caption", { class: "visually-hidden" }, "Totals"),
        h("tbody", {},
          row("Subtotal", cart.subtotal, "subtotal"),
          cart.discount ? row(`Discount${cart.discountCode ? ` (${cart.discountCode})` : ""}`, -cart.discount, "discount") : null,
          cart.fulfilment === "delivery" ? row("Delivery", cart.deliveryFee, "delivery-fee") : null,
          row("Tax", cart.tax, "tax"),
          cart.tip ? row("Tip", cart.tip, "tip-amount") : null,
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { class: "num", id: "cart-total" }, money(cart.total, cart.currency))))),
    );
    if (cart.tip !== state.tip) choices.elements.tip.value = majorUnits(cart.tip, cart.currency);
  };

  choices.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(place, async () => {
      hideProblem(box);
      const cart = state.cart;
      const body = { restaurantId, fulfilment: state.fulfilment, tip: cart.tip, expectedTotal: cart.total };
      if (state.fulfilment === "delivery") {
        const f = choices.elements;
        body.deliveryAddress = { line1: f.line1.value.trim(), postcode: f.postcode.value.trim(), city: f.city.value.trim(), country: f.country.value.trim().toUpperCase() };
      }
      if (paymentsEnabled()) body.paymentMethod = choices.elements.paymentMethod.value;
      try {
        const order = await placeOrder(body);
        location.hash = `#/orders/${order.id}`;
      } catch (error) {
        if (error.status === 409 && error.problem?.cart) {
          // the total changed (a price, the discount, the fee): show the fresh cart; pressing again confirms it
          state.cart = error.problem.cart;
          draw();
        }
        showProblem(box, error, choices);
      }
    });
  });

  await reprice();
  append(root, 
    h("p", {}, h("a", { href: `#/restaurants/${restaurantId}` }, `← ${restaurant.name}`)),
    h("h1", {}, `Your cart at ${restaurant.name}`),
    summary,
    choices,
  );
  return undefined;
}

