"""Conditional GETs and caching headers through the handlers: the public catalog reads carry an ETag and a public
Cache-Control and answer a matching If-None-Match with 304; everything else is ``private, no-store``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers.api import RESTAURANT, Reply, staff_claims
from tests.support import CUSTOMER

MENU = RESTAURANT + "/menu"
PRIVATE = "private, no-store"


def read(route: str, restaurant_id: str, headers: dict[str, str] | None = None, **options: Any) -> Reply:
    """GET one of the three public catalog reads (``list``, ``restaurant``, ``menu``)."""
    if route == "list":
        return api.request("list_restaurants", "GET", "/v1/restaurants", headers=headers, **options)
    function, resource = {"restaurant": ("get_restaurant", RESTAURANT), "menu": ("get_menu", MENU)}[route]
    return api.request(function, "GET", resource, {"restaurantId": restaurant_id}, headers=headers, **options)


ROUTES = ["list", "restaurant", "menu"]


@pytest.mark.parametrize(
    ("route", "policy"),
    [
        ("list", "public, max-age=60, stale-while-revalidate=300"),
        ("restaurant", "public, max-age=30, stale-while-revalidate=60"),
        ("menu", "public, max-age=30, stale-while-revalidate=60"),
    ],
)
def test_public_catalog_reads_carry_an_etag_and_a_public_cache_policy(
    menu_item: dict[str, Any], route: str, policy: str
) -> None:
    reply = read(route, menu_item["restaurantId"])

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == policy
    assert str(reply.etag).startswith('"')
    # one copy serves every origin from a shared cache, so the CORS header does not wait for an Origin
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("route", ROUTES)
def test_a_matching_if_none_match_is_a_304_without_a_body_repeating_the_etag(
    menu_item: dict[str, Any], route: str
) -> None:
    first = read(route, menu_item["restaurantId"])

    again = read(route, menu_item["restaurantId"], {"If-None-Match": str(first.etag)})

    assert again.status == 304
    assert again.body is None
    assert again.etag == first.etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert "Content-Type" not in again.headers


@pytest.mark.parametrize(
    "if_none_match",
    ['"elsewhere", {etag}', "W/{etag}", "*", ' {etag} , "x"'],
    ids=["in a list", "weak", "any", "spaced"],
)
def test_if_none_match_takes_lists_weak_tags_and_any(menu_item: dict[str, Any], if_none_match: str) -> None:
    etag = str(read("menu", menu_item["restaurantId"]).etag)

    reply = read("menu", menu_item["restaurantId"], {"If-None-Match": if_none_match.format(etag=etag)})

    assert reply.status == 304


@pytest.mark.parametrize("if_none_match", ['"stale"', 'W/"stale"', "garbage", ""])
def test_a_tag_that_is_not_current_gets_the_full_200(menu_item: dict[str, Any], if_none_match: str) -> None:
    reply = read("menu", menu_item["restaurantId"], {"If-None-Match": if_none_match})

    assert reply.status == 200
    assert reply.body["categories"]


def test_the_menu_etag_changes_when_an_item_changes(menu_item: dict[str, Any]) -> None:
    restaurant_id = menu_item["restaurantId"]
    before = read("menu", restaurant_id)

    changed = api.update_menu_item(restaurant_id, menu_item["id"], {"available": False}, headers={"If-Match": '"1"'})
    after = read("menu", restaurant_id, {"If-None-Match": str(before.etag)})

    assert changed.status == 200, changed.body
    assert after.status == 200
    assert after.etag != before.etag
    assert read("menu", restaurant_id, {"If-None-Match": str(after.etag)}).status == 304


def test_the_restaurant_public_etag_names_its_version_so_if_match_and_if_none_match_agree(
    restaurant: dict[str, Any],
) -> None:
    # the public tag is the version and a digest of the body (openNow changes without a new version)
    first = read("restaurant", restaurant["id"])
    assert str(first.etag).startswith('"1-')

    again = read("restaurant", restaurant["id"], {"If-None-Match": str(first.etag)})
    assert (again.status, again.etag) == (304, first.etag)
    assert read("restaurant", restaurant["id"], {"If-None-Match": '"1"'}).status == 200  # the plain version: no

    renamed = api.update_restaurant(restaurant["id"], {"name": "Renamed"}, headers={"If-Match": str(first.etag)})
    assert renamed.status == 200
    stale = api.update_restaurant(restaurant["id"], {"name": "Again"}, headers={"If-Match": str(first.etag)})
    assert stale.status == 412


def test_a_listing_page_etag_changes_when_the_listing_does(restaurant: dict[str, Any]) -> None:
    before = read("list", restaurant["id"])
    api.update_restaurant(restaurant["id"], {"name": "Renamed Pizzeria"}, headers={"If-Match": '"1"'})

    after = read("list", restaurant["id"], {"If-None-Match": str(before.etag)})

    assert after.status == 200
    assert after.etag != before.etag


def test_a_signed_in_callers_read_is_private_and_never_revalidated_as_public(menu_item: dict[str, Any]) -> None:
    restaurant_id = menu_item["restaurantId"]
    public_tag = str(read("menu", restaurant_id).etag)

    reply = read("menu", restaurant_id, {"If-None-Match": public_tag}, claims=staff_claims(restaurant_id))

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "call",
    [
        lambda _: api.request("get_me", "GET", "/v1/me", claims=CUSTOMER),
        lambda _: api.request("list_carts", "GET", "/v1/carts", claims=CUSTOMER),
        lambda r: api.update_restaurant(r["id"], {"name": "Private Pizzeria"}, headers={"If-Match": '"1"'}),
        lambda _: read("restaurant", "no-such-restaurant"),
        lambda r: api.delete_restaurant(r["id"]),
    ],
    ids=["profile", "carts", "a write", "an error of a public read", "a 204"],
)
def test_every_other_response_is_private_and_not_stored(restaurant: dict[str, Any], call: Any) -> None:
    reply = call(restaurant)

    assert reply.headers["Cache-Control"] == PRIVATE


def test_a_204_has_no_body_and_no_content_type(restaurant: dict[str, Any]) -> None:
    reply = api.delete_restaurant(restaurant["id"])

    assert reply.status == 204
    assert reply.body is None
    assert "Content-Type" not in reply.headers
