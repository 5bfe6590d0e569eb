"""POST /v1/orders through its handler, on moto: the transactional, idempotent checkout of the open cart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop
from tests.support import api_event
from waiter.catalog.models import MenuItemPatch, RestaurantPatch
from waiter.compose import catalog_service, ordering_service
from waiter.identity import Principal, Role
from waiter.ordering.models import CartItemAdd, Order
from waiter.repository import keys

ADMIN = Principal(user_id="admin-1", roles=frozenset({Role.ADMIN}))
CUSTOMER_1 = Principal(user_id="customer-1", roles=frozenset({Role.CUSTOMER}))

ORDER_FIELDS = {
    "id",
    "customerErased",
    "customerId",
    "restaurantId",
    "status",
    "paymentStatus",
    "paymentMethod",  # card payments (docs/payments.md)
    "paymentId",
    "fulfilment",
    "deliveryAddress",
    "lines",
    "subtotal",
    "discount",
    "deliveryFee",
    "tax",
    "tip",
    "total",
    "currency",
    "discountCode",
    "history",
    "createdAt",
    "updatedAt",
    "version",
    "statusReason",
    "allowedTransitions",
    "prepMinutes",
    "deliveryMinutes",
    "estimatedReadyAt",
    "estimatedDeliveredAt",
}


def _fill_cart(shop: Shop, quantity: int = 2, *, claims: api.Claims | None = None) -> dict[str, Any]:
    """Large pizzas in the cart; the cart priced for delivery, as the customer saw it."""
    assert o.add_item(shop.id, o.large_pizza(quantity, item_id=shop.pizza["id"]), claims=claims).status == 200
    priced: dict[str, Any] = o.get_cart(shop.id, claims=claims).body
    return priced


# ---- placing an order ------------------------------------------------------------------------------------------


def test_checkout_places_the_order_and_deletes_the_cart(shop: Shop) -> None:
    cart = _fill_cart(shop)

    reply = o.checkout(o.checkout_body(shop.id, cart["total"] + 100, tip=100), key="first-try")

    assert reply.status == 201, reply.body
    order = reply.body
    assert set(order) == ORDER_FIELDS
    assert reply.headers["Location"] == f"/v1/orders/{order['id']}"
    assert reply.etag == '"1"' == f'"{order["version"]}"'
    assert (order["status"], order["paymentStatus"]) == ("PLACED", "UNPAID")
    assert (order["allowedTransitions"], order["statusReason"]) == (["CANCELLED"], None)
    assert (order["customerId"], order["restaurantId"], order["fulfilment"]) == ("customer-1", shop.id, "delivery")
    assert order["deliveryAddress"] == {**o.ADDRESS, "line2": None, "instructions": ""}
    assert order["lines"] == cart["lines"]
    assert (order["subtotal"], order["tax"], order["deliveryFee"], order["tip"]) == (2400, 168, 250, 100)
    assert order["total"] == cart["total"] + 100
    assert order["currency"] == "EUR"
    [placed] = order["history"]
    assert placed == {
        "from": None,
        "to": "PLACED",
        "at": order["createdAt"],
        "actor": {"type": "customer", "id": "customer-1"},
        "reason": None,
    }
    assert o.stored_cart("customer-1", shop.id) is None
    assert [stored["id"] for stored in o.orders_of("customer-1")] == [order["id"]]
    assert o.get_order(order["id"]).body == order


def test_the_expected_total_includes_the_tip(shop: Shop) -> None:
    cart = _fill_cart(shop)

    reply = o.checkout(o.checkout_body(shop.id, cart["total"] + 150, tip=150), key="k")

    assert (reply.status, reply.body["tip"], reply.body["total"]) == (201, 150, cart["total"] + 150)


def test_a_pickup_order_has_no_address_and_no_delivery_fee(shop: Shop) -> None:
    _fill_cart(shop)
    cart = o.get_cart(shop.id, query={"fulfilment": "pickup"}).body

    reply = o.checkout(o.checkout_body(shop.id, cart["total"], fulfilment="pickup"), key="k")

    assert reply.status == 201
    assert (reply.body["fulfilment"], reply.body["deliveryAddress"], reply.body["deliveryFee"]) == ("pickup", None, 0)


def test_a_tip_above_the_subtotal_is_refused_naming_body_tip(shop: Shop) -> None:
    cart = _fill_cart(shop)  # subtotal 24.00

    reply = o.checkout(o.checkout_body(shop.id, cart["total"] + 2401, tip=2401), key="k")

    assert reply.status == 400
    assert reply.field_errors() == ["body.tip"]
    assert "between 0 and 24.00 EUR" in reply.body["errors"][0]["message"]
    assert (reply.body["amount"], reply.body["currency"]) == (2400, "EUR")
    assert o.orders_of("customer-1") == []
    assert o.checkout(o.checkout_body(shop.id, cart["total"] + 2400, tip=2400), key="k").status == 201


# ---- idempotency ------------------------------------------------------------------------------------------------


def test_the_idempotency_key_header_may_come_in_any_case(shop: Shop) -> None:
    body = o.checkout_body(shop.id, _fill_cart(shop)["total"])
    event = api_event("POST", "/v1/orders", claims=o.customer(), body=body, headers={"idempotency-key": "k"})

    first = api.send("checkout", event)
    again = o.checkout(body, key="k")

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body


def test_checkout_needs_an_idempotency_key(shop: Shop) -> None:
    cart = _fill_cart(shop)

    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key=None)

    assert reply.status == 400
    assert reply.field_errors() == ["header.Idempotency-Key"]
    assert o.orders_of("customer-1") == []
    assert o.stored_cart("customer-1", shop.id) is not None


@pytest.mark.parametrize("key", ["k" * 256, "two words", "caf\u00e9"], ids=["too-long", "space", "non-ascii"])
def test_an_idempotency_key_outside_its_pattern_is_refused_naming_the_header(shop: Shop, key: str) -> None:
    cart = _fill_cart(shop)

    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key=key)

    assert reply.status == 400
    assert reply.field_errors() == ["header.Idempotency-Key"]
    assert o.orders_of("customer-1") == []


def test_the_same_key_and_body_replay_the_same_order(shop: Shop) -> None:
    cart = _fill_cart(shop)
    body = o.checkout_body(shop.id, cart["total"])

    first = o.checkout(body, key="retry-me")
    second = o.checkout(body, key="retry-me")

    assert (first.status, second.status) == (201, 201)
    assert second.body == first.body
    assert (second.etag, second.headers["Location"]) == (first.etag, first.headers["Location"])
    assert [stored["id"] for stored in o.orders_of("customer-1")] == [first.body["id"]]


def test_the_same_key_with_another_body_is_422(shop: Shop) -> None:
    cart = _fill_cart(shop)
    first = o.checkout(o.checkout_body(shop.id, cart["total"]), key="retry-me")

    reply = o.checkout(o.checkout_body(shop.id, cart["total"] + 100, tip=100), key="retry-me")

    assert first.status == 201
    assert reply.status == 422
    assert reply.body["type"] == "https://waiter.dev/problems/unprocessable-content"
    assert [stored["id"] for stored in o.orders_of("customer-1")] == [first.body["id"]]


def test_keys_are_per_customer(shop: Shop) -> None:
    mine = o.checkout(o.checkout_body(shop.id, _fill_cart(shop)["total"]), key="shared-key")
    them = o.customer(2)
    theirs = o.checkout(o.checkout_body(shop.id, _fill_cart(shop, claims=them)["total"]), key="shared-key", claims=them)

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.body["id"] != theirs.body["id"]
    assert theirs.body["customerId"] == "customer-2"


def test_a_failed_attempt_does_not_use_up_its_key(shop: Shop) -> None:
    cart = _fill_cart(shop)
    assert o.checkout(o.checkout_body(shop.id, cart["total"] - 1), key="k").status == 409

    # A different body under the same key is fine: the failed attempt left nothing behind.
    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key="k")

    assert reply.status == 201


# ---- what stops a checkout -----------------------------------------------------------------------------------------


def test_a_changed_total_is_a_409_carrying_the_fresh_cart_and_nothing_is_written(shop: Shop) -> None:
    seen = _fill_cart(shop)
    assert api.update_menu_item(shop.id, shop.pizza["id"], {"price": 1000}).status == 200
    before = api.table_snapshot()

    reply = o.checkout(o.checkout_body(shop.id, seen["total"]), key="k")

    assert reply.status == 409
    fresh = reply.body["cart"]
    assert fresh == o.get_cart(shop.id).body
    assert fresh["total"] != seen["total"]
    assert fresh["lines"][0]["unitPrice"] == 1300
    assert [w["code"] for w in fresh["warnings"]] == ["PRICE_CHANGED"]
    shown = f"{fresh['total'] // 100}.{fresh['total'] % 100:02d} EUR"
    assert reply.body["detail"].startswith(f"the total is now {shown}, not ")
    assert (reply.body["amount"], reply.body["expectedAmount"], reply.body["currency"]) == (
        fresh["total"],
        seen["total"],
        "EUR",
    )
    assert o.without_rate_counters(api.table_snapshot()) == o.without_rate_counters(before)

    # Confirming the new total orders at the new price.
    confirmed = o.checkout(o.checkout_body(shop.id, fresh["total"]), key="k2")
    assert (confirmed.status, confirmed.body["subtotal"]) == (201, 2600)


def test_an_empty_cart_cannot_be_checked_out(shop: Shop) -> None:
    reply = o.checkout(o.checkout_body(shop.id, 0), key="k")

    assert reply.status == 409
    assert reply.body["cart"] is None
    assert o.orders_of("customer-1") == []


def test_a_cart_below_the_minimum_order_cannot_be_checked_out(shop: Shop) -> None:
    o.add_item(shop.id, {"menuItemId": shop.drink["id"]})
    cart = o.get_cart(shop.id).body

    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key="k")

    assert reply.status == 409
    assert [w["code"] for w in reply.body["warnings"]] == ["MINIMUM_ORDER_NOT_MET"]
    assert o.orders_of("customer-1") == []


def test_delivery_needs_an_address(shop: Shop) -> None:
    cart = _fill_cart(shop)
    body = o.checkout_body(shop.id, cart["total"])
    del body["deliveryAddress"]

    reply = o.checkout(body, key="k")

    assert reply.status == 400
    assert reply.field_errors() == ["body.deliveryAddress"]
    assert o.orders_of("customer-1") == []
    assert o.stored_cart("customer-1", shop.id) is not None


def test_pickup_takes_no_address(shop: Shop) -> None:
    _fill_cart(shop)
    cart = o.get_cart(shop.id, query={"fulfilment": "pickup"}).body
    body = {**o.checkout_body(shop.id, cart["total"], fulfilment="pickup"), "deliveryAddress": o.ADDRESS}

    reply = o.checkout(body, key="k")

    assert (reply.status, reply.field_errors()) == (400, ["body.deliveryAddress"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expectedTotal": -1}, "body.expectedTotal"),
        ({"expectedTotal": "2818"}, "body.expectedTotal"),
        ({"tip": -5}, "body.tip"),
        ({"fulfilment": "drone"}, "body.fulfilment"),
        ({"total": 1}, "body.total"),
        ({"customerId": "customer-2"}, "body.customerId"),
    ],
)
def test_a_malformed_checkout_is_a_400_naming_the_field(shop: Shop, change: dict[str, Any], field: str) -> None:
    cart = _fill_cart(shop)

    reply = o.checkout({**o.checkout_body(shop.id, cart["total"]), **change}, key="k")

    assert reply.status == 400
    assert field in reply.field_errors()
    assert o.orders_of("customer-1") == []


def test_an_item_made_unavailable_after_pricing_stops_the_checkout(shop: Shop) -> None:
    _fill_cart(shop)
    o.add_item(shop.id, {"menuItemId": shop.drink["id"]})
    seen = o.get_cart(shop.id).body
    catalog_service().update_menu_item(
        ADMIN, shop.id, shop.drink["id"], MenuItemPatch.model_validate({"available": False})
    )

    reply = o.checkout(o.checkout_body(shop.id, seen["total"]), key="k")

    assert reply.status == 409
    assert "ITEM_UNAVAILABLE" in [w["code"] for w in reply.body["cart"]["warnings"]]
    assert o.orders_of("customer-1") == []
    assert o.stored_cart("customer-1", shop.id) is not None


def test_an_item_made_unavailable_during_the_checkout_cancels_the_transaction(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the transaction's condition checks exist for: the item changes after the checkout priced the cart
    and before its TransactWriteItems runs."""
    seen = _fill_cart(shop)
    store = ordering_service().store
    real_place_order = store.place_order

    def place_order_after_a_menu_change(order: Order, **kwargs: Any) -> None:
        catalog_service().update_menu_item(
            ADMIN, shop.id, shop.pizza["id"], MenuItemPatch.model_validate({"available": False})
        )
        real_place_order(order, **kwargs)

    monkeypatch.setattr(store, "place_order", place_order_after_a_menu_change)

    reply = o.checkout(o.checkout_body(shop.id, seen["total"]), key="k")

    assert reply.status == 409
    assert "changed while checking out" in reply.body["detail"]
    fresh = reply.body["cart"]
    assert fresh["lines"] == []
    assert [w["code"] for w in fresh["warnings"]] == ["ITEM_UNAVAILABLE", "MINIMUM_ORDER_NOT_MET"]
    assert o.orders_of("customer-1") == []
    assert o.stored_cart("customer-1", shop.id) is not None


def test_a_cart_changed_during_the_checkout_cancels_the_transaction(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _fill_cart(shop)
    store = ordering_service().store
    real_place_order = store.place_order

    def place_order_after_a_cart_change(order: Order, **kwargs: Any) -> None:
        # Through the service: a handler called inside another handler would replace Powertools' current event.
        ordering_service().add_item(CUSTOMER_1, shop.id, CartItemAdd.model_validate({"menuItemId": shop.drink["id"]}))
        real_place_order(order, **kwargs)

    monkeypatch.setattr(store, "place_order", place_order_after_a_cart_change)

    reply = o.checkout(o.checkout_body(shop.id, seen["total"]), key="k")

    assert reply.status == 409
    assert [line["name"] for line in reply.body["cart"]["lines"]] == ["Margherita", "Lemonade"]
    assert o.orders_of("customer-1") == []


# ---- discount codes at checkout ------------------------------------------------------------------------------------


def test_the_order_records_the_code_and_a_once_per_customer_code_cannot_be_used_again(shop: Shop) -> None:
    assert o.create_discount(shop.id, o.discount_body("ONCE")).status == 201
    _fill_cart(shop)
    cart = o.apply_discount(shop.id, "ONCE").body
    assert cart["discount"] == 240

    first = o.checkout(o.checkout_body(shop.id, cart["total"]), key="k1")

    assert first.status == 201
    assert (first.body["discountCode"], first.body["discount"]) == ("ONCE", 240)
    _fill_cart(shop)
    again = o.apply_discount(shop.id, "ONCE")
    assert again.status == 409
    assert again.body["type"] == "https://waiter.dev/problems/conflict"
    assert again.field_errors() == ["body.code"]
    assert o.get_cart(shop.id).body["discountCode"] is None


def test_a_code_used_in_the_meantime_is_not_applied_to_a_second_cart(shop: Shop, other_shop: Shop) -> None:
    """The code was applied to the cart before another order used it: the second cart is priced without it."""
    assert o.create_discount(shop.id, o.discount_body("ONCE")).status == 201
    _fill_cart(shop)
    cart = o.apply_discount(shop.id, "ONCE").body
    assert o.checkout(o.checkout_body(shop.id, cart["total"]), key="k1").status == 201
    _fill_cart(shop)
    o.apply_discount(shop.id, "ONCE")  # refused (409): the cart has no code
    stale_total = cart["total"]

    reply = o.checkout(o.checkout_body(shop.id, stale_total), key="k2")

    assert reply.status == 409
    assert reply.body["cart"]["discount"] == 0
    assert len(o.orders_of("customer-1")) == 1


def test_a_checkout_that_fails_does_not_use_up_a_once_per_customer_code(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert o.create_discount(shop.id, o.discount_body("ONCE")).status == 201
    _fill_cart(shop)
    cart = o.apply_discount(shop.id, "ONCE").body
    store = ordering_service().store
    real_place_order = store.place_order

    def place_order_after_a_cart_change(order: Order, **kwargs: Any) -> None:
        ordering_service().add_item(CUSTOMER_1, shop.id, CartItemAdd.model_validate({"menuItemId": shop.drink["id"]}))
        assert kwargs["use_code"] is True  # the transaction would mark the code used
        real_place_order(order, **kwargs)

    monkeypatch.setattr(store, "place_order", place_order_after_a_cart_change)
    assert o.checkout(o.checkout_body(shop.id, cart["total"]), key="k1").status == 409
    monkeypatch.undo()

    assert o.stored_item(keys.discount_use(shop.id, "ONCE", "customer-1")) is None
    fresh = o.get_cart(shop.id).body
    assert fresh["discountCode"] == "ONCE"
    placed = o.checkout(o.checkout_body(shop.id, fresh["total"]), key="k2")
    assert (placed.status, placed.body["discountCode"]) == (201, "ONCE")
    assert o.stored_item(keys.discount_use(shop.id, "ONCE", "customer-1")) is not None


def test_a_code_that_may_be_reused_is_reused(shop: Shop) -> None:
    assert o.create_discount(shop.id, o.discount_body("ALWAYS", oncePerCustomer=False)).status == 201
    for key in ("k1", "k2"):
        _fill_cart(shop)
        cart = o.apply_discount(shop.id, "ALWAYS").body
        reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key=key)
        assert (reply.status, reply.body["discountCode"]) == (201, "ALWAYS")


# ---- rate limit --------------------------------------------------------------------------------------------------


def test_checkouts_are_limited_to_ten_a_minute_per_customer(shop: Shop) -> None:
    for n in range(10):
        assert o.checkout(o.checkout_body(shop.id, 0), key=f"k{n}").status == 409  # empty cart, but it counts

    cart = _fill_cart(shop)
    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key="k-eleventh")

    assert reply.status == 429
    assert reply.headers["Retry-After"] == "45"  # the clock is frozen 15 s into the minute
    assert reply.body["type"] == "https://waiter.dev/problems/too-many-requests"
    assert o.orders_of("customer-1") == []
    other = o.customer(2)
    assert (
        o.checkout(o.checkout_body(shop.id, _fill_cart(shop, claims=other)["total"]), key="k", claims=other).status
        == 201
    )


def test_a_replay_answers_with_the_order_as_it_is_now(shop: Shop) -> None:
    body = o.checkout_body(shop.id, _fill_cart(shop)["total"])
    placed = o.checkout(body, key="again")
    assert o.transition(shop.id, placed.body["id"], "ACCEPTED", claims=o.staff(shop.id)).status == 200

    replayed = o.checkout(body, key="again")

    assert replayed.status == 201
    assert (replayed.body["id"], replayed.body["status"]) == (placed.body["id"], "ACCEPTED")


def test_a_replay_does_not_count_against_the_rate_limit(shop: Shop) -> None:
    body = o.checkout_body(shop.id, _fill_cart(shop)["total"])
    replies = [o.checkout(body, key="same") for _ in range(12)]

    assert {r.status for r in replies} == {201}
    assert len({r.body["id"] for r in replies}) == 1


# ---- DynamoDB calls per operation ----------------------------------------------------------------------------------


def test_each_operation_makes_a_fixed_small_number_of_dynamodb_calls_and_never_scans(shop: Shop) -> None:
    """Counted with a botocore hook on the client every repository (the idempotency records' too) uses."""
    with o.dynamodb_calls() as calls:
        added = o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"]))
        # the cart; the restaurant and the items in one batch; the conditional write (pricing reuses the batch)
        assert calls.operations == ["GetItem", "BatchGetItem", "PutItem"]

        calls.clear()
        o.get_cart(shop.id)
        # GET cart = 2 calls: the cart, then restaurant + menu items (+ code and its use) in one BatchGetItem
        assert calls.operations == ["GetItem", "BatchGetItem"]

        calls.clear()
        placed = o.checkout(o.checkout_body(shop.id, added.body["total"]), key="counted")
        assert placed.status == 201
        assert calls.operations == [
            "BatchGetItem",  # the idempotency key's record (none yet) and the cart, both consistent
            "UpdateItem",  # the checkout rate-limit counter
            "BatchGetItem",  # restaurant, menu items, discount code and its use
            "TransactWriteItems",  # order + cart delete + item condition checks (+ code use) + the key's record
        ]

        calls.clear()
        replayed = o.checkout(o.checkout_body(shop.id, added.body["total"]), key="counted")
        assert replayed.body == placed.body
        # the record (read with the cart) names the order, which is read back
        assert calls.operations == ["BatchGetItem", "GetItem"]

        calls.clear()
        o.get_order(placed.body["id"])
        assert calls.operations == ["GetItem"]

        calls.clear()
        o.list_my_orders()
        o.kitchen_orders(shop.id, claims=o.staff(shop.id))
        o.kitchen_orders(shop.id, claims=o.staff(shop.id), query={"status": "PLACED"})
        # my orders from GSI1's whole orders; each kitchen list from a keys-only index, its orders read back
        assert calls.operations == ["Query", "Query", "BatchGetItem", "Query", "BatchGetItem"]

        calls.clear()
        o.transition(shop.id, placed.body["id"], "ACCEPTED", claims=o.staff(shop.id))
        assert calls.operations == ["GetItem", "PutItem"]  # read, then the version-conditioned write

    assert "Scan" not in calls.every
    assert len(calls.every) == 3 + 2 + 4 + 2 + 1 + 5 + 2


def test_a_restaurant_change_during_the_checkout_cancels_the_transaction(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tax rate, fees and minimum were priced at one restaurant version: a change before the transaction
    runs refuses the order instead of charging stale totals."""
    seen = _fill_cart(shop)
    store = ordering_service().store
    real_place_order = store.place_order

    def place_order_after_a_tax_change(order: Order, **kwargs: Any) -> None:
        catalog_service().update_restaurant(ADMIN, shop.id, RestaurantPatch.model_validate({"taxRateBps": 2000}))
        real_place_order(order, **kwargs)

    monkeypatch.setattr(store, "place_order", place_order_after_a_tax_change)

    reply = o.checkout(o.checkout_body(shop.id, seen["total"]), key="k")

    assert reply.status == 409
    assert reply.body["cart"]["total"] != seen["total"]
    assert o.orders_of("customer-1") == []
    assert o.stored_cart("customer-1", shop.id) is not None


def test_the_order_placed_hook_runs_once_per_order_not_on_replays(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    placed: list[str] = []
    monkeypatch.setattr(ordering_service(), "on_placed", lambda order: placed.append(order.id))
    seen = _fill_cart(shop)
    body = o.checkout_body(shop.id, seen["total"])

    first = o.checkout(body, key="same")
    again = o.checkout(body, key="same")

    assert first.status == again.status == 201
    assert placed == [first.body["id"]]
