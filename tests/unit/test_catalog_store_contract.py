"""The promises every ``CatalogStore`` keeps, run against the in-memory fake and the DynamoDB repository (on moto)
alike: if the fake drifts from the real store, the domain tests above stop proving anything, and this fails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.builders import menu_item_create, restaurant_create
from tests.unit.fakes import FakeCatalogStore
from waiter.catalog.models import MenuItem, Restaurant
from waiter.catalog.service import CatalogStore, public_listing
from waiter.errors import ValidationFailed
from waiter.repository.catalog import CatalogRepository, StaleVersion

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def any_store(request: pytest.FixtureRequest) -> CatalogStore:
    if request.param == "fake":
        return FakeCatalogStore()
    table_name: str = request.getfixturevalue("table")
    return CatalogRepository(table_name, b"contract-test-secret")


def _restaurant(restaurant_id: str, name: str = "Pizza Roma", *, city: str = "Berlin", version: int = 1) -> Restaurant:
    data = dict(restaurant_create(name=name))
    data["address"] = data["address"].model_copy(update={"city": city})
    return Restaurant(id=restaurant_id, **data, active=True, version=version, created_at=NOW, updated_at=NOW)


def _item(restaurant_id: str, item_id: str, *, name: str = "Margherita", version: int = 1) -> MenuItem:
    data = dict(menu_item_create(name=name))
    return MenuItem(id=item_id, restaurant_id=restaurant_id, **data, version=version, created_at=NOW, updated_at=NOW)


def _names(store: CatalogStore, city: str | None = None, cuisine: str | None = None) -> list[str]:
    return [s.name for s in store.list_restaurants(city=city, cuisine=cuisine, limit=100, cursor=None)[0]]


def test_a_created_restaurant_reads_back_equal(any_store: CatalogStore) -> None:
    restaurant = _restaurant("r1")
    any_store.create_restaurant(restaurant, public_listing(restaurant))

    assert any_store.get_restaurant("r1") == restaurant
    assert any_store.get_restaurant("r2") is None


def test_restaurants_read_together_are_the_stored_ones_by_id_and_leave_out_the_unknown(any_store: CatalogStore) -> None:
    stored = [_restaurant(f"r{n}", f"Place {n}") for n in range(150)]  # past one BatchGetItem's 100 keys
    for restaurant in stored:
        any_store.create_restaurant(restaurant, None)

    found = any_store.get_restaurants([r.id for r in stored] + ["nowhere", "r0"])

    assert found == {r.id: r for r in stored}


def test_creating_a_restaurant_twice_is_stale(any_store: CatalogStore) -> None:
    first = _restaurant("r1")
    any_store.create_restaurant(first, public_listing(first))

    second = _restaurant("r1", "Impostor")
    with pytest.raises(StaleVersion):
        any_store.create_restaurant(second, public_listing(second))
    assert any_store.get_restaurant("r1") == first
    assert _names(any_store) == ["Pizza Roma"]


def test_replacing_a_restaurant_needs_the_version_it_was_read_at(any_store: CatalogStore) -> None:
    v1 = _restaurant("r1")
    any_store.create_restaurant(v1, public_listing(v1))
    v2 = _restaurant("r1", "Renamed", version=2)

    with pytest.raises(StaleVersion):
        any_store.replace_restaurant(v2, public_listing(v2), expected_version=2, previous_listing=public_listing(v1))
    assert any_store.get_restaurant("r1") == v1
    assert _names(any_store) == ["Pizza Roma"]

    any_store.replace_restaurant(v2, public_listing(v2), expected_version=1, previous_listing=public_listing(v1))
    assert any_store.get_restaurant("r1") == v2
    assert _names(any_store) == ["Renamed"]


def test_replacing_a_restaurant_moves_its_listing_entries(any_store: CatalogStore) -> None:
    v1 = _restaurant("r1", city="Berlin")
    any_store.create_restaurant(v1, public_listing(v1))
    v2 = _restaurant("r1", city="Paris", version=2)
    any_store.replace_restaurant(v2, public_listing(v2), expected_version=1, previous_listing=public_listing(v1))

    assert (_names(any_store, city="berlin"), _names(any_store, city="PARIS")) == ([], ["Pizza Roma"])
    assert _names(any_store, city="paris", cuisine="italian") == ["Pizza Roma"]

    v3 = v2.model_copy(update={"active": False, "version": 3})
    any_store.replace_restaurant(v3, None, expected_version=2, previous_listing=public_listing(v2))
    assert (_names(any_store), _names(any_store, city="paris"), _names(any_store, cuisine="pizza")) == ([], [], [])
    assert any_store.get_restaurant("r1") == v3


def test_listing_pages_walk_a_partition_in_name_order(any_store: CatalogStore) -> None:
    for n, name in enumerate(["Delta", "alpha", "Charlie", "bravo", "Echo"]):
        restaurant = _restaurant(f"r{n}", name)
        any_store.create_restaurant(restaurant, public_listing(restaurant))

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page, cursor = any_store.list_restaurants(city=None, cuisine=None, limit=2, cursor=cursor)
        seen += [s.name for s in page]
        if cursor is None:
            break
    assert seen == ["alpha", "bravo", "Charlie", "Delta", "Echo"]


def test_a_cursor_only_continues_the_listing_it_came_from(any_store: CatalogStore) -> None:
    for n in range(3):
        restaurant = _restaurant(f"r{n}", f"Name {n}")
        any_store.create_restaurant(restaurant, public_listing(restaurant))
    _, cursor = any_store.list_restaurants(city="berlin", cuisine=None, limit=1, cursor=None)
    assert cursor is not None

    with pytest.raises(ValidationFailed) as raised:
        any_store.list_restaurants(city=None, cuisine=None, limit=1, cursor=cursor)
    assert raised.value.errors[0].field == "query.cursor"


def test_menu_items_are_created_once_and_replaced_or_deleted_only_at_their_version(any_store: CatalogStore) -> None:
    restaurant = _restaurant("r1")
    any_store.create_restaurant(restaurant, public_listing(restaurant))
    item = _item("r1", "i1")
    any_store.create_menu_item(item)

    with pytest.raises(StaleVersion):
        any_store.create_menu_item(_item("r1", "i1", name="Duplicate"))
    with pytest.raises(StaleVersion):
        any_store.replace_menu_item(_item("r1", "i1", name="Stale", version=3), expected_version=2)
    with pytest.raises(StaleVersion):
        any_store.replace_menu_item(_item("r1", "ghost", version=2), expected_version=1)
    with pytest.raises(StaleVersion):
        any_store.delete_menu_item("r1", "i1", expected_version=2)
    with pytest.raises(StaleVersion):
        any_store.delete_menu_item("r1", "ghost", expected_version=1)
    assert any_store.get_menu_item("r1", "i1") == item

    replaced = _item("r1", "i1", name="Margherita DOP", version=2)
    any_store.replace_menu_item(replaced, expected_version=1)
    assert any_store.get_menu_item("r1", "i1") == replaced

    any_store.delete_menu_item("r1", "i1", expected_version=2)
    assert any_store.get_menu_item("r1", "i1") is None


def test_a_menu_is_its_restaurant_and_only_its_items(any_store: CatalogStore) -> None:
    for rid in ["r1", "r2"]:
        restaurant = _restaurant(rid)
        any_store.create_restaurant(restaurant, public_listing(restaurant))
    mine = [_item("r1", "a"), _item("r1", "b", name="Diavola")]
    for item in [*mine, _item("r2", "c")]:
        any_store.create_menu_item(item)

    found, items = any_store.get_menu("r1")

    assert found == _restaurant("r1")
    assert sorted(items, key=lambda i: i.id) == mine
    assert any_store.count_menu_items("r1") == 2
    assert any_store.count_menu_items("r2") == 1
    assert any_store.get_menu("nope") == (None, [])
