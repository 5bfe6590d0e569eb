"""Card payments end to end, over HTTP against a spawned local gateway with its emulated payment provider
(local/gateway/payments.py): check out by card → pay with the test card → PLACED and in the kitchen's list; a
declined card, then a retry that succeeds; 3-D Secure; staff reject a paid order → REFUNDED; an order left unpaid
expires (the clock shortened by parameter overrides); the webhook refuses what is not signed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from local.gateway.payments import CARD_3DS, CARD_DECLINED, CARD_SUCCEEDS
from local.seed import DEMO_CUSTOMER, DEMO_STAFF
from tests.e2e.conftest import RESTAURANT_A, Caller, cart_line, eventually, log_in, skip_when_deployed, start_gateway

pytestmark = pytest.mark.e2e

EXPIRY_S = 20  # PaymentExpiryMinutes below: long enough to pay, short enough to wait for


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    skip_when_deployed("pays with the local provider's test cards")
    gateway, stop = start_gateway(
        "--parameter-overrides",
        "ConsumerVisibilityTimeout=1",
        f"PaymentExpiryMinutes={EXPIRY_S / 60}",
        "PaymentExpirySchedule=rate(1 second)",
    )
    try:
        with httpx.Client(base_url=gateway.url, timeout=30) as client:
            yield client
    finally:
        stop()


def _card_order(api: httpx.Client, customer: Caller) -> dict[str, Any]:
    added = api.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(api, RESTAURANT_A), headers=customer.headers)
    assert added.status_code in (200, 201), added.text
    cart = api.get(f"/v1/carts/{RESTAURANT_A}", params={"fulfilment": "pickup"}, headers=customer.headers).json()
    placed = api.post(
        "/v1/orders",
        json={
            "restaurantId": RESTAURANT_A, "fulfilment": "pickup", "expectedTotal": cart["total"],
            "paymentMethod": "card",
        },
        headers={**customer.headers, "Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    return order


def _pay(api: httpx.Client, customer: Caller, order_id: str) -> dict[str, Any]:
    started = api.post(f"/v1/orders/{order_id}/payment", headers=customer.headers)
    assert started.status_code == 200, started.text
    payment: dict[str, Any] = started.json()
    return payment


def _confirm(api: httpx.Client, payment_id: str, body: dict[str, str]) -> dict[str, Any]:
    answer = api.post(f"/_local/payments/{payment_id}/confirm", json=body)
    assert answer.status_code == 200, answer.text
    intent: dict[str, Any] = answer.json()
    return intent


def _order_when(api: httpx.Client, caller: Caller, order_id: str, test: Callable[[dict[str, Any]], bool]) -> Any:
    def probe() -> dict[str, Any] | None:
        order: dict[str, Any] = api.get(f"/v1/orders/{order_id}", headers=caller.headers).json()
        return order if test(order) else None

    return eventually(probe, what=f"order {order_id} reaching the expected state")


def _kitchen_ids(api: httpx.Client, staff: Caller) -> set[str]:
    listed = api.get(f"/v1/restaurants/{RESTAURANT_A}/orders", params={"limit": 100}, headers=staff.headers)
    assert listed.status_code == 200, listed.text
    return {o["id"] for o in listed.json()["items"]}


def test_a_card_order_paid_with_the_test_card_is_placed_and_reaches_the_kitchen(api: httpx.Client) -> None:
    customer, staff = log_in(api, DEMO_CUSTOMER.email), log_in(api, DEMO_STAFF.email)
    order = _card_order(api, customer)
    assert (order["status"], order["paymentStatus"], order["paymentMethod"]) == ("AWAITING_PAYMENT", "UNPAID", "card")
    assert order["id"] not in _kitchen_ids(api, staff)

    payment = _pay(api, customer, order["id"])
    assert (payment["amount"], payment["currency"]) == (order["total"], order["currency"])
    assert _pay(api, customer, order["id"]) == payment  # the same intent again
    _confirm(api, payment["paymentId"], {"card": CARD_SUCCEEDS})

    paid = _order_when(api, customer, order["id"], lambda o: o["status"] == "PLACED")
    assert paid["paymentStatus"] == "PAID"
    assert paid["history"][-1]["actor"] == {"type": "system", "id": "payments"}
    assert order["id"] in _kitchen_ids(api, staff)
    again = api.post(f"/v1/orders/{order['id']}/payment", headers=customer.headers)
    assert again.status_code == 409, again.text


def test_a_declined_card_can_be_retried_and_3d_secure_needs_the_extra_step(api: httpx.Client) -> None:
    customer = log_in(api, DEMO_CUSTOMER.email)
    order = _card_order(api, customer)
    payment = _pay(api, customer, order["id"])
    declined = _confirm(api, payment["paymentId"], {"card": CARD_DECLINED})
    assert declined["status"] == "requires_payment_method"
    _order_when(api, customer, order["id"], lambda o: o["paymentStatus"] == "FAILED")

    assert _confirm(api, payment["paymentId"], {"card": CARD_3DS})["status"] == "requires_action"
    assert _confirm(api, payment["paymentId"], {"action": "authenticate"})["status"] == "succeeded"
    paid = _order_when(api, customer, order["id"], lambda o: o["status"] == "PLACED")
    assert paid["paymentStatus"] == "PAID"


def test_staff_rejecting_a_paid_order_refunds_it(api: httpx.Client) -> None:
    customer, staff = log_in(api, DEMO_CUSTOMER.email), log_in(api, DEMO_STAFF.email)
    order = _card_order(api, customer)
    _confirm(api, _pay(api, customer, order["id"])["paymentId"], {"card": CARD_SUCCEEDS})
    _order_when(api, customer, order["id"], lambda o: o["status"] == "PLACED")

    rejected = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{order['id']}/transitions",
        json={"to": "REJECTED", "reason": "out of dough"},
        headers=staff.headers,
    )
    assert rejected.status_code == 200, rejected.text
    refunded = _order_when(api, customer, order["id"], lambda o: o["paymentStatus"] == "REFUNDED")
    assert refunded["status"] == "REJECTED"


def test_an_order_left_unpaid_expires_and_can_no_longer_be_paid(api: httpx.Client) -> None:
    customer = log_in(api, DEMO_CUSTOMER.email)
    order = _card_order(api, customer)
    payment = _pay(api, customer, order["id"])
    expired = eventually(
        lambda: (
            ((o := api.get(f"/v1/orders/{order['id']}", headers=customer.headers).json())["status"] == "EXPIRED" and o)
            or None
        ),
        within_s=EXPIRY_S + 30,
        what="the expiry",
    )
    assert expired["history"][-1]["actor"]["type"] == "system"
    assert api.post(f"/v1/orders/{order['id']}/payment", headers=customer.headers).status_code == 409
    # its intent was cancelled: the test card can no longer pay it
    eventually(
        lambda: (
            api.post(f"/_local/payments/{payment['paymentId']}/confirm", json={"card": CARD_SUCCEEDS}).status_code
            == 400
            or None
        ),
        what="the intent's cancellation",
    )


def test_the_webhook_refuses_unsigned_and_wrongly_signed_events(api: httpx.Client) -> None:
    body = b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {}}}'
    headers = {"Content-Type": "application/json"}
    unsigned = api.post("/v1/webhooks/payments", content=body, headers=headers)
    assert unsigned.status_code == 400, unsigned.text
    assert unsigned.json()["errors"][0]["field"] == "header.Stripe-Signature"
    forged = api.post(
        "/v1/webhooks/payments", content=body, headers={**headers, "Stripe-Signature": f"t={int(time.time())},v1=00"}
    )
    assert forged.status_code == 400, forged.text
    too_big = api.post("/v1/webhooks/payments", content=b'{"a": "' + b"x" * 70_000 + b'"}', headers=headers)
    assert too_big.status_code == 413, too_big.text


def test_paying_someone_elses_order_is_not_found_and_a_cash_order_is_a_conflict(api: httpx.Client) -> None:
    customer, staff = log_in(api, DEMO_CUSTOMER.email), log_in(api, DEMO_STAFF.email)
    order = _card_order(api, customer)
    assert api.post(f"/v1/orders/{order['id']}/payment", headers=staff.headers).status_code == 404
