"""The whole ordering journey through the API, as the demo users would walk it: the customer signs in, fills a
cart with options, applies a discount code the restaurant's staff created, checks out (and a retried checkout
replays the same order), the staff move the order along to PICKED_UP, and the customer sees every step; another
customer never sees the order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from local.seed import DEMO_CUSTOMER, DEMO_STAFF
from tests.e2e.conftest import RESTAURANT_A, Caller, log_in, place_order

pytestmark = pytest.mark.e2e


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def item_named(menu: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for c in menu["categories"] for i in c["items"] if i["name"] == name)


def test_customer_orders_with_a_discount_and_follows_the_order_to_pickup(
    api: httpx.Client, customer: Caller, staff: Caller, customer_b: Caller
) -> None:
    # the demo users sign in (the session's customer and staff fixtures only make sure the demo stack is there)
    shopper = log_in(api, DEMO_CUSTOMER.email)
    kitchen = log_in(api, DEMO_STAFF.email)
    rid = RESTAURANT_A

    # the staff create a discount code
    code = f"E2E{uuid.uuid4().hex[:8].upper()}"
    now = datetime.now(UTC)
    discount = {
        "code": code,
        "kind": "percent",
        "percentBps": 1000,
        "validFrom": (now - timedelta(minutes=5)).isoformat(),
        "validUntil": (now + timedelta(days=1)).isoformat(),
    }
    ok(api.post(f"/v1/restaurants/{rid}/discounts", json=discount, headers=kitchen.headers), 201)

    # the customer fills a cart with options
    api.delete(f"/v1/carts/{rid}", headers=shopper.headers)
    menu = ok(api.get(f"/v1/restaurants/{rid}/menu"))
    pizza, dessert = item_named(menu, "Diavola"), item_named(menu, "Tiramisu")
    line = {
        "menuItemId": pizza["id"],
        "quantity": 2,
        "options": [{"groupId": "size", "choiceIds": ["l"]}, {"groupId": "extras", "choiceIds": ["basil", "chili"]}],
    }
    ok(api.post(f"/v1/carts/{rid}/items", json=line, headers=shopper.headers))
    cart = ok(api.post(f"/v1/carts/{rid}/items", json={"menuItemId": dessert["id"]}, headers=shopper.headers))
    assert len(cart["lines"]) == 2
    assert cart["lines"][0]["lineTotal"] == 2 * (pizza["price"] + 500 + 50 + 80)

    # ... applies the code, and checks out what it sees
    discounted = ok(api.put(f"/v1/carts/{rid}/discount", json={"code": code.lower()}, headers=shopper.headers))
    assert discounted["discountCode"] == code
    assert discounted["discount"] == discounted["subtotal"] // 10
    priced = ok(api.get(f"/v1/carts/{rid}", params={"fulfilment": "pickup"}, headers=shopper.headers))
    checkout = {"restaurantId": rid, "fulfilment": "pickup", "expectedTotal": priced["total"]}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    order = ok(api.post("/v1/orders", json=checkout, headers={**shopper.headers, **key}), 201)
    replay = ok(api.post("/v1/orders", json=checkout, headers={**shopper.headers, **key}), 201)

    assert replay["id"] == order["id"]
    assert replay == order
    assert order["status"] == "PLACED"
    assert order["total"] == priced["total"]
    assert order["discountCode"] == code
    assert order["fulfilment"] == "pickup"

    # the customer may only cancel; the kitchen sees what it may do and moves the order along with If-Match,
    # the customer seeing each status
    _kitchen_moves_it_to_pickup(api, order, shopper=shopper, kitchen=kitchen)

    history = ok(api.get(f"/v1/orders/{order['id']}", headers=shopper.headers))["history"]
    assert [entry["to"] for entry in history][-4:] == ["ACCEPTED", "PREPARING", "READY", "PICKED_UP"]

    # another customer sees nothing
    assert api.get(f"/v1/orders/{order['id']}", headers=customer_b.headers).status_code == 404


def test_a_rejected_order_tells_its_customer_why(api: httpx.Client, customer: Caller, staff: Caller) -> None:
    order = place_order(api, customer, RESTAURANT_A)
    url = f"/v1/restaurants/{RESTAURANT_A}/orders/{order['id']}/transitions"

    silent = api.post(url, json={"to": "REJECTED"}, headers=staff.headers)
    rejected = api.post(url, json={"to": "REJECTED", "reason": "We ran out of mozzarella"}, headers=staff.headers)

    assert silent.status_code == 400, silent.text
    assert [e["field"] for e in silent.json()["errors"]] == ["body.reason"]
    ok(rejected)
    mine = ok(api.get(f"/v1/orders/{order['id']}", headers=customer.headers))
    assert (mine["status"], mine["statusReason"]) == ("REJECTED", "We ran out of mozzarella")
    assert mine["history"][-1]["reason"] == "We ran out of mozzarella"
    assert mine["allowedTransitions"] == []


def _kitchen_moves_it_to_pickup(api: httpx.Client, order: dict[str, Any], *, shopper: Caller, kitchen: Caller) -> None:
    """The kitchen moves a placed pickup order to PICKED_UP with If-Match (a stale tag is refused each step), giving
    its own preparation estimate when accepting; the customer sees each status and the ready estimate."""
    rid = order["restaurantId"]
    assert order["allowedTransitions"] == ["CANCELLED"]
    url = f"/v1/restaurants/{rid}/orders/{order['id']}/transitions"
    seen = api.get(f"/v1/orders/{order['id']}", headers=kitchen.headers)
    assert ok(seen)["allowedTransitions"] == ["ACCEPTED", "REJECTED", "CANCELLED"]
    etag = seen.headers["etag"]
    assert order["estimatedReadyAt"] > order["createdAt"]  # from the restaurant's default preparation time
    for status in ("ACCEPTED", "PREPARING", "READY", "PICKED_UP"):
        body = {"to": status, "prepMinutes": 35} if status == "ACCEPTED" else {"to": status}
        moved = api.post(url, json=body, headers={**kitchen.headers, "If-Match": etag})
        assert ok(moved)["status"] == status
        assert moved.headers["etag"] == f'"{moved.json()["version"]}"'
        assert status in ok(seen)["allowedTransitions"]
        stale = api.post(url, json={"to": "CANCELLED"}, headers={**kitchen.headers, "If-Match": etag})
        assert stale.status_code == 412, stale.text  # a board that missed the move cannot overwrite it
        etag, seen = moved.headers["etag"], moved
        theirs = ok(api.get(f"/v1/orders/{order['id']}", headers=shopper.headers))
        assert theirs["status"] == status
        if status == "ACCEPTED":
            accepted_at = datetime.fromisoformat(theirs["updatedAt"])
            assert datetime.fromisoformat(theirs["estimatedReadyAt"]) == accepted_at + timedelta(minutes=35)
        elif status in ("READY", "PICKED_UP"):
            assert theirs["estimatedReadyAt"] is None
