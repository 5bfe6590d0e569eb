"""GET /v1/restaurants/{restaurantId}/menu and POST/PATCH/DELETE .../menu-items[/{itemId}] through their handlers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers.api import staff_claims
from tests.support import ADMIN, CUSTOMER
from tests.unit.builders import menu_item_body, restaurant_body

ITEM_FIELDS = {
    "id",
    "restaurantId",
    "name",
    "description",
    "category",
    "price",
    "currency",
    "dietaryTags",
    "available",
    "optionGroups",
    "createdAt",
    "updatedAt",
}


# ---- POST .../menu-items ---------------------------------------------------------------------------------------------


def test_an_admin_adds_a_menu_item_with_option_groups(restaurant: dict[str, Any]) -> None:
    reply = api.create_menu_item(restaurant["id"], menu_item_body())

    assert reply.status == 201
    assert set(reply.body) == ITEM_FIELDS
    assert reply.body["restaurantId"] == restaurant["id"]
    assert (reply.body["price"], reply.body["currency"]) == (900, "EUR")
    assert reply.body["optionGroups"] == [
        {
            "id": "size",
            "name": "Size",
            "minChoices": 1,
            "maxChoices": 1,
            "choices": [
                {"id": "m", "name": "Medium", "priceDelta": 0},
                {"id": "l", "name": "Large", "priceDelta": 300},
            ],
        }
    ]
    assert reply.body["available"] is True
    assert reply.etag == '"1"'
    assert reply.headers["Location"] == f"/v1/restaurants/{restaurant['id']}/menu-items/{reply.body['id']}"


def test_staff_of_the_restaurant_add_menu_items(restaurant: dict[str, Any]) -> None:
    reply = api.create_menu_item(
        restaurant["id"], menu_item_body(name="Calzone"), claims=staff_claims(restaurant["id"])
    )

    assert (reply.status, reply.body["name"]) == (201, "Calzone")


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(staff_claims("another-restaurant"), id="staff-of-another"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_others_may_not_add_menu_items(restaurant: dict[str, Any], claims: api.Claims | None) -> None:
    before = api.table_snapshot()

    reply = api.create_menu_item(restaurant["id"], menu_item_body(), claims=claims)

    assert reply.status == 403
    assert api.table_snapshot() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param("[}", ["body"], id="malformed-json"),
        pytest.param([menu_item_body()], ["body"], id="array-not-object"),
        pytest.param(menu_item_body(currency="USD"), ["body.currency"], id="currency"),
        pytest.param(menu_item_body(price="9.00"), ["body.price"], id="string-price"),
        pytest.param(menu_item_body(price=-1), ["body.price"], id="negative-price"),
        pytest.param(
            menu_item_body(price={"amount": 900, "currency": "EUR"}), ["body.price"], id="money-object-for-price"
        ),
        pytest.param(menu_item_body(price=9.5), ["body.price"], id="fractional-price"),
        pytest.param(menu_item_body(currency="eur"), ["body.currency"], id="lower-case-currency"),
        pytest.param(menu_item_body(available="yes"), ["body.available"], id="string-for-boolean"),
        pytest.param(menu_item_body(id="mine"), ["body.id"], id="unknown-field-id"),
        pytest.param(menu_item_body(restaurantId="other"), ["body.restaurantId"], id="unknown-field-restaurant"),
        pytest.param({k: v for k, v in menu_item_body().items() if k != "category"}, ["body.category"], id="missing"),
        pytest.param(
            menu_item_body(
                optionGroups=[
                    {"id": "g", "name": "G", "minChoices": 2, "maxChoices": 1, "choices": [{"id": "a", "name": "A"}]}
                ]
            ),
            ["body.optionGroups.0"],
            id="min-above-max",
        ),
        pytest.param(
            menu_item_body(
                optionGroups=[
                    {"id": "g", "name": "G", "minChoices": 2, "maxChoices": 3, "choices": [{"id": "a", "name": "A"}]}
                ]
            ),
            ["body.optionGroups.0"],
            id="min-above-choices",
        ),
        pytest.param(
            menu_item_body(
                optionGroups=[{"id": "g", "name": "G", "choices": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}]
            ),
            ["body.optionGroups.0"],
            id="duplicate-choice-ids",
        ),
        pytest.param(
            menu_item_body(
                optionGroups=[
                    {"id": "g", "name": "G", "choices": [{"id": "a", "name": "A"}]},
                    {"id": "g", "name": "H", "choices": [{"id": "b", "name": "B"}]},
                ]
            ),
            ["body"],
            id="duplicate-group-ids",
        ),
    ],
)
def test_a_bad_menu_item_is_rejected_naming_the_field(restaurant: dict[str, Any], body: Any, fields: list[str]) -> None:
    before = api.table_snapshot()

    reply = api.create_menu_item(restaurant["id"], body)

    assert reply.status == 400
    assert reply.field_errors() == fields
    assert api.table_snapshot() == before


def test_adding_to_an_unknown_restaurant_is_not_found(table: str) -> None:
    reply = api.create_menu_item("does-not-exist", menu_item_body())

    assert reply.status == 404
    assert api.table_snapshot() == []


def test_an_oversized_menu_item_is_rejected(restaurant: dict[str, Any]) -> None:
    before = api.table_snapshot()

    reply = api.create_menu_item(restaurant["id"], api.oversized_body())

    assert reply.status == 413
    assert api.table_snapshot() == before


# ---- GET .../menu ----------------------------------------------------------------------------------------------------


@pytest.fixture
def full_menu(restaurant: dict[str, Any]) -> dict[str, Any]:
    for name, category, available in [
        ("Tiramisu", "Desserts", True),
        ("Quattro Formaggi", "Pizza", False),
        ("Margherita", "Pizza", True),
        ("Diavola", "Pizza", True),
        ("Espresso", "Drinks", False),
    ]:
        body = menu_item_body(name=name, category=category, available=available)
        assert api.create_menu_item(restaurant["id"], body).status == 201
    return restaurant


def test_the_public_menu_groups_available_items_by_category(full_menu: dict[str, Any]) -> None:
    reply = api.get_menu(full_menu["id"])

    assert reply.status == 200
    assert set(reply.body) == {"restaurantId", "restaurantName", "currency", "categories"}
    assert (reply.body["restaurantId"], reply.body["restaurantName"], reply.body["currency"]) == (
        full_menu["id"],
        "Pizza Roma",
        "EUR",
    )
    assert [(c["name"], [i["name"] for i in c["items"]]) for c in reply.body["categories"]] == [
        ("Desserts", ["Tiramisu"]),
        ("Pizza", ["Diavola", "Margherita"]),
    ]
    assert all(set(i) == ITEM_FIELDS for c in reply.body["categories"] for i in c["items"])


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_managers_see_unavailable_items_in_the_menu(full_menu: dict[str, Any], who: str) -> None:
    claims = ADMIN if who == "admin" else staff_claims(full_menu["id"])

    reply = api.get_menu(full_menu["id"], claims=claims)

    assert [(c["name"], [i["name"] for i in c["items"]]) for c in reply.body["categories"]] == [
        ("Desserts", ["Tiramisu"]),
        ("Drinks", ["Espresso"]),
        ("Pizza", ["Diavola", "Margherita", "Quattro Formaggi"]),
    ]


def test_a_restaurant_without_items_has_an_empty_menu(restaurant: dict[str, Any]) -> None:
    reply = api.get_menu(restaurant["id"])

    assert (reply.status, reply.body["categories"]) == (200, [])


def test_the_menu_of_an_unknown_restaurant_is_not_found(table: str) -> None:
    assert api.get_menu("does-not-exist").status == 404


def test_menus_do_not_mix_restaurants(full_menu: dict[str, Any]) -> None:
    other = api.create_restaurant(restaurant_body(name="Other")).body
    api.create_menu_item(other["id"], menu_item_body(name="Only here", category="Specials"))

    assert [c["name"] for c in api.get_menu(other["id"]).body["categories"]] == ["Specials"]
    assert "Specials" not in [c["name"] for c in api.get_menu(full_menu["id"]).body["categories"]]


# ---- PATCH .../menu-items/{itemId} -----------------------------------------------------------------------------------


def test_a_menu_item_update_changes_only_the_named_fields(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    reply = api.update_menu_item(restaurant["id"], menu_item["id"], {"price": 1050})

    assert reply.status == 200
    assert set(reply.body) == ITEM_FIELDS
    assert (reply.body["price"], reply.body["currency"]) == (1050, "EUR")
    unchanged = {k: v for k, v in reply.body.items() if k not in ("price", "updatedAt")}
    assert unchanged == {k: v for k, v in menu_item.items() if k not in ("price", "updatedAt")}
    assert reply.etag == '"2"'
    assert api.get_menu(restaurant["id"]).body["categories"][0]["items"][0] == reply.body


def test_staff_replace_option_groups(restaurant: dict[str, Any], menu_item: dict[str, Any]) -> None:
    groups = [{"id": "extras", "name": "Extras", "maxChoices": 2, "choices": [{"id": "olives", "name": "Olives"}]}]

    reply = api.update_menu_item(
        restaurant["id"], menu_item["id"], {"optionGroups": groups}, claims=staff_claims(restaurant["id"])
    )

    assert reply.status == 200
    assert reply.body["optionGroups"] == [
        {
            "id": "extras",
            "name": "Extras",
            "minChoices": 0,
            "maxChoices": 2,
            "choices": [{"id": "olives", "name": "Olives", "priceDelta": 0}],
        }
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param("nope", ["body"], id="malformed-json"),
        pytest.param({"id": "x"}, ["body.id"], id="id-is-not-patchable"),
        pytest.param({"version": 2}, ["body.version"], id="version-is-not-patchable"),
        pytest.param({"name": None}, ["body.name"], id="null"),
        pytest.param({"price": 100, "currency": "GBP"}, ["body.currency"], id="other-currency"),
        pytest.param({"price": {"amount": 100}}, ["body.price"], id="money-object-for-price"),
        pytest.param({"available": 0}, ["body.available"], id="number-for-boolean"),
        pytest.param({"dietaryTags": ["Vegan!"]}, ["body.dietaryTags.0"], id="bad-tag"),
    ],
)
def test_a_bad_menu_item_patch_is_rejected_and_changes_nothing(
    restaurant: dict[str, Any], menu_item: dict[str, Any], body: Any, fields: list[str]
) -> None:
    before = api.table_snapshot()

    reply = api.update_menu_item(restaurant["id"], menu_item["id"], body)

    assert reply.status == 400
    assert reply.field_errors() == fields
    assert api.table_snapshot() == before


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(staff_claims("another-restaurant"), id="staff-of-another"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_others_may_not_change_or_remove_menu_items(
    restaurant: dict[str, Any], menu_item: dict[str, Any], claims: api.Claims | None
) -> None:
    before = api.table_snapshot()

    assert api.update_menu_item(restaurant["id"], menu_item["id"], {"name": "Free"}, claims=claims).status == 403
    assert api.delete_menu_item(restaurant["id"], menu_item["id"], claims=claims).status == 403
    assert api.table_snapshot() == before


def test_unknown_menu_items_are_not_found(restaurant: dict[str, Any]) -> None:
    assert api.update_menu_item(restaurant["id"], "does-not-exist", {"name": "X"}).status == 404
    assert api.delete_menu_item(restaurant["id"], "does-not-exist").status == 404
    assert api.update_menu_item("no-restaurant", "does-not-exist", {"name": "X"}).status == 404


def test_a_menu_item_is_only_reachable_through_its_own_restaurant(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    other = api.create_restaurant(restaurant_body(name="Other")).body
    before = api.table_snapshot()

    reply = api.update_menu_item(other["id"], menu_item["id"], {"name": "Moved"}, claims=staff_claims(other["id"]))

    assert reply.status == 404
    assert api.table_snapshot() == before


def test_a_menu_item_patch_with_the_current_etag_succeeds(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    reply = api.update_menu_item(restaurant["id"], menu_item["id"], {"name": "B"}, headers={"If-Match": '"1"'})

    assert (reply.status, reply.etag) == (200, '"2"')


def test_a_menu_item_patch_with_a_stale_etag_fails_and_writes_nothing(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    api.update_menu_item(restaurant["id"], menu_item["id"], {"name": "B"})
    before = api.table_snapshot()

    reply = api.update_menu_item(restaurant["id"], menu_item["id"], {"name": "C"}, headers={"If-Match": '"1"'})

    assert reply.status == 412
    assert api.table_snapshot() == before


def test_an_oversized_menu_item_patch_is_rejected(restaurant: dict[str, Any], menu_item: dict[str, Any]) -> None:
    before = api.table_snapshot()

    reply = api.update_menu_item(restaurant["id"], menu_item["id"], api.oversized_body())

    assert reply.status == 413
    assert api.table_snapshot() == before


# ---- DELETE .../menu-items/{itemId} ----------------------------------------------------------------------------------


def test_deleting_a_menu_item_removes_it_from_the_menu(restaurant: dict[str, Any], menu_item: dict[str, Any]) -> None:
    reply = api.delete_menu_item(restaurant["id"], menu_item["id"])

    assert (reply.status, reply.body) == (204, None)
    assert api.get_menu(restaurant["id"], claims=ADMIN).body["categories"] == []
    assert api.delete_menu_item(restaurant["id"], menu_item["id"]).status == 404


def test_a_menu_item_delete_with_the_current_etag_succeeds(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    reply = api.delete_menu_item(restaurant["id"], menu_item["id"], headers={"If-Match": '"1"'})

    assert reply.status == 204
    assert api.get_menu(restaurant["id"], claims=ADMIN).body["categories"] == []


def test_a_menu_item_delete_with_a_stale_etag_fails_and_removes_nothing(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    api.update_menu_item(restaurant["id"], menu_item["id"], {"available": False})
    before = api.table_snapshot()

    reply = api.delete_menu_item(restaurant["id"], menu_item["id"], headers={"If-Match": '"1"'})

    assert reply.status == 412
    assert api.table_snapshot() == before


# ---- one money shape ----------------------------------------------------------------------------------------------


def test_an_item_states_its_currency_and_may_be_created_without_one(restaurant: dict[str, Any]) -> None:
    without = api.create_menu_item(restaurant["id"], {"name": "Water", "category": "Drinks", "price": 150})
    restated = api.create_menu_item(restaurant["id"], menu_item_body(currency="EUR"))

    assert (without.status, without.body["price"], without.body["currency"]) == (201, 150, "EUR")
    assert (restated.status, restated.body["currency"]) == (201, "EUR")
    menu = api.get_menu(restaurant["id"]).body
    assert {(i["price"], i["currency"]) for c in menu["categories"] for i in c["items"]} == {(150, "EUR"), (900, "EUR")}


def test_a_patch_may_restate_the_currency_but_never_change_it(
    restaurant: dict[str, Any], menu_item: dict[str, Any]
) -> None:
    same = api.update_menu_item(restaurant["id"], menu_item["id"], {"price": 990, "currency": "EUR"})
    other = api.update_menu_item(restaurant["id"], menu_item["id"], {"currency": "USD"})

    assert (same.status, same.body["price"], same.body["currency"]) == (200, 990, "EUR")
    assert (other.status, other.field_errors()) == (400, ["body.currency"])
    assert "EUR" in other.body["detail"]
