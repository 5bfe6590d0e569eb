"""The cart routes (/v1/carts...) and discount-code creation through their handlers, on moto: the backend prices
every cart from the current menu, refuses bad lines naming the field, and keeps each customer's carts their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop
from tests.support import ADMIN, CUSTOMER, api_event

PRICED_CART_FIELDS = {
    "restaurantId",
    "currency",
    "fulfilment",
    "lines",
    "subtotal",
    "discount",
    "discountCode",
    "deliveryFee",
    "tax",
    "tip",
    "total",
    "warnings",
}


def _add_large_pizza(shop: Shop, quantity: int = 1, *, claims: api.Claims | None = None) -> dict[str, Any]:
    reply = o.add_item(shop.id, o.large_pizza(quantity, item_id=shop.pizza["id"]), claims=claims)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def _warning_codes(cart: dict[str, Any]) -> list[str]:
    return [w["code"] for w in cart["warnings"]]


# ---- adding lines ---------------------------------------------------------------------------------------------


def test_adding_an_item_with_options_returns_the_cart_priced_by_the_backend(shop: Shop) -> None:
    reply = o.add_item(shop.id, o.large_pizza(2, toppings=["ham", "olives"], item_id=shop.pizza["id"]))

    assert reply.status == 200
    cart = reply.body
    assert set(cart) == PRICED_CART_FIELDS
    assert (cart["restaurantId"], cart["currency"], cart["fulfilment"]) == (shop.id, "EUR", "delivery")
    [line] = cart["lines"]
    assert line["menuItemId"] == shop.pizza["id"]
    assert line["name"] == "Margherita"
    # Options come back in menu order with the names and deltas the menu has now.
    assert [(op["groupId"], op["choiceId"], op["priceDelta"]) for op in line["options"]] == [
        ("size", "l", 300),
        ("toppings", "olives", 100),
        ("toppings", "ham", 150),
    ]
    assert line["unitPrice"] == 900 + 300 + 100 + 150
    assert (line["quantity"], line["lineTotal"]) == (2, 2900)
    assert cart["subtotal"] == 2900
    assert cart["tax"] == 203  # 7 % of 29.00
    assert cart["deliveryFee"] == 250
    assert (cart["discount"], cart["discountCode"], cart["tip"]) == (0, None, 0)
    assert cart["total"] == 2900 + 203 + 250
    assert cart["warnings"] == []
    assert o.get_cart(shop.id).body == cart


def test_a_second_item_adds_a_line_and_the_totals_add_up(shop: Shop) -> None:
    _add_large_pizza(shop)

    cart = o.add_item(shop.id, {"menuItemId": shop.drink["id"], "quantity": 3}).body

    assert [(line["name"], line["unitPrice"], line["lineTotal"]) for line in cart["lines"]] == [
        ("Margherita", 1200, 1200),
        ("Lemonade", 250, 750),
    ]
    assert cart["subtotal"] == 1950
    assert cart["tax"] == 137  # 136.5 rounds half up, once on the cart
    assert cart["total"] == 1950 + 137 + 250


def test_a_pickup_cart_has_no_delivery_fee(shop: Shop) -> None:
    _add_large_pizza(shop)

    cart = o.get_cart(shop.id, query={"fulfilment": "pickup"}).body

    assert (cart["fulfilment"], cart["deliveryFee"]) == ("pickup", 0)
    assert cart["total"] == cart["subtotal"] + cart["tax"] == 1200 + 84


def test_an_empty_cart_costs_nothing_not_even_delivery(shop: Shop) -> None:
    cart = o.get_cart(shop.id).body

    assert (cart["lines"], cart["subtotal"], cart["deliveryFee"], cart["total"]) == ([], 0, 0, 0)


def _unavailable_item(shop: Shop) -> str:
    reply = api.create_menu_item(shop.id, o.drink_body(name="Sold out", available=False))
    assert reply.status == 201
    return str(reply.body["id"])


def _other_restaurants_item(shop: Shop) -> str:
    other = o.open_shop(name="Elsewhere")
    return str(other.drink["id"])


BadLine = Callable[[Shop], tuple[dict[str, Any], str]]

BAD_LINES: dict[str, BadLine] = {
    "required-group-missing": lambda s: ({"menuItemId": s.pizza["id"], "options": []}, "body.options"),
    "too-many-choices": lambda s: (
        o.large_pizza(toppings=["olives", "ham", "basil"], item_id=s.pizza["id"]),
        "body.options.1.choiceIds",
    ),
    "unknown-group": lambda s: (
        {
            "menuItemId": s.pizza["id"],
            "options": [{"groupId": "size", "choiceIds": ["m"]}, {"groupId": "crust", "choiceIds": ["thin"]}],
        },
        "body.options.1.groupId",
    ),
    "group-chosen-twice": lambda s: (
        {
            "menuItemId": s.pizza["id"],
            "options": [{"groupId": "size", "choiceIds": ["m"]}, {"groupId": "size", "choiceIds": ["l"]}],
        },
        "body.options.1.groupId",
    ),
    "unknown-choice": lambda s: (
        {"menuItemId": s.pizza["id"], "options": [{"groupId": "size", "choiceIds": ["xl"]}]},
        "body.options.0.choiceIds",
    ),
    "too-few-choices": lambda s: (
        {"menuItemId": s.pizza["id"], "options": [{"groupId": "size", "choiceIds": []}]},
        "body.options.0.choiceIds",
    ),
    "unknown-item": lambda _: ({"menuItemId": "no-such-item"}, "body.menuItemId"),
    "unavailable-item": lambda s: ({"menuItemId": _unavailable_item(s)}, "body.menuItemId"),
    "item-of-another-restaurant": lambda s: ({"menuItemId": _other_restaurants_item(s)}, "body.menuItemId"),
    "quantity-0": lambda s: ({"menuItemId": s.drink["id"], "quantity": 0}, "body.quantity"),
    "quantity-100": lambda s: ({"menuItemId": s.drink["id"], "quantity": 100}, "body.quantity"),
    "quantity-as-text": lambda s: ({"menuItemId": s.drink["id"], "quantity": "2"}, "body.quantity"),
    "a-price-in-the-body": lambda s: ({"menuItemId": s.drink["id"], "price": 1}, "body.price"),
    "a-unit-price-in-the-body": lambda s: ({"menuItemId": s.drink["id"], "unitPrice": 1}, "body.unitPrice"),
}


@pytest.mark.parametrize("make", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_is_a_400_naming_the_field_and_the_cart_is_unchanged(shop: Shop, make: BadLine) -> None:
    _add_large_pizza(shop)
    body, field = make(shop)
    before = api.table_snapshot()

    reply = o.add_item(shop.id, body)

    assert reply.status == 400, reply.body
    assert reply.body["type"] == "https://waiter.dev/problems/validation-failed"
    assert field in reply.field_errors()
    assert api.table_snapshot() == before


def test_every_problem_of_a_line_is_reported_at_once(shop: Shop) -> None:
    options = [{"groupId": "toppings", "choiceIds": ["olives", "ham", "basil"]}, {"groupId": "crust", "choiceIds": []}]

    reply = o.add_item(shop.id, {"menuItemId": shop.pizza["id"], "options": options})

    assert reply.status == 400
    assert set(reply.field_errors()) == {"body.options", "body.options.0.choiceIds", "body.options.1.groupId"}


def test_only_signed_in_customers_have_carts(shop: Shop) -> None:
    event = api_event(
        "GET", f"/v1/carts/{shop.id}", resource="/v1/carts/{restaurantId}", path_params={"restaurantId": shop.id}
    )

    reply = api.send("get_cart", event)

    assert reply.status == 401


# ---- changing and removing lines -----------------------------------------------------------------------------


def test_patching_a_line_changes_its_quantity_and_the_totals(shop: Shop) -> None:
    line_id = _add_large_pizza(shop)["lines"][0]["lineId"]

    reply = o.update_line(shop.id, line_id, {"quantity": 3})

    assert reply.status == 200
    [line] = reply.body["lines"]
    assert (line["lineId"], line["quantity"], line["lineTotal"]) == (line_id, 3, 3600)
    assert reply.body["subtotal"] == 3600
    assert reply.body["total"] == 3600 + 252 + 250


@pytest.mark.parametrize(
    ("body", "field"),
    [({"quantity": 0}, "body.quantity"), ({"quantity": 100}, "body.quantity"), ({"quantity": 2, "x": 1}, "body.x")],
)
def test_a_bad_patch_is_a_400_and_the_line_keeps_its_quantity(shop: Shop, body: dict[str, Any], field: str) -> None:
    line_id = _add_large_pizza(shop)["lines"][0]["lineId"]

    reply = o.update_line(shop.id, line_id, body)

    assert reply.status == 400
    assert field in reply.field_errors()
    assert o.get_cart(shop.id).body["lines"][0]["quantity"] == 1


def test_deleting_a_line_removes_it(shop: Shop) -> None:
    line_id = _add_large_pizza(shop)["lines"][0]["lineId"]
    o.add_item(shop.id, {"menuItemId": shop.drink["id"]})

    reply = o.remove_line(shop.id, line_id)

    assert reply.status == 200
    assert [line["name"] for line in reply.body["lines"]] == ["Lemonade"]
    assert reply.body["subtotal"] == 250


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_unknown_line_is_404(shop: Shop, method: str) -> None:
    _add_large_pizza(shop)

    reply = o.update_line(shop.id, "nope", {"quantity": 2}) if method == "PATCH" else o.remove_line(shop.id, "nope")

    assert reply.status == 404
    assert reply.body["type"] == "https://waiter.dev/problems/not-found"


def test_emptying_a_cart_removes_it(shop: Shop) -> None:
    _add_large_pizza(shop)

    reply = o.empty_cart(shop.id)

    assert (reply.status, reply.body) == (204, None)
    assert o.stored_cart("customer-1", shop.id) is None
    assert o.get_cart(shop.id).body["lines"] == []
    assert o.list_carts().body == {"items": []}


# ---- discount codes on a cart ---------------------------------------------------------------------------------


def test_a_percent_code_takes_its_share_off_the_subtotal_before_tax(shop: Shop) -> None:
    assert o.create_discount(shop.id, o.discount_body("SPRING15", percentBps=1500)).status == 201
    _add_large_pizza(shop, 2)

    reply = o.apply_discount(shop.id, " spring15 ")  # any case, spaces trimmed

    assert reply.status == 200
    cart = reply.body
    assert (cart["discountCode"], cart["subtotal"], cart["discount"]) == ("SPRING15", 2400, 360)
    assert cart["tax"] == 143  # 7 % of 20.40 = 1.428
    assert cart["total"] == 2400 - 360 + 250 + 143
    assert o.get_cart(shop.id).body == cart


def test_a_fixed_code_takes_its_amount_off(shop: Shop) -> None:
    body = o.discount_body("FIVE-OFF", kind="fixed", percentBps=None, amount=500, currency="EUR")
    assert o.create_discount(shop.id, body).status == 201
    _add_large_pizza(shop)

    cart = o.apply_discount(shop.id, "FIVE-OFF").body

    assert (cart["discountCode"], cart["discount"], cart["tax"]) == ("FIVE-OFF", 500, 49)
    assert cart["total"] == 1200 - 500 + 250 + 49


def _expired() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"validFrom": o.iso(now - timedelta(days=2)), "validUntil": o.iso(now - timedelta(days=1))}


def _not_yet_valid() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"validFrom": o.iso(now + timedelta(days=1)), "validUntil": o.iso(now + timedelta(days=2))}


@pytest.mark.parametrize(
    ("create", "message"),
    [
        pytest.param(None, "not a valid code", id="unknown"),
        pytest.param(_expired(), "expired", id="expired"),
        pytest.param(_not_yet_valid(), "not valid before", id="not-yet-valid"),
        pytest.param({"minSubtotal": 5000}, "applies from a subtotal of 50.00 EUR", id="below-minimum-subtotal"),
    ],
)
def test_a_code_that_does_not_apply_is_a_400_on_body_code_and_the_cart_keeps_none(
    shop: Shop, create: dict[str, Any] | None, message: str
) -> None:
    if create is not None:
        assert o.create_discount(shop.id, o.discount_body("SAVE10", **create)).status == 201
    _add_large_pizza(shop)
    before = api.table_snapshot()

    reply = o.apply_discount(shop.id, "SAVE10")

    assert reply.status == 400
    assert reply.field_errors() == ["body.code"]
    assert message in reply.body["errors"][0]["message"]
    assert api.table_snapshot() == before
    assert o.get_cart(shop.id).body["discountCode"] is None


def test_another_restaurants_code_does_not_apply(shop: Shop, other_shop: Shop) -> None:
    assert o.create_discount(other_shop.id, o.discount_body("ELSEWHERE")).status == 201
    _add_large_pizza(shop)

    reply = o.apply_discount(shop.id, "ELSEWHERE")

    assert (reply.status, reply.field_errors()) == (400, ["body.code"])


def test_removing_the_code_restores_the_full_price(shop: Shop) -> None:
    o.create_discount(shop.id, o.discount_body("SAVE10"))
    full = _add_large_pizza(shop)
    o.apply_discount(shop.id, "SAVE10")

    reply = o.remove_discount(shop.id)

    assert reply.status == 200
    assert reply.body == full


def test_a_code_that_stops_applying_is_a_warning_not_an_error(shop: Shop) -> None:
    o.create_discount(shop.id, o.discount_body("BIG-CARTS", minSubtotal=2000))
    line_id = _add_large_pizza(shop, 2)["lines"][0]["lineId"]
    assert o.apply_discount(shop.id, "BIG-CARTS").body["discount"] == 240

    cart = o.update_line(shop.id, line_id, {"quantity": 1}).body

    assert (cart["discount"], cart["discountCode"]) == (0, None)
    assert _warning_codes(cart) == ["DISCOUNT_NOT_APPLIED"]


# ---- listing carts ----------------------------------------------------------------------------------------------


def test_listing_carts_shows_each_open_cart(shop: Shop, other_shop: Shop) -> None:
    _add_large_pizza(shop, 2)
    o.add_item(shop.id, {"menuItemId": shop.drink["id"], "quantity": 3})
    _add_large_pizza(other_shop)
    o.add_item(other_shop.id, {"menuItemId": other_shop.drink["id"]})
    o.remove_line(other_shop.id, o.get_cart(other_shop.id).body["lines"][0]["lineId"])

    reply = o.list_carts()

    assert reply.status == 200
    summaries = {c["restaurantId"]: (c["lineCount"], c["itemCount"]) for c in reply.body["items"]}
    assert summaries == {shop.id: (2, 5), other_shop.id: (1, 1)}
    assert all(
        set(c) == {"restaurantId", "lineCount", "itemCount", "discountCode", "updatedAt"} for c in reply.body["items"]
    )


def test_a_cart_whose_lines_were_all_removed_is_not_listed(shop: Shop) -> None:
    line_id = _add_large_pizza(shop)["lines"][0]["lineId"]
    o.remove_line(shop.id, line_id)

    assert o.list_carts().body == {"items": []}


# ---- warnings ---------------------------------------------------------------------------------------------------


def test_an_item_that_became_unavailable_is_left_out_with_a_warning(shop: Shop) -> None:
    pizza_line = _add_large_pizza(shop, 2)["lines"][0]["lineId"]
    o.add_item(shop.id, {"menuItemId": shop.drink["id"]})
    assert api.update_menu_item(shop.id, shop.pizza["id"], {"available": False}).status == 200

    cart = o.get_cart(shop.id).body

    assert [line["name"] for line in cart["lines"]] == ["Lemonade"]
    assert cart["subtotal"] == 250
    unavailable = [w for w in cart["warnings"] if w["code"] == "ITEM_UNAVAILABLE"]
    assert [w["lineId"] for w in unavailable] == [pizza_line]


def test_a_price_change_since_adding_is_charged_with_a_warning(shop: Shop) -> None:
    line_id = _add_large_pizza(shop)["lines"][0]["lineId"]
    assert api.update_menu_item(shop.id, shop.pizza["id"], {"price": 1000}).status == 200

    cart = o.get_cart(shop.id).body

    assert cart["lines"][0]["unitPrice"] == 1300
    assert cart["subtotal"] == 1300
    [warning] = cart["warnings"]
    assert (warning["code"], warning["lineId"]) == ("PRICE_CHANGED", line_id)
    assert warning["message"] == "Margherita now costs 13.00 EUR (was 12.00 EUR when added)"
    assert (warning["amount"], warning["previousAmount"], warning["currency"]) == (1300, 1200, "EUR")


def test_a_cart_below_the_minimum_order_says_how_much_is_missing(shop: Shop) -> None:
    cart = o.add_item(shop.id, {"menuItemId": shop.drink["id"], "quantity": 2}).body

    [warning] = cart["warnings"]
    assert warning["code"] == "MINIMUM_ORDER_NOT_MET"
    assert warning["message"] == "the minimum order is 10.00 EUR; add 5.00 EUR more to check out"
    assert (warning["amount"], warning["currency"]) == (500, "EUR")  # 10.00 minimum, 5.00 in the cart


# ---- one customer's cart is theirs ----------------------------------------------------------------------------


def test_another_customer_never_sees_or_changes_my_cart(shop: Shop) -> None:
    mine = _add_large_pizza(shop, 2)
    line_id = mine["lines"][0]["lineId"]
    them = o.customer(2)

    assert o.get_cart(shop.id, claims=them).body["lines"] == []
    assert o.list_carts(claims=them).body == {"items": []}
    assert o.update_line(shop.id, line_id, {"quantity": 9}, claims=them).status == 404
    assert o.remove_line(shop.id, line_id, claims=them).status == 404
    o.add_item(shop.id, {"menuItemId": shop.drink["id"]}, claims=them)
    assert o.update_line(shop.id, line_id, {"quantity": 9}, claims=them).status == 404
    assert o.empty_cart(shop.id, claims=them).status == 204

    assert o.get_cart(shop.id).body == mine


# ---- restaurants that cannot take orders -------------------------------------------------------------------------


def test_carts_at_an_unknown_restaurant_are_404(services: None) -> None:
    assert o.get_cart("no-such-restaurant").status == 404
    assert o.add_item("no-such-restaurant", {"menuItemId": "x"}).status == 404


def test_carts_at_an_inactive_restaurant_are_404(shop: Shop) -> None:
    _add_large_pizza(shop)
    assert api.delete_restaurant(shop.id).status == 204

    assert o.get_cart(shop.id).status == 404
    assert o.add_item(shop.id, {"menuItemId": shop.drink["id"]}).status == 404


# ---- creating discount codes -------------------------------------------------------------------------------------


def test_staff_create_a_discount_code_for_their_restaurant(shop: Shop) -> None:
    reply = o.create_discount(shop.id, o.discount_body("WELCOME", minSubtotal=1500), claims=o.staff(shop.id))

    assert reply.status == 201
    assert reply.headers["Location"] == f"/v1/restaurants/{shop.id}/discounts/WELCOME"
    assert reply.body["code"] == "WELCOME"
    assert (reply.body["restaurantId"], reply.body["kind"], reply.body["percentBps"]) == (shop.id, "percent", 1000)
    assert (reply.body["minSubtotal"], reply.body["oncePerCustomer"]) == (1500, True)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(o.staff("another-restaurant"), id="staff-of-another"),
    ],
)
def test_others_may_not_create_discount_codes(shop: Shop, claims: api.Claims) -> None:
    before = api.table_snapshot()

    reply = o.create_discount(shop.id, o.discount_body("WELCOME"), claims=claims)

    assert reply.status == 403
    assert api.table_snapshot() == before


def test_a_duplicate_code_is_a_409(shop: Shop) -> None:
    assert o.create_discount(shop.id, o.discount_body("WELCOME")).status == 201

    reply = o.create_discount(shop.id, o.discount_body("WELCOME", percentBps=5000))

    assert reply.status == 409
    assert o.create_discount(shop.id, o.discount_body("WELCOME"), claims=ADMIN).status == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "fixed", "percentBps": None, "amount": 500, "currency": "USD"}, "body.currency"),
        ({"code": "ab"}, "body.code"),
        ({"percentBps": 10_001}, "body.percentBps"),
    ],
)
def test_a_bad_discount_code_is_a_400(shop: Shop, overrides: dict[str, Any], field: str) -> None:
    reply = o.create_discount(shop.id, {**o.discount_body("WELCOME"), **overrides})

    assert reply.status == 400
    assert field in reply.field_errors()


def test_discount_codes_of_an_unknown_restaurant_are_404(services: None) -> None:
    assert o.create_discount("no-such-restaurant", o.discount_body("WELCOME")).status == 404
