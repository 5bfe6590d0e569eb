"""A listing entry stores its summary as one JSON string (``summaryJson``), and entries stored before as a map
(``summary``) read the same: the listing returns the same pages whichever shape its entries have."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.unit.builders import restaurant_create
from waiter.catalog.models import Restaurant
from waiter.catalog.service import public_listing
from waiter.repository import keys
from waiter.repository.catalog import LISTING_SUMMARY, CatalogRepository
from waiter.repository.dynamo import deserialize, dynamodb_client, serialize

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _restaurant(restaurant_id: str, name: str) -> Restaurant:
    data = dict(restaurant_create(name=name))
    return Restaurant(id=restaurant_id, **data, active=True, version=1, created_at=NOW, updated_at=NOW)


def _entries(table: str) -> list[dict[str, Any]]:
    items = dynamodb_client().scan(TableName=table)["Items"]
    return [item for item in items if item["SK"]["S"] != "PROFILE"]


def _page(store: CatalogRepository) -> list[Any]:
    return store.list_restaurants(city=None, cuisine=None, limit=100, cursor=None)[0]


def test_an_entry_stores_the_summary_as_its_compact_json_document(table: str) -> None:
    restaurant = _restaurant("r1", "Pizza Roma")
    listing = public_listing(restaurant)
    assert listing is not None
    CatalogRepository(table, b"secret").create_restaurant(restaurant, listing)

    entries = _entries(table)
    assert entries
    for entry in entries:
        assert set(entry) == {"PK", "SK", "entity", LISTING_SUMMARY}
        assert json.loads(entry[LISTING_SUMMARY]["S"]) == listing.model_dump(mode="json", by_alias=True)


def test_entries_stored_as_a_map_read_as_the_same_page(table: str) -> None:
    store = CatalogRepository(table, b"secret")
    for n, name in enumerate(["Alpha", "Beta", "Gamma"]):
        restaurant = _restaurant(f"r{n}", name)
        store.create_restaurant(restaurant, public_listing(restaurant))
    new_shape = _page(store)

    client = dynamodb_client()
    for entry in _entries(table):  # rewritten in the shape entries had before
        old = {**deserialize(entry), "summary": json.loads(entry[LISTING_SUMMARY]["S"])}
        del old[LISTING_SUMMARY]
        client.put_item(TableName=table, Item=serialize(old))
    assert all("summary" in e and LISTING_SUMMARY not in e for e in _entries(table))

    old_shape = _page(store)
    assert old_shape == new_shape
    assert [e.model_dump_json() for e in old_shape] == [e.model_dump_json() for e in new_shape]
    assert [e.name for e in new_shape] == ["Alpha", "Beta", "Gamma"]


def test_a_listing_key_is_unchanged_by_the_summary_shape(table: str) -> None:
    restaurant = _restaurant("r1", "Pizza Roma")
    listing = public_listing(restaurant)
    assert listing is not None
    CatalogRepository(table, b"secret").create_restaurant(restaurant, listing)
    expected = keys.listing_entries(listing.id, listing.name, listing.city, listing.cuisines)
    stored = sorted(({"PK": e["PK"]["S"], "SK": e["SK"]["S"]} for e in _entries(table)), key=lambda k: k["PK"])
    assert stored == sorted(expected, key=lambda k: k["PK"])
