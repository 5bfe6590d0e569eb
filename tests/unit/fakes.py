"""An in-memory ``CatalogStore`` that keeps the real repository's promises, so the domain rules can be tested
without AWS: conditional writes raise ``StaleVersion`` exactly where DynamoDB's conditions would fail, listing
entries live under the same keys (``waiter.repository.keys``) and pages carry real signed cursors."""

from __future__ import annotations

from waiter.catalog.models import ListingEntry, MenuItem, Restaurant
from waiter.repository import keys
from waiter.repository.catalog import StaleVersion
from waiter.repository.cursor import decode_cursor, encode_cursor

CURSOR_SECRET = b"fake-store-cursor-secret"


class FakeCatalogStore:
    """Restaurants, menu items and listing entries in dicts; every read returns a copy, like a fresh GetItem."""

    def __init__(self, cursor_secret: bytes = CURSOR_SECRET) -> None:
        self._secret = cursor_secret
        self.restaurants: dict[str, Restaurant] = {}
        self.items: dict[tuple[str, str], MenuItem] = {}
        # listing partition -> sort key -> summary, as the table holds them
        self.listings: dict[str, dict[str, ListingEntry]] = {}
        self.writes = 0

    # ---- restaurants ----------------------------------------------------------------------------------------

    def get_restaurant(self, restaurant_id: str) -> Restaurant | None:
        found = self.restaurants.get(restaurant_id)
        return found.model_copy(deep=True) if found else None

    def create_restaurant(self, restaurant: Restaurant, listing: ListingEntry | None) -> None:
        if restaurant.id in self.restaurants:  # attribute_not_exists(PK)
            raise StaleVersion("the restaurant was changed by someone else")
        self.restaurants[restaurant.id] = restaurant.model_copy(deep=True)
        self._put_listing(listing)
        self.writes += 1

    def replace_restaurant(
        self,
        restaurant: Restaurant,
        listing: ListingEntry | None,
        *,
        expected_version: int,
        previous_listing: ListingEntry | None,
    ) -> None:
        stored = self.restaurants.get(restaurant.id)
        if stored is None or stored.version != expected_version:  # version = :expected, all or nothing
            raise StaleVersion("the restaurant was changed by someone else")
        self.restaurants[restaurant.id] = restaurant.model_copy(deep=True)
        for key in _listing_keys(previous_listing):
            self.listings.get(key["PK"], {}).pop(key["SK"], None)
        self._put_listing(listing)
        self.writes += 1

    def list_restaurants(
        self, *, city: str | None, cuisine: str | None, limit: int, cursor: str | None
    ) -> tuple[list[ListingEntry], str | None]:
        partition = keys.listing_partition(city, cuisine)
        entries = sorted(self.listings.get(partition, {}).items())
        if cursor:
            after = decode_cursor(cursor, partition, self._secret)["SK"]["S"]
            entries = [(sk, s) for sk, s in entries if sk > after]
        page = entries[:limit]
        # Like DynamoDB, a full page always carries a LastEvaluatedKey (the next page may then be empty).
        next_cursor = (
            encode_cursor({"PK": {"S": partition}, "SK": {"S": page[-1][0]}}, partition, self._secret)
            if page and len(page) == limit
            else None
        )
        return [s.model_copy(deep=True) for _, s in page], next_cursor

    # ---- menu -----------------------------------------------------------------------------------------------

    def get_menu(self, restaurant_id: str) -> tuple[Restaurant | None, list[MenuItem]]:
        items = [i.model_copy(deep=True) for (rid, _), i in sorted(self.items.items()) if rid == restaurant_id]
        return self.get_restaurant(restaurant_id), items

    def get_menu_item(self, restaurant_id: str, item_id: str) -> MenuItem | None:
        found = self.items.get((restaurant_id, item_id))
        return found.model_copy(deep=True) if found else None

    def count_menu_items(self, restaurant_id: str) -> int:
        return sum(1 for rid, _ in self.items if rid == restaurant_id)

    def create_menu_item(self, item: MenuItem) -> None:
        if (item.restaurant_id, item.id) in self.items:
            raise StaleVersion("the item was changed by someone else")
        self.items[(item.restaurant_id, item.id)] = item.model_copy(deep=True)
        self.writes += 1

    def replace_menu_item(self, item: MenuItem, expected_version: int) -> None:
        stored = self.items.get((item.restaurant_id, item.id))
        if stored is None or stored.version != expected_version:
            raise StaleVersion("the item was changed by someone else")
        self.items[(item.restaurant_id, item.id)] = item.model_copy(deep=True)
        self.writes += 1

    def delete_menu_item(self, restaurant_id: str, item_id: str, expected_version: int) -> None:
        stored = self.items.get((restaurant_id, item_id))
        if stored is None or stored.version != expected_version:
            raise StaleVersion("the menu item was changed or removed by someone else")
        del self.items[(restaurant_id, item_id)]
        self.writes += 1

    # ---- helpers --------------------------------------------------------------------------------------------

    def _put_listing(self, listing: ListingEntry | None) -> None:
        for key in _listing_keys(listing):
            assert listing is not None
            self.listings.setdefault(key["PK"], {})[key["SK"]] = listing.model_copy(deep=True)


def _listing_keys(listing: ListingEntry | None) -> list[dict[str, str]]:
    if listing is None:
        return []
    return keys.listing_entries(listing.id, listing.name, listing.city, listing.cuisines)
