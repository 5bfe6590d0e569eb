// Paying for a card order. The backend creates the payment intent (POST /v1/orders/{id}/payment) for exactly the
// order's total; the card itself goes to the payment provider, never to Waiter:
// - in the cloud, the provider's own card element (Stripe.js from js.stripe.com, the one script origin the
//   content security policy allows besides the page's own), configured by `payments.publishableKey`;
// - in the local stack, the local provider's test-card form: POST /_local/payments/{paymentId}/confirm on the
//   local API with a test card number (4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined,
//   4000 0000 0000 3220 asks for an extra authentication step).
// Either way the order becomes PLACED when the provider's webhook reaches the backend, which the order page sees live.

import * as api from "./api.js";
import { config } from "./config.js";
import { h, money, busy, showProblem, hideProblem, problemBox } from "./ui.js";

export const TEST_CARDS = [
  ["4242424242424242", "pays"],
  ["4000000000000002", "declined"],
  ["4000000000003220", "needs authentication"],
];

function declineText(result) {
  const error = result?.lastPaymentError || result?.last_payment_error || result?.error;
  return (error && (error.message || error.code)) || "The card was declined. Try another card.";
}

async function confirmLocal(paymentId, body) {
  const response = await api.request("POST", `/_local/payments/${encodeURIComponent(paymentId)}/confirm`, { body, auth: false });
  return response.data || {};
}

function localForm(intent, status, onPaid) {
  const box = problemBox();
  const form = h("form", { class: "card pay", novalidate: true, "aria-label": "Pay by card" },
    h("p", {}, "Local test payments: no real card is charged."),
    h("div", { class: "field" },
      h("label", { for: "card-number" }, "Card number"),
      h("input", { id: "card-number", name: "card", inputmode: "numeric", autocomplete: "off", dataset: { field: "card" }, "aria-describedby": "test-cards" })),
    h("p", { id: "test-cards", class: "muted" }, "Test cards: ", TEST_CARDS.map(([n, what], i) => [i ? "; " : "", h("code", {}, n), ` ${what}`])),
    box,
    h("button", { type: "submit", class: "primary", id: "pay" }, `Pay ${money(intent.amount, intent.currency)}`),
  );
  const authenticate = h("button", { type: "button", class: "primary", id: "authenticate", hidden: true }, "Authenticate payment (test 3-D Secure)");
  form.append(authenticate);
  const outcome = (result) => {
    const s = result.status;
    if (s === "succeeded" || s === "processing") {
      status.textContent = "Payment accepted. Waiting for the restaurant to get your order…";
      form.hidden = true;
      onPaid(result);
    } else if (s === "requires_action") {
      status.textContent = "Your bank asks you to confirm this payment.";
      authenticate.hidden = false;
      authenticate.focus();
    } else {
      status.textContent = declineText(result);
      form.elements.card.value = "";
      form.elements.card.focus();
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form.querySelector("#pay"), async () => {
      hideProblem(box);
      status.textContent = "Paying…";
      try {
        outcome(await confirmLocal(intent.paymentId, { card: form.elements.card.value.replace(/\s+/g, "") }));
      } catch (error) {
        status.textContent = "";
        showProblem(box, error, form);
      }
    });
  });
  authenticate.addEventListener("click", () => busy(authenticate, async () => {
    hideProblem(box);
    try {
      authenticate.hidden = true;
      outcome(await confirmLocal(intent.paymentId, { action: "authenticate" }));
    } catch (error) {
      showProblem(box, error, form);
    }
  }));
  return form;
}

let stripeLoaded = null;
function loadStripe() {
  stripeLoaded ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "https://js.stripe.com/v3/";
    script.onload = () => resolve(window.Stripe);
    script.onerror = () => reject(new Error("the payment provider's script could not be loaded"));
    document.head.append(script);
  });
  return stripeLoaded;
}

function stripeForm(intent, status, onPaid) {
  const box = problemBox();
  const mount = h("div", { id: "card-element", class: "card-element" });
  const form = h("form", { class: "card pay", novalidate: true, "aria-label": "Pay by card" },
    h("p", { id: "card-label" }, "Card"), mount, box,
    h("button", { type: "submit", class: "primary", id: "pay" }, `Pay ${money(intent.amount, intent.currency)}`));
  let stripe = null;
  let card = null;
  loadStripe().then((Stripe) => {
    stripe = Stripe(config().payments.publishableKey);
    card = stripe.elements().create("card");
    card.mount(mount);
  }).catch((error) => showProblem(box, error));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!stripe) return;
    busy(form.querySelector("#pay"), async () => {
      hideProblem(box);
      const result = await stripe.confirmCardPayment(intent.clientSecret, { payment_method: { card } });
      if (result.error) {
        status.textContent = result.error.message || "The card was declined. Try another card.";
      } else {
        status.textContent = "Payment accepted. Waiting for the restaurant to get your order…";
        form.hidden = true;
        onPaid(result.paymentIntent);
      }
    });
  });
  return form;
}

/** The payment panel of an order waiting for its payment. */
export async function paymentPanel(order, onPaid = () => {}) {
  const status = h("p", { class: "pay-status", role: "status", id: "pay-status" });
  const panel = h("section", { class: "payment", "aria-labelledby": "pay-heading" }, h("h2", { id: "pay-heading" }, "Pay for your order"), status);
  const intent = await api.post(`/v1/orders/${order.id}/payment`, undefined);
  const provider = config().payments?.provider;
  if (order.paymentStatus === "FAILED") status.textContent = "The last payment was declined. Try again.";
  panel.append(provider === "stripe" ? stripeForm(intent, status, onPaid) : localForm(intent, status, onPaid));
  return panel;
}
