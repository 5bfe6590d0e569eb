"""The key formats of the single table (docs/data-model.md): built in one place, normalised for filtering."""

from __future__ import annotations

import pytest

from waiter.repository import keys


def test_a_restaurant_profile_lives_in_its_own_partition() -> None:
    assert keys.restaurant("r1") == {"PK": "REST#r1", "SK": "PROFILE"}
    assert keys.restaurant_partition("r1") == "REST#r1"


def test_menu_items_share_their_restaurants_partition() -> None:
    item = keys.menu_item("r1", "i9")

    assert item == {"PK": "REST#r1", "SK": "ITEM#i9"}
    assert item["PK"] == keys.restaurant_partition("r1")
    assert item["SK"].startswith(keys.MENU_ITEM_PREFIX)


@pytest.mark.parametrize(
    ("city", "cuisine", "partition"),
    [
        (None, None, "LIST#*#*"),
        ("Berlin", None, "LIST#berlin#*"),
        (None, "Pizza", "LIST#*#pizza"),
        ("  New   York ", "thai", "LIST#new york#thai"),
        ("STRAßE", None, "LIST#strasse#*"),
        ("", "", "LIST#*#*"),
    ],
)
def test_a_listing_partition_names_its_filters_normalised(
    city: str | None, cuisine: str | None, partition: str
) -> None:
    assert keys.listing_partition(city, cuisine) == partition


def test_a_restaurant_is_listed_under_every_filter_combination_it_matches() -> None:
    entries = keys.listing_entries("r1", "Pizza  Roma", "Berlin", ["pizza", "italian"])

    assert sorted(e["PK"] for e in entries) == [
        "LIST#*#*",
        "LIST#*#italian",
        "LIST#*#pizza",
        "LIST#berlin#*",
        "LIST#berlin#italian",
        "LIST#berlin#pizza",
    ]
    assert {e["SK"] for e in entries} == {"pizza roma\x1fr1"}


def test_listing_entries_are_unique_even_with_repeated_cuisines() -> None:
    entries = keys.listing_entries("r1", "X", "Berlin", ["pizza", "pizza"])

    assert len(entries) == len({(e["PK"], e["SK"]) for e in entries}) == 4


def test_the_listing_sort_key_orders_by_name_case_insensitively_and_ties_by_id() -> None:
    def sort_key(rid: str, name: str) -> str:
        return keys.listing_entries(rid, name, "Berlin", ["pizza"])[0]["SK"]

    ordered = sorted([sort_key("r2", "bravo"), sort_key("r1", "Alpha"), sort_key("r3", "Bravo"), sort_key("r0", "b")])

    assert ordered == ["alpha\x1fr1", "b\x1fr0", "bravo\x1fr2", "bravo\x1fr3"]


def test_a_name_lists_before_longer_names_that_start_with_it() -> None:
    short = keys.listing_entries("r1", "Pizza", "Berlin", ["pizza"])[0]["SK"]
    longer = keys.listing_entries("r2", "Pizza Roma", "Berlin", ["pizza"])[0]["SK"]

    assert short < longer
