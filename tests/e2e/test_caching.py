"""Conditional GETs and caching headers over HTTP: the public catalog reads answer a current If-None-Match with 304
and a fresh 200 once the menu changed; signed-in responses are ``private, no-store``; a 204 carries nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from local.samples import menu_item_body
from tests.e2e.conftest import RESTAURANT_A, Caller

pytestmark = pytest.mark.e2e

MENU = f"/v1/restaurants/{RESTAURANT_A}/menu"


@pytest.fixture
def new_item(api: httpx.Client, staff: Caller) -> Iterator[dict[str, Any]]:
    """A menu item of restaurant A made for the test, removed after it."""
    created = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/menu-items", json=menu_item_body(name="E2E cache probe"), headers=staff.headers
    )
    assert created.status_code == 201, created.text
    item: dict[str, Any] = created.json()
    yield item
    api.delete(f"/v1/restaurants/{RESTAURANT_A}/menu-items/{item['id']}", headers=staff.headers)


@pytest.mark.parametrize("path", ["/v1/restaurants", f"/v1/restaurants/{RESTAURANT_A}", MENU])
def test_a_current_etag_gets_a_304_without_a_body(api: httpx.Client, path: str) -> None:
    first = api.get(path)

    again = api.get(path, headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "content-type" not in again.headers


def test_the_menu_is_a_fresh_200_after_one_of_its_items_changes(
    api: httpx.Client, staff: Caller, new_item: dict[str, Any]
) -> None:
    before = api.get(MENU)
    assert api.get(MENU, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304

    changed = api.patch(
        f"/v1/restaurants/{RESTAURANT_A}/menu-items/{new_item['id']}",
        json={"description": "changed by the cache test"},
        headers={**staff.headers, "If-Match": '"1"'},
    )
    after = api.get(MENU, headers={"If-None-Match": before.headers["ETag"]})

    assert changed.status_code == 200, changed.text
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "changed by the cache test" in after.text


def test_signed_in_responses_are_private_and_not_stored(api: httpx.Client, customer: Caller) -> None:
    for path in ("/v1/me", "/v1/carts", "/v1/orders"):
        response = api.get(path, headers=customer.headers)
        assert response.status_code == 200, response.text
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_a_204_has_no_body_and_no_content_type(api: httpx.Client, staff: Caller, new_item: dict[str, Any]) -> None:
    response = api.delete(
        f"/v1/restaurants/{RESTAURANT_A}/menu-items/{new_item['id']}", headers={**staff.headers, "If-Match": '"1"'}
    )

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers
