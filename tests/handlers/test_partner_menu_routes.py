"""The partner menu routes through their handlers, on moto: GET /v1/partner/menu (the key's restaurant's whole menu)
and PUT /v1/partner/menu-items/{itemId}/availability (the one menu change a key may make)."""

from __future__ import annotations

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.api import Reply
from tests.handlers.ordering_fixtures import Partner, Shop

AVAILABILITY = "/v1/partner/menu-items/{itemId}/availability"


def partner_menu(partner: Partner | None, **claims: str) -> Reply:
    return api.request(
        "partner_get_menu", "GET", "/v1/partner/menu", authorizer=partner.context() if partner else None,
        claims=claims or None,
    )  # fmt: skip


def set_availability(item_id: str, available: object, partner: Partner | None, **options: object) -> Reply:
    return api.request(
        "partner_set_item_availability",
        "PUT",
        AVAILABILITY,
        {"itemId": item_id},
        authorizer=partner.context() if partner else None,
        body={"available": available},
        headers=options.get("headers"),  # type: ignore[arg-type]
    )


def _item_ids(reply: Reply) -> list[str]:
    return [i["id"] for c in reply.body["categories"] for i in c["items"]]


def test_a_partner_switches_an_item_off_and_the_public_menu_loses_it(shop: Shop) -> None:
    partner = Partner("k1", shop.id)

    off = set_availability(shop.drink["id"], False, partner)

    assert off.status == 200, off.body
    assert (off.body["available"], off.etag) == (False, '"2"')
    assert shop.drink["id"] not in _item_ids(api.get_menu(shop.id))
    assert shop.drink["id"] in _item_ids(partner_menu(partner)), "the partner menu shows unavailable items"
    on = set_availability(shop.drink["id"], True, partner, headers={"If-Match": '"2"'})
    assert (on.status, on.body["available"]) == (200, True)
    assert shop.drink["id"] in _item_ids(api.get_menu(shop.id))


def test_the_partner_menu_is_the_keys_restaurants(shop: Shop, other_shop: Shop) -> None:
    reply = partner_menu(Partner("k1", other_shop.id))

    assert reply.status == 200
    assert reply.body["restaurantId"] == other_shop.id
    assert not set(_item_ids(reply)) & {shop.pizza["id"], shop.drink["id"]}


def test_a_partner_cannot_switch_another_restaurants_item(shop: Shop, other_shop: Shop) -> None:
    reply = set_availability(shop.drink["id"], False, Partner("k1", other_shop.id))

    assert reply.status == 404
    assert shop.drink["id"] in _item_ids(api.get_menu(shop.id))


def test_a_stale_if_match_is_412(shop: Shop) -> None:
    reply = set_availability(shop.drink["id"], False, Partner("k1", shop.id), headers={"If-Match": '"7"'})
    assert reply.status == 412


@pytest.mark.parametrize("value", ["no", 0, None])
def test_availability_is_true_or_false_only(shop: Shop, value: object) -> None:
    reply = set_availability(shop.drink["id"], value, Partner("k1", shop.id))
    assert reply.status == 400
    assert reply.field_errors() == ["body.available"]


def test_without_a_partner_key_both_routes_are_403(shop: Shop) -> None:
    staff = o.staff(shop.id)
    assert partner_menu(None, **staff).status == 403
    assert api.request(
        "partner_set_item_availability", "PUT", AVAILABILITY, {"itemId": shop.drink["id"]}, claims=staff,
        body={"available": False},
    ).status == 403  # fmt: skip
