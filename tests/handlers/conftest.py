"""Fixtures of the handler tests: an empty moto table (``table``, from tests/conftest.py) and catalog data
created through the API itself."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.unit.builders import menu_item_body, restaurant_body


@pytest.fixture
def restaurant(table: str) -> dict[str, Any]:
    """An active restaurant created by an admin (EUR, Berlin, pizza + italian), as the API returned it."""
    reply = api.create_restaurant(restaurant_body())
    assert reply.status == 201, reply.body
    body: dict[str, Any] = reply.body
    return body


@pytest.fixture
def menu_item(restaurant: dict[str, Any]) -> dict[str, Any]:
    """A menu item of ``restaurant`` with an option group, as the API returned it."""
    reply = api.create_menu_item(restaurant["id"], menu_item_body())
    assert reply.status == 201, reply.body
    body: dict[str, Any] = reply.body
    return body
