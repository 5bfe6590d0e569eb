"""The one way to build a DynamoDB key. Every access pattern in docs/data-model.md maps to a function here."""

from __future__ import annotations

ANY = "*"


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def restaurant(restaurant_id: str) -> dict[str, str]:
    """The restaurant's profile item.

    >>> restaurant("r1")
    {'PK': 'REST#r1', 'SK': 'PROFILE'}
    """
    return {"PK": f"REST#{restaurant_id}", "SK": "PROFILE"}


def restaurant_partition(restaurant_id: str) -> str:
    """The partition holding a restaurant's profile and its whole menu (one Query reads the menu)."""
    return f"REST#{restaurant_id}"


def menu_item(restaurant_id: str, item_id: str) -> dict[str, str]:
    return {"PK": f"REST#{restaurant_id}", "SK": f"ITEM#{item_id}"}


MENU_ITEM_PREFIX = "ITEM#"


def listing_partition(city: str | None, cuisine: str | None) -> str:
    """The partition of the public listing for one filter combination (``*`` = no filter).

    >>> listing_partition("Berlin ", None)
    'LIST#berlin#*'
    """
    return f"LIST#{_norm(city) if city else ANY}#{_norm(cuisine) if cuisine else ANY}"


def listing_entries(restaurant_id: str, name: str, city: str, cuisines: list[str]) -> list[dict[str, str]]:
    """Every listing key a restaurant appears under: each of {its city, any city} x {each cuisine, any cuisine}.

    Sorted by name within a partition, with the id as a tie-breaker so the sort key is unique.
    """
    sort_key = f"{_norm(name)}#{restaurant_id}"
    partitions = {listing_partition(c, k) for c in (city, None) for k in [*cuisines, None]}
    return [{"PK": pk, "SK": sort_key} for pk in sorted(partitions)]
