"""Per-request batching (DataLoader style) for what a page of restaurants asks for.

graphql-core runs synchronous resolvers depth first, item by item, so a loader that waits to collect keys would
never see a second one. Instead the page primes the loader with every id it holds, and the first node that needs
something loads it for the whole page at once: a page's restaurant details are one BatchGetItem, however many nodes
ask. A menu is one Query over the restaurant's partition (nothing reads several partitions in one call), made once
per restaurant per request however many times the document asks for it; the cost limit bounds how many restaurants
a document may ask menus of (``first`` weighs every field below it).

A single restaurant asked for with its menu (``restaurant(id) { … menu { … } }``) is one read: the menu's Query
holds the restaurant's details too (``CatalogService.get_restaurant_and_menu``), so the details are not read apart.

Each restaurant and menu is dumped to JSON once, when read: every field of it then reads the same dictionary
(graphql-core does not change what a resolver returns), however many fields or nodes ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from waiter.catalog.service import CatalogService
from waiter.errors import NotFound
from waiter.identity import Principal


@dataclass
class CatalogLoader:
    """A request's reads of restaurant details and menus, each made once."""

    catalog: CatalogService
    caller: Principal
    _pending: set[str] = field(default_factory=set)
    _views: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    _menus: dict[str, dict[str, Any]] = field(default_factory=dict)

    def prime(self, restaurant_ids: Iterable[str]) -> None:
        """Ids whose details may be asked for soon (a page's nodes): they are read together on the first ask."""
        self._pending.update(i for i in restaurant_ids if i not in self._views)

    def restaurant_with_menu(self, restaurant_id: str) -> dict[str, Any]:
        """``restaurant``, its menu read with it (one read; ``menu`` then answers from it)."""
        if restaurant_id not in self._views and restaurant_id not in self._menus:
            try:
                found, menu = self.catalog.get_restaurant_and_menu(self.caller, restaurant_id)
            except NotFound:
                self._views[restaurant_id] = None
            else:
                self._views[restaurant_id] = _json(self.catalog.view(found))
                self._menus[restaurant_id] = _json(menu)
            self._pending.discard(restaurant_id)
        return self.restaurant(restaurant_id)

    def restaurant(self, restaurant_id: str) -> dict[str, Any]:
        """The restaurant as GET /v1/restaurants/{id} shows it, JSON-ready; NOT_FOUND as that route says it."""
        if restaurant_id not in self._views:
            wanted = self._pending | {restaurant_id}
            found = self.catalog.get_restaurants(self.caller, wanted)
            for i in wanted:
                restaurant = found.get(i)
                self._views[i] = None if restaurant is None else _json(self.catalog.view(restaurant))
            self._pending -= wanted
        view = self._views[restaurant_id]
        if view is None:
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        return view

    def menu(self, restaurant_id: str) -> dict[str, Any]:
        """The menu as GET /v1/restaurants/{id}/menu shows it to the caller, JSON-ready."""
        if restaurant_id not in self._menus:
            self._menus[restaurant_id] = _json(self.catalog.get_menu(self.caller, restaurant_id))
        return self._menus[restaurant_id]


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)
