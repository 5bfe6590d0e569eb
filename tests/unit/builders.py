"""Callers and inputs for the domain tests: one of each kind of principal and valid payloads to vary (the request
bodies are ``local.samples``'s, shared with the bench)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from local import samples
from waiter.catalog.models import MenuItemCreate, MenuItemPatch, RestaurantCreate, RestaurantPatch
from waiter.identity import Principal, Role

ADMIN = Principal(user_id="admin-1", roles=frozenset({Role.ADMIN}))
CUSTOMER = Principal(user_id="customer-1", roles=frozenset({Role.CUSTOMER}))
ANONYMOUS = Principal.anonymous()


def staff_of(*restaurant_ids: str) -> Principal:
    """A member of staff who works for ``restaurant_ids``."""
    return Principal(
        user_id=f"staff-{'-'.join(restaurant_ids)}",
        roles=frozenset({Role.STAFF}),
        restaurants=frozenset(restaurant_ids),
    )


restaurant_body = samples.restaurant_body
"""A valid create-restaurant body as callers send it (camelCase)."""
menu_item_body = samples.menu_item_body
"""A valid create-menu-item body (camelCase) priced in EUR: a pizza with a size group."""


def restaurant_create(**overrides: Any) -> RestaurantCreate:
    return RestaurantCreate.model_validate(restaurant_body(**overrides))


def restaurant_patch(**fields: Any) -> RestaurantPatch:
    return RestaurantPatch.model_validate(fields)


def menu_item_create(**overrides: Any) -> MenuItemCreate:
    return MenuItemCreate.model_validate(menu_item_body(**overrides))


def menu_item_patch(**fields: Any) -> MenuItemPatch:
    return MenuItemPatch.model_validate(fields)


def ticking_clock(start: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)) -> Callable[[], datetime]:
    """A clock that moves one second per reading, so every write gets a distinct, predictable time."""
    ticks: Iterator[int] = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


def sequential_ids(prefix: str = "id") -> Callable[[], str]:
    counter: Iterator[int] = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"
