"""GET /v1/restaurants: the public listing, filtered by city and cuisine, paged with signed cursors."""

from __future__ import annotations

import pytest

from tests.handlers import api
from tests.unit.builders import restaurant_body
from waiter.repository.cursor import encode_cursor

SUMMARY_FIELDS = {"id", "name", "description", "cuisines", "city", "currency", "deliveryFee", "minimumOrder"} | {
    "openNow", "nextOpensAt", "acceptingOrders", "pausedUntil", "pauseReason"  # computed as it is read
}  # fmt: skip

PARIS = {"line1": "2 Rue de Rivoli", "city": "Paris", "postcode": "75001", "country": "FR"}


def _names(query: dict[str, str] | None = None) -> list[str]:
    reply = api.list_restaurants(query)
    assert reply.status == 200, reply.body
    return [s["name"] for s in reply.body["items"]]


@pytest.fixture
def city_guide(table: str) -> None:
    for body in [
        restaurant_body(name="Berlin Pizza", cuisines=["pizza"]),
        restaurant_body(name="berlin sushi", cuisines=["sushi", "japanese"]),
        restaurant_body(name="Paris Pizza", cuisines=["pizza", "italian"], address=PARIS),
        restaurant_body(name="Paris Bistro", cuisines=["french"], address=PARIS),
    ]:
        assert api.create_restaurant(body).status == 201
    closed = api.create_restaurant(restaurant_body(name="Closed Pizza", cuisines=["pizza"]))
    assert api.delete_restaurant(closed.body["id"]).status == 204


def test_the_listing_shows_summaries_of_active_restaurants_in_name_order(city_guide: None) -> None:
    reply = api.list_restaurants()

    assert reply.status == 200
    assert set(reply.body) == {"items", "nextCursor"}
    assert reply.body["nextCursor"] is None
    assert [s["name"] for s in reply.body["items"]] == ["Berlin Pizza", "berlin sushi", "Paris Bistro", "Paris Pizza"]
    assert all(set(s) == SUMMARY_FIELDS for s in reply.body["items"])
    first = reply.body["items"][0]
    assert (first["city"], first["cuisines"], first["currency"], first["deliveryFee"]) == (
        "Berlin",
        ["pizza"],
        "EUR",
        250,
    )


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"city": "Berlin"}, ["Berlin Pizza", "berlin sushi"]),
        ({"city": "bErLiN"}, ["Berlin Pizza", "berlin sushi"]),
        ({"city": "paris"}, ["Paris Bistro", "Paris Pizza"]),
        ({"cuisine": "pizza"}, ["Berlin Pizza", "Paris Pizza"]),
        ({"cuisine": "PIZZA"}, ["Berlin Pizza", "Paris Pizza"]),
        ({"cuisine": "japanese"}, ["berlin sushi"]),
        ({"city": "Paris", "cuisine": "pizza"}, ["Paris Pizza"]),
        ({"city": "Paris", "cuisine": "sushi"}, []),
        ({"city": "Rome"}, []),
    ],
)
def test_the_listing_filters_by_city_and_cuisine(city_guide: None, query: dict[str, str], names: list[str]) -> None:
    assert _names(query) == names


def test_paging_walks_every_active_restaurant_exactly_once_in_name_order(table: str) -> None:
    names = [f"Trattoria {n:02d}" for n in range(11)]
    for name in reversed(names):
        assert api.create_restaurant(restaurant_body(name=name)).status == 201
    hidden = api.create_restaurant(restaurant_body(name="Trattoria 05b"))
    api.delete_restaurant(hidden.body["id"])

    seen: list[str] = []
    query = {"limit": "4"}
    for _ in range(10):
        reply = api.list_restaurants(query)
        assert reply.status == 200
        assert len(reply.body["items"]) <= 4
        seen += [s["name"] for s in reply.body["items"]]
        if reply.body["nextCursor"] is None:
            break
        query = {"limit": "4", "cursor": reply.body["nextCursor"]}

    assert seen == names


def test_paging_a_filtered_listing_keeps_the_filter(city_guide: None) -> None:
    first = api.list_restaurants({"cuisine": "pizza", "limit": "1"})
    assert [s["name"] for s in first.body["items"]] == ["Berlin Pizza"]

    second = api.list_restaurants({"cuisine": "pizza", "limit": "1", "cursor": first.body["nextCursor"]})
    assert [s["name"] for s in second.body["items"]] == ["Paris Pizza"]


def test_a_cursor_from_another_filter_is_rejected(city_guide: None) -> None:
    cursor = api.list_restaurants({"city": "berlin", "limit": "1"}).body["nextCursor"]
    assert cursor is not None

    reply = api.list_restaurants({"city": "paris", "limit": "1", "cursor": cursor})

    assert reply.status == 400
    assert reply.field_errors() == ["query.cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param("eyJrIjp7fX0.AAAA", id="bad-signature"),
        pytest.param(encode_cursor({"PK": {"S": "LIST#*#*"}, "SK": {"S": "a"}}, "LIST#*#*", b"guessed"), id="forged"),
        pytest.param("x" * 2049, id="too-long"),
    ],
)
def test_a_bad_cursor_is_rejected_naming_the_cursor(city_guide: None, cursor: str) -> None:
    reply = api.list_restaurants({"cursor": cursor})

    assert reply.status == 400
    assert reply.field_errors() == ["query.cursor"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_a_limit_outside_1_to_100_is_rejected(table: str, limit: str) -> None:
    reply = api.list_restaurants({"limit": limit})

    assert reply.status == 400
    assert reply.field_errors() == ["query.limit"]


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limits_1_and_100_are_accepted(city_guide: None, limit: str) -> None:
    reply = api.list_restaurants({"limit": limit})

    assert reply.status == 200
    assert len(reply.body["items"]) == min(int(limit), 4)


def test_an_overlong_filter_is_rejected(table: str) -> None:
    reply = api.list_restaurants({"city": "x" * 121})

    assert reply.status == 400
    assert reply.field_errors() == ["query.city"]
