"""The public catalog end to end: listing with filters and pagination, one restaurant, its menu, and errors as
problem+json."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from local.seed import DEMO_RESTAURANTS

pytestmark = pytest.mark.e2e

PROBLEM_JSON = "application/problem+json"
DEMO = [demo["restaurant"] for demo in DEMO_RESTAURANTS]


def demo_names(city: str | None = None, cuisine: str | None = None) -> set[str]:
    return {
        r["name"]
        for r in DEMO
        if (city is None or r["address"]["city"] == city) and (cuisine is None or cuisine in r["cuisines"])
    }


def names(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["name"] for item in response.json()["items"]}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    return problem


def test_listing_returns_the_demo_restaurants_in_two_cities(listing: list[dict[str, Any]]) -> None:
    assert demo_names() <= {r["name"] for r in listing}
    assert len({r["city"] for r in listing}) >= 2
    assert all({"id", "name", "cuisines", "city", "currency", "deliveryFee"} <= set(r) for r in listing)


@pytest.mark.parametrize("city", ["Berlin", "Lisbon"])
def test_listing_filters_by_city(api: httpx.Client, city: str) -> None:
    response = api.get("/v1/restaurants", params={"city": city, "limit": 100})

    assert demo_names(city=city) <= names(response)
    assert {item["city"] for item in response.json()["items"]} == {city}


def test_listing_filters_by_cuisine_across_cities(api: httpx.Client) -> None:
    response = api.get("/v1/restaurants", params={"cuisine": "pizza", "limit": 100})

    assert demo_names(cuisine="pizza") <= names(response)
    assert all("pizza" in item["cuisines"] for item in response.json()["items"])
    assert len({item["city"] for item in response.json()["items"]}) >= 2


def test_city_and_cuisine_filters_combine(api: httpx.Client) -> None:
    response = api.get("/v1/restaurants", params={"city": "Lisbon", "cuisine": "pizza"})

    assert demo_names(city="Lisbon", cuisine="pizza") <= names(response)
    assert {(i["city"], "pizza" in i["cuisines"]) for i in response.json()["items"]} == {("Lisbon", True)}


def test_pagination_with_limit_and_cursor_walks_every_restaurant_once(
    api: httpx.Client, listing: list[dict[str, Any]]
) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(50):
        page = api.get("/v1/restaurants", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        if not body.get("nextCursor"):
            break
        params["cursor"] = body["nextCursor"]

    assert len(seen) == len(set(seen))
    assert set(seen) == {r["id"] for r in listing}


def test_forged_cursor_is_a_400_problem_naming_the_cursor(api: httpx.Client) -> None:
    cursor = api.get("/v1/restaurants", params={"limit": 1}).json()["nextCursor"]
    forged = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")

    problem = assert_problem(api.get("/v1/restaurants", params={"limit": 1, "cursor": forged}), 400)

    assert [e["field"] for e in problem["errors"]] == ["query.cursor"]


def test_cursor_of_another_listing_is_refused(api: httpx.Client) -> None:
    cursor = api.get("/v1/restaurants", params={"city": "Berlin", "limit": 1}).json()["nextCursor"]

    problem = assert_problem(api.get("/v1/restaurants", params={"city": "Lisbon", "cursor": cursor}), 400)

    assert problem["errors"][0]["field"] == "query.cursor"


def test_one_restaurant_comes_with_its_etag(api: httpx.Client, restaurant_id: str) -> None:
    response = api.get(f"/v1/restaurants/{restaurant_id}")

    assert response.status_code == 200, response.text
    # a public read: the version, then a digest of the body (openNow changes without a new version)
    assert re.fullmatch(r'(W/)?"\d+-[0-9a-f]{12}"', response.headers["etag"])
    body = response.json()
    assert body["id"] == restaurant_id
    assert body["active"] is True
    assert {"address", "openingHours", "currency", "taxRateBps"} <= set(body)


def test_menu_is_grouped_by_category(api: httpx.Client, restaurant_id: str) -> None:
    response = api.get(f"/v1/restaurants/{restaurant_id}/menu")

    assert response.status_code == 200, response.text
    menu = response.json()
    assert menu["restaurantId"] == restaurant_id
    categories = [c["name"] for c in menu["categories"]]
    assert len(categories) == len(set(categories)) >= 3
    items = [item for category in menu["categories"] for item in category["items"]]
    assert len(items) >= 8
    assert all(item["category"] == c["name"] for c in menu["categories"] for item in c["items"])
    assert all(item["currency"] == menu["currency"] for item in items)
    assert any(group["choices"] for item in items for group in item["optionGroups"])


def test_unknown_restaurant_is_a_404_problem(api: httpx.Client) -> None:
    assert_problem(api.get("/v1/restaurants/does-not-exist"), 404)
    assert_problem(api.get("/v1/restaurants/does-not-exist/menu"), 404)


def test_creating_a_restaurant_without_signing_in_is_refused(api: httpx.Client) -> None:
    body = dict(DEMO[0], name="Anonymous Attempt")

    response = api.post("/v1/restaurants", json=body)

    if response.status_code == 401:  # a stage with the Cognito authorizer refuses before the function runs
        return
    assert_problem(response, 403)
