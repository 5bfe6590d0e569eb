// Checkout attempts and their Idempotency-Key. One attempt is one body (cart, fulfilment, tip, expected total,
// payment method): sending the same body again (a double click, a retry after a lost answer or a reload) reuses the
// attempt's key, so the backend places the order at most once; an attempt the backend answered for good (placed, or
// refused: a changed total, a closed restaurant) is over, and the next press is a new attempt with a new key.

import * as api from "./api.js";

const PREFIX = "waiter.checkout.";

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key of the attempt `body` belongs to (a new attempt when the body differs from the pending one). */
export function attemptKey(body) {
  const name = PREFIX + body.restaurantId;
  const text = JSON.stringify(body);
  try {
    const pending = JSON.parse(sessionStorage.getItem(name) || "null");
    if (pending && pending.body === text) return pending.key;
  } catch {
    // a damaged entry is replaced below
  }
  const key = newKey();
  sessionStorage.setItem(name, JSON.stringify({ body: text, key }));
  return key;
}

export function endAttempt(restaurantId) {
  sessionStorage.removeItem(PREFIX + restaurantId);
}

/**
 * Place the order. Resolves to the order; throws ApiError. The attempt stays open (same key next time) when no
 * answer came, the server failed, or the first request with this key is still running (409 without a cart).
 */
export async function placeOrder(body) {
  const key = attemptKey(body);
  try {
    const order = await api.post("/v1/orders", body, { headers: { "Idempotency-Key": key } });
    endAttempt(body.restaurantId);
    return order;
  } catch (error) {
    const inProgress = error.status === 409 && !("cart" in (error.problem || {}));
    const transient = error.status === 0 || error.status >= 500 || error.status === 429 || inProgress;
    if (!transient) endAttempt(body.restaurantId);
    throw error;
  }
}
