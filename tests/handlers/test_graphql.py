"""The GraphQL function over the same services as REST: catalog reads with nested menus, the cart and checkout
journey with its idempotency, orders and their ownership, the kitchen, and the one error mapping; every answer is
GraphQL over HTTP (application/graphql-response+json, request errors 4xx, field errors 200)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers.graphql_support import FORGER, GRAPHQL_RESPONSE, Answer, graphql, id_tokens, token
from tests.handlers.ordering_fixtures import (
    Shop,
    customer,
    dynamodb_calls,
    get_order,
    large_pizza,
    place_order,
    staff,
)
from waiter.adapters.graphql.binding import check_binding, executable_schema

__all__ = ["id_tokens"]  # the fixture, used by name

pytestmark = pytest.mark.usefixtures("id_tokens")

MENU = """
query Menu($id: ID!) {
  restaurant(id: $id) {
    id name currency deliveryFee minimumOrder openNow acceptingOrders
    address { city }
    menu { restaurantId currency categories { name items { id name price currency available
      optionGroups { id minChoices maxChoices choices { id name priceDelta } } } } }
  }
}"""
CART_FIELDS = "restaurantId currency fulfilment subtotal discount deliveryFee tax tip total " \
    "lines { lineId menuItemId name quantity unitPrice lineTotal options { groupId choiceId priceDelta } } " \
    "warnings { code message amount currency }"  # fmt: skip
ORDER_FIELDS = (
    "id customerId restaurantId status paymentStatus paymentMethod paymentId fulfilment subtotal discount deliveryFee "
    "tax tip total currency "
    "discountCode version prepMinutes deliveryMinutes estimatedReadyAt estimatedDeliveredAt customerErased "
    "statusReason allowedTransitions createdAt updatedAt "
    "deliveryAddress { line1 line2 city postcode country instructions } "
    "lines { lineId menuItemId name quantity unitPrice lineTotal "
    "options { groupId groupName choiceId choiceName priceDelta } } "
    "history { from to at reason actor { type id } }"
)
ADD = f"""mutation Add($r: ID!, $input: CartItemAddInput!) {{
  addCartItem(restaurantId: $r, input: $input) {{ {CART_FIELDS} }} }}"""
CART = f"""query Cart($r: ID!, $f: Fulfilment) {{ cart(restaurantId: $r, fulfilment: $f) {{ {CART_FIELDS} }} }}"""
CHECKOUT = f"""mutation Checkout($input: CheckoutInput!, $key: String!) {{
  checkout(input: $input, idempotencyKey: $key) {{ {ORDER_FIELDS} }} }}"""
ORDER = f"query Order($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"


def _ok(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith(GRAPHQL_RESPONSE)
    assert answer.errors == [], answer.errors
    data: dict[str, Any] = answer.data
    return data


def _checkout_input(shop: Shop, total: int) -> dict[str, Any]:
    return {
        "restaurantId": shop.id,
        "fulfilment": "delivery",
        "deliveryAddress": {"line1": "1 Main St", "city": "Berlin", "postcode": "10115", "country": "DE"},
        "tip": 0,
        "expectedTotal": total,
    }


def test_every_field_of_the_schema_is_resolved_and_every_resolver_is_a_field() -> None:
    assert check_binding(executable_schema()) == []


def test_anyone_reads_a_restaurant_with_its_menu_as_the_rest_routes_show_them(shop: Shop) -> None:
    data = _ok(graphql(MENU, {"id": shop.id}))

    menu = api.request("get_menu", "GET", api.RESTAURANT + "/menu", {"restaurantId": shop.id}).body
    assert data["restaurant"]["menu"]["categories"] == [
        {"name": c["name"], "items": [{k: i[k] for k in (
            "id", "name", "price", "currency", "available")} | {"optionGroups": [
                {k: g[k] for k in ("id", "minChoices", "maxChoices")} | {"choices": g["choices"]}
                for g in i["optionGroups"]]} for i in c["items"]]}
        for c in menu["categories"]
    ]  # fmt: skip
    assert data["restaurant"]["address"]["city"] == shop.restaurant["address"]["city"]
    assert data["restaurant"]["deliveryFee"] == shop.restaurant["deliveryFee"]


def test_the_listing_pages_with_cursors_and_fills_in_details_the_listing_does_not_hold(
    shop: Shop, other_shop: Shop
) -> None:
    query = "query($after: String) { restaurants(first: 1, after: $after) { " \
        "edges { cursor node { id name timeZone address { city } } } " \
        "pageInfo { hasNextPage endCursor } } }"  # fmt: skip
    first = _ok(graphql(query))["restaurants"]
    second = _ok(graphql(query, {"after": first["pageInfo"]["endCursor"]}))["restaurants"]

    assert first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["cursor"] == first["pageInfo"]["endCursor"]
    names = [first["edges"][0]["node"]["name"], second["edges"][0]["node"]["name"]]
    assert sorted(names) == sorted([shop.restaurant["name"], other_shop.restaurant["name"]])
    assert second["edges"][0]["node"]["timeZone"] == shop.restaurant["timeZone"]


def test_a_customer_fills_a_cart_checks_out_once_per_key_and_follows_the_order(shop: Shop) -> None:
    me = customer()
    added = _ok(graphql(ADD, {"r": shop.id, "input": large_pizza(2, item_id=shop.pizza["id"])}, claims=me))
    priced = _ok(graphql(CART, {"r": shop.id, "f": "delivery"}, claims=me))["cart"]
    assert added["addCartItem"]["total"] == priced["total"] > 0
    assert priced["lines"][0]["quantity"] == 2

    variables = {"input": _checkout_input(shop, priced["total"]), "key": "gql-key-1"}
    placed = _ok(graphql(CHECKOUT, variables, claims=me))["checkout"]
    replay = _ok(graphql(CHECKOUT, variables, claims=me))["checkout"]
    followed = _ok(graphql(ORDER, {"id": placed["id"]}, claims=me))["order"]

    assert placed["status"] == "PLACED"
    assert placed["total"] == priced["total"]
    assert replay["id"] == placed["id"]
    assert followed == placed
    assert _ok(graphql("{ carts { restaurantId } }", claims=me))["carts"] == []  # the order emptied the cart


def test_the_graphql_order_is_the_rest_order_field_for_field(shop: Shop) -> None:
    order = place_order(shop)

    data = _ok(graphql(ORDER, {"id": order["id"]}, claims=customer()))["order"]

    rest = get_order(order["id"]).body
    assert data == rest


def test_another_customers_order_is_not_found_as_over_rest(shop: Shop) -> None:
    order = place_order(shop)

    answer = graphql(ORDER, {"id": order["id"]}, claims=customer(2))

    assert answer.status == 200
    assert answer.data is None
    assert answer.codes == ["NOT_FOUND"]
    assert answer.errors[0]["path"] == ["order"]
    assert get_order(order["id"], claims=customer(2)).status == 404


def test_staff_move_an_order_with_the_version_they_saw_and_a_stale_version_is_a_conflict(shop: Shop) -> None:
    order = place_order(shop)
    kitchen = staff(shop.id)
    move = """mutation($r: ID!, $o: ID!, $v: Int) { transitionOrder(restaurantId: $r, orderId: $o,
      input: {to: ACCEPTED, prepMinutes: 15}, expectedVersion: $v) { status version prepMinutes } }"""

    moved = _ok(graphql(move, {"r": shop.id, "o": order["id"], "v": order["version"]}, claims=kitchen))
    stale = graphql(move, {"r": shop.id, "o": order["id"], "v": order["version"]}, claims=kitchen)
    board_query = "query($r: ID!) { kitchenOrders(restaurantId: $r, status: ACCEPTED) { edges { node { id } } } }"
    board = _ok(graphql(board_query, {"r": shop.id}, claims=kitchen))

    assert moved["transitionOrder"] == {"status": "ACCEPTED", "version": order["version"] + 1, "prepMinutes": 15}
    assert stale.codes == ["CONFLICT"]
    assert [e["node"]["id"] for e in board["kitchenOrders"]["edges"]] == [order["id"]]


def test_staff_switch_a_menu_item_off_and_customers_no_longer_see_it(shop: Shop) -> None:
    switch = "mutation($r: ID!, $i: ID!) { setMenuItemAvailability(restaurantId: $r, itemId: $i, available: false) " \
        "{ id available } }"  # fmt: skip

    done = _ok(graphql(switch, {"r": shop.id, "i": shop.drink["id"]}, claims=staff(shop.id)))
    refused = graphql(switch, {"r": shop.id, "i": shop.drink["id"]}, claims=customer())
    menu = _ok(graphql(MENU, {"id": shop.id}))["restaurant"]["menu"]

    assert done["setMenuItemAvailability"] == {"id": shop.drink["id"], "available": False}
    assert refused.codes == ["FORBIDDEN"]
    assert shop.drink["id"] not in {i["id"] for c in menu["categories"] for i in c["items"]}


def test_cart_mutations_change_lines_discounts_and_empty_the_cart(shop: Shop) -> None:
    me = customer()
    added = _ok(graphql(ADD, {"r": shop.id, "input": large_pizza(1, item_id=shop.pizza["id"])}, claims=me))
    line = added["addCartItem"]["lines"][0]["lineId"]
    update = "mutation($r: ID!, $l: ID!) { updateCartItem(restaurantId: $r, lineId: $l, input: {quantity: 3}) " \
        "{ lines { quantity } } }"  # fmt: skip
    unknown_code = 'mutation($r: ID!) { applyDiscount(restaurantId: $r, input: {code: "NOPE-123"}) { total } }'

    assert _ok(graphql(update, {"r": shop.id, "l": line}, claims=me))["updateCartItem"]["lines"] == [{"quantity": 3}]
    refused = graphql(unknown_code, {"r": shop.id}, claims=me)
    assert refused.codes == ["BAD_USER_INPUT"]
    assert refused.errors[0]["extensions"]["fields"][0]["field"] == "input.code"
    assert _ok(graphql("mutation($r: ID!) { removeDiscount(restaurantId: $r) { discount } }", {"r": shop.id},
                       claims=me))["removeDiscount"]["discount"] == 0  # fmt: skip
    remove = "mutation($r: ID!, $l: ID!) { removeCartItem(restaurantId: $r, lineId: $l) { lines { lineId } } }"
    removed = _ok(graphql(remove, {"r": shop.id, "l": line}, claims=me))
    assert removed["removeCartItem"]["lines"] == []
    assert _ok(graphql("mutation($r: ID!) { emptyCart(restaurantId: $r) }", {"r": shop.id}, claims=me)) == {
        "emptyCart": True
    }


# ---- errors -------------------------------------------------------------------------------------------------------


def test_bad_input_names_the_field_as_this_api_names_it(shop: Shop) -> None:
    answer = graphql(ADD, {"r": shop.id, "input": {"menuItemId": shop.pizza["id"], "quantity": 0}}, claims=customer())

    assert answer.status == 200
    assert answer.codes == ["BAD_USER_INPUT"]
    assert answer.errors[0]["extensions"]["fields"] == [
        {"field": "input.quantity", "message": "Input should be greater than or equal to 1"}
    ]
    assert answer.errors[0]["path"] == ["addCartItem"]


def test_an_input_field_the_rest_body_does_not_have_is_refused_before_anything_runs(shop: Shop) -> None:
    answer = graphql(ADD, {"r": shop.id, "input": {"menuItemId": shop.pizza["id"], "price": 1}}, claims=customer())

    assert answer.status == 400
    assert answer.data is None
    assert "price" in answer.errors[0]["message"]


def test_a_malformed_id_argument_is_bad_user_input_on_that_argument() -> None:
    answer = graphql('{ restaurant(id: "no/such?id") { name } }')

    assert answer.codes == ["BAD_USER_INPUT"]
    assert answer.errors[0]["extensions"]["fields"][0]["field"] == "id"


def test_checkout_over_the_rate_limit_is_rate_limited_with_retry_after(shop: Shop) -> None:
    me = customer()
    codes = []
    for n in range(11):
        graphql(ADD, {"r": shop.id, "input": large_pizza(1, item_id=shop.pizza["id"])}, claims=me)
        total = _ok(graphql(CART, {"r": shop.id}, claims=me))["cart"]["total"]
        answer = graphql(CHECKOUT, {"input": _checkout_input(shop, total), "key": f"k-{n}"}, claims=me)
        codes.append(answer.codes)

    assert codes[:10] == [[]] * 10
    assert codes[10] == ["RATE_LIMITED"]
    assert (
        graphql(CHECKOUT, {"input": _checkout_input(shop, 1), "key": "k-x"}, claims=me).errors[0]["extensions"][
            "retryAfter"
        ]
        == 45
    )


def test_signed_in_fields_without_a_token_are_unauthenticated_and_public_ones_still_answer(shop: Shop) -> None:
    answer = graphql("query($r: ID!) { restaurant(id: $r) { name } me { email } }", {"r": shop.id})

    assert answer.status == 200
    assert answer.codes == ["UNAUTHENTICATED"]
    assert answer.errors[0]["path"] == ["me"]


@pytest.mark.parametrize(
    "bearer",
    [
        pytest.param(token(customer(), exp=1_000_000_000), id="expired"),
        pytest.param(token(customer(), key=FORGER), id="tampered"),
        pytest.param(token(customer(), aud="another-client"), id="another app client"),
        pytest.param(token(customer(), token_use="access"), id="an access token"),
        pytest.param("not-a-jwt", id="garbage"),
    ],
)
def test_a_token_failing_the_authorizers_checks_is_a_401_unauthenticated(shop: Shop, bearer: str) -> None:
    answer = graphql("query($r: ID!) { restaurant(id: $r) { name } }", {"r": shop.id}, bearer=bearer)

    assert answer.status == 401
    assert answer.data is None
    assert answer.codes == ["UNAUTHENTICATED"]
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_an_unexpected_failure_is_an_internal_error_naming_nothing_inside(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from waiter.catalog.service import CatalogService

    def broken(*_: Any, **__: Any) -> Any:
        raise KeyError("PK")

    monkeypatch.setattr(CatalogService, "get_menu", broken)
    monkeypatch.setattr(CatalogService, "get_restaurant_and_menu", broken)  # MENU's read: the restaurant with it
    answer = graphql(MENU, {"id": shop.id})

    assert answer.status == 200
    assert answer.codes == ["INTERNAL_SERVER_ERROR"]
    assert "PK" not in str(answer.body)
    assert "Traceback" not in str(answer.body)


def test_a_restaurant_with_its_menu_is_one_read_and_answers_as_the_two_reads_do(shop: Shop) -> None:
    details = "id name currency deliveryFee openNow acceptingOrders timeZone address { city }"
    alone = f"query($id: ID!) {{ restaurant(id: $id) {{ {details} }} }}"
    menu_only = "query($id: ID!) { restaurant(id: $id) { id menu { currency categories { items { id } } } } }"
    fragment = f"query($id: ID!) {{ restaurant(id: $id) {{ ...Shown }} }} fragment Shown on Restaurant {{ {details} " \
        "menu { currency categories { items { id } } } }"  # fmt: skip

    with dynamodb_calls() as read_alone:
        apart = _ok(graphql(alone, {"id": shop.id}))["restaurant"]
    with dynamodb_calls() as read_together:
        together = _ok(graphql(fragment, {"id": shop.id}))["restaurant"]

    assert read_alone.operations == ["BatchGetItem"]
    assert read_together.operations == ["Query"]  # the menu's Query holds the restaurant's details
    assert {k: v for k, v in together.items() if k != "menu"} == apart
    assert together["menu"] == _ok(graphql(menu_only, {"id": shop.id}))["restaurant"]["menu"]


def test_a_deactivated_restaurant_asked_with_its_menu_is_not_found_but_its_staff_see_it(shop: Shop) -> None:
    query = "query($id: ID!) { restaurant(id: $id) { name active menu { categories { items { id } } } } }"
    assert api.delete_restaurant(shop.id).status == 204

    hidden = graphql(query, {"id": shop.id}, claims=customer())
    seen = _ok(graphql(query, {"id": shop.id}, claims=staff(shop.id)))["restaurant"]

    assert hidden.codes == ["NOT_FOUND"]
    assert hidden.errors[0]["path"] == ["restaurant"]
    assert seen["active"] is False
    assert {i["id"] for c in seen["menu"]["categories"] for i in c["items"]} == {shop.pizza["id"], shop.drink["id"]}
