"""Catalog storage: restaurant profiles, menu items and the public listing entries that serve filtered lists.

Storage shapes (``_*_item`` / ``_*_from``) are private to this module: a change of storage never leaks into the
domain or the API.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from waiter.catalog.hours import OpeningHours
from waiter.catalog.models import ListingEntry, MenuItem, Restaurant
from waiter.errors import Conflict
from waiter.repository import keys
from waiter.repository.cursor import decode_cursor, encode_cursor
from waiter.repository.dynamo import (
    Item,
    PagedRepository,
    StoredModels,
    deserialize,
    is_condition_failure,
    serialize,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_MENU_PAGE_GUARD = 20  # a menu is bounded (items per restaurant are capped by the service); never loop forever


class StaleVersion(Conflict):
    """The stored item changed since it was read (optimistic lock lost), or vanished."""


class CatalogRepository(PagedRepository):
    """Restaurants and menus in the single table."""

    # ---- restaurants ----------------------------------------------------------------------------------------

    def get_restaurant(self, restaurant_id: str) -> Restaurant | None:
        raw = self.client.get_item(TableName=self._table, Key=serialize(keys.restaurant(restaurant_id)))
        item = raw.get("Item")
        return restaurant_from_item(deserialize(item)) if item else None

    def get_restaurants(self, restaurant_ids: Collection[str]) -> dict[str, Restaurant]:
        """The restaurants of ``restaurant_ids`` that exist, by id: one BatchGetItem per 100 (a page of the listing
        whose details a GraphQL query asks for)."""
        found = self.batch_get([keys.restaurant(i) for i in sorted(set(restaurant_ids))])
        return {r.id: r for r in (restaurant_from_item(item) for item in found)}

    def create_restaurant(self, restaurant: Restaurant, listing: ListingEntry | None) -> None:
        """Store a new restaurant and, when it is listed, its listing entries, atomically."""
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": serialize(_restaurant_item(restaurant)),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            *self._listing_puts(listing),
        ]
        self._transact(writes)

    def replace_restaurant(
        self,
        restaurant: Restaurant,
        listing: ListingEntry | None,
        *,
        expected_version: int,
        previous_listing: ListingEntry | None,
    ) -> None:
        """Store ``restaurant`` if the stored version is still ``expected_version``; move its listing entries."""
        new_entries = {(e["PK"], e["SK"]) for e in _listing_keys(listing)}
        stale = [e for e in _listing_keys(previous_listing) if (e["PK"], e["SK"]) not in new_entries]
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": serialize(_restaurant_item(restaurant)),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": serialize({":expected": expected_version}),
                }
            },
            *[self._delete(k) for k in stale],
            *self._listing_puts(listing),
        ]
        self._transact(writes)

    def list_restaurants(
        self, *, city: str | None, cuisine: str | None, limit: int, cursor: str | None
    ) -> tuple[list[ListingEntry], str | None]:
        """One page of the public listing for a filter combination, ordered by name."""
        partition = keys.listing_partition(city, cuisine)
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": serialize({":pk": partition}),
            "Limit": limit,
        }
        if cursor:
            params["ExclusiveStartKey"] = decode_cursor(cursor, partition, self._secret)
        page = self.client.query(**params)
        entries = [
            ListingEntry.model_validate(_with_stored_hours(deserialize(raw)["summary"]))
            for raw in page.get("Items", [])
        ]
        last = page.get("LastEvaluatedKey")
        return entries, (encode_cursor(dict(last), partition, self._secret) if last else None)

    # ---- menu -----------------------------------------------------------------------------------------------

    def get_menu(self, restaurant_id: str) -> tuple[Restaurant | None, list[MenuItem]]:
        """The restaurant and all its menu items: one Query over the restaurant's partition."""
        restaurant: Restaurant | None = None
        items: list[MenuItem] = []
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": serialize({":pk": keys.restaurant_partition(restaurant_id)}),
        }
        for _ in range(_MENU_PAGE_GUARD):
            page = self.client.query(**params)
            for raw in page.get("Items", []):
                item = deserialize(raw)
                if item["SK"] == "PROFILE":
                    restaurant = restaurant_from_item(item)
                elif item["SK"].startswith(keys.MENU_ITEM_PREFIX):
                    items.append(menu_item_from_item(item))
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return restaurant, items

    def get_menu_item(self, restaurant_id: str, item_id: str) -> MenuItem | None:
        raw = self.client.get_item(TableName=self._table, Key=serialize(keys.menu_item(restaurant_id, item_id)))
        item = raw.get("Item")
        return menu_item_from_item(deserialize(item)) if item else None

    def count_menu_items(self, restaurant_id: str) -> int:
        """Every page counts: a COUNT query still stops at 1 MB read, and menu items can be large."""
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": serialize(
                {":pk": keys.restaurant_partition(restaurant_id), ":prefix": keys.MENU_ITEM_PREFIX}
            ),
            "Select": "COUNT",
        }
        total = 0
        for _ in range(_MENU_PAGE_GUARD):
            page = self.client.query(**params)
            total += int(page.get("Count", 0))
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return total

    def create_menu_item(self, item: MenuItem) -> None:
        self._conditional_put(_menu_item_item(item), "attribute_not_exists(PK)", {})

    def replace_menu_item(self, item: MenuItem, expected_version: int) -> None:
        self._conditional_put(_menu_item_item(item), "version = :expected", {":expected": expected_version})

    def delete_menu_item(self, restaurant_id: str, item_id: str, expected_version: int) -> None:
        try:
            self.client.delete_item(
                TableName=self._table,
                Key=serialize(keys.menu_item(restaurant_id, item_id)),
                ConditionExpression="version = :expected",
                ExpressionAttributeValues=serialize({":expected": expected_version}),
            )
        except Exception as error:
            if is_condition_failure(error):
                raise StaleVersion("the menu item was changed or removed by someone else") from None
            raise

    # ---- helpers --------------------------------------------------------------------------------------------

    def _conditional_put(self, item: Item, condition: str, values: dict[str, Any]) -> None:
        params: dict[str, Any] = {"TableName": self._table, "Item": serialize(item), "ConditionExpression": condition}
        if values:
            params["ExpressionAttributeValues"] = serialize(values)
        try:
            self.client.put_item(**params)
        except Exception as error:
            if is_condition_failure(error):
                raise StaleVersion("the item was changed by someone else") from None
            raise

    def _listing_puts(self, listing: ListingEntry | None) -> list[TransactWriteItemTypeDef]:
        if listing is None:
            return []
        # the same summary goes into every entry: encoded once, the attribute value shared (botocore only reads it)
        summary = serialize({"entity": "listing", "summary": listing.model_dump(mode="json", by_alias=True)})
        return [
            {"Put": {"TableName": self._table, "Item": {**serialize(k), **summary}}} for k in _listing_keys(listing)
        ]

    def _delete(self, key: dict[str, str]) -> TransactWriteItemTypeDef:
        return {"Delete": {"TableName": self._table, "Key": serialize(key)}}

    def _transact(self, writes: list[TransactWriteItemTypeDef]) -> None:
        try:
            self.client.transact_write_items(TransactItems=writes)
        except Exception as error:
            if is_condition_failure(error):
                raise StaleVersion("the restaurant was changed by someone else") from None
            raise


# ---- storage shapes -----------------------------------------------------------------------------------------


def _listing_keys(listing: ListingEntry | None) -> list[dict[str, str]]:
    if listing is None:
        return []
    return keys.listing_entries(listing.id, listing.name, listing.city, listing.cuisines)


def _restaurant_item(restaurant: Restaurant) -> Item:
    data = restaurant.model_dump(mode="json", by_alias=True)
    return {**keys.restaurant(restaurant.id), "entity": "restaurant", **data}


def restaurant_from_item(item: Item) -> Restaurant:
    return Restaurant.model_validate(
        _with_stored_hours({k: v for k, v in item.items() if k not in ("PK", "SK", "entity")})
    )


# Opening hours validated once per process for each stored shape: their validators (a model validator per range, an
# overlap check per day, the zone) are the costliest part of reading a restaurant, read on every pricing, and a
# restaurant's hours seldom change. Validation is a pure function of the JSON document (the models are frozen), so a
# validated copy stands for any later read of the same document. Bounded: cleared when full.
_STORED_HOURS: dict[str, OpeningHours] = {}
_STORED_HOURS_MAX = 256


def _with_stored_hours(data: Item) -> Item:
    """``data`` with its ``openingHours`` replaced by the validated model for that document (pydantic takes a model
    instance as it is). A document that does not validate, or is not JSON, is left for the caller's own validation to
    report as it always did."""
    hours = data.get("openingHours")
    if not isinstance(hours, dict):
        return data
    try:
        document = json.dumps(hours, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return data
    validated = _STORED_HOURS.get(document)
    if validated is None:
        try:
            validated = OpeningHours.model_validate(hours)
        except ValidationError:
            return data
        if len(_STORED_HOURS) >= _STORED_HOURS_MAX:
            _STORED_HOURS.clear()
        _STORED_HOURS[document] = validated
    return {**data, "openingHours": validated}


def _menu_item_item(menu_item: MenuItem) -> Item:
    data = menu_item.model_dump(mode="json", by_alias=True)
    return {**keys.menu_item(menu_item.restaurant_id, menu_item.id), "entity": "menuItem", **data}


def menu_item_from_item(item: Item) -> MenuItem:
    return MenuItem.model_validate({k: v for k, v in item.items() if k not in ("PK", "SK", "entity")})


# What pricing reads on every cart change and checkout: validated once per stored document (``StoredModels``).
STORED_RESTAURANTS: StoredModels[Restaurant] = StoredModels(restaurant_from_item)
STORED_MENU_ITEMS: StoredModels[MenuItem] = StoredModels(menu_item_from_item)
