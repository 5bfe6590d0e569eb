"""Who may change the catalog: admins anything, staff only their own restaurant, everyone else nothing."""

from __future__ import annotations

import pytest

from tests.unit.builders import (
    ADMIN,
    ANONYMOUS,
    CUSTOMER,
    menu_item_create,
    menu_item_patch,
    restaurant_create,
    restaurant_patch,
    staff_of,
)
from tests.unit.fakes import FakeCatalogStore
from waiter.catalog.models import Restaurant
from waiter.catalog.service import CatalogService
from waiter.errors import Forbidden, NotFound
from waiter.identity import Principal

OUTSIDERS = [
    pytest.param(staff_of("another"), id="staff-of-another-restaurant"),
    pytest.param(CUSTOMER, id="customer"),
    pytest.param(ANONYMOUS, id="anonymous"),
]
NON_ADMINS = [pytest.param(staff_of("r1"), id="staff-of-this-restaurant"), *OUTSIDERS]


def test_admin_creates_an_active_restaurant_at_version_1(service: CatalogService, store: FakeCatalogStore) -> None:
    created = service.create_restaurant(ADMIN, restaurant_create(name="Curry House"))

    assert (created.id, created.name, created.active, created.version) == ("r1", "Curry House", True, 1)
    assert store.get_restaurant("r1") == created


@pytest.mark.parametrize("caller", NON_ADMINS)
def test_only_admins_create_restaurants(service: CatalogService, store: FakeCatalogStore, caller: Principal) -> None:
    with pytest.raises(Forbidden):
        service.create_restaurant(caller, restaurant_create())
    assert store.restaurants == {}


@pytest.mark.parametrize("caller", [pytest.param(ADMIN, id="admin"), pytest.param(staff_of("r1"), id="staff")])
def test_admin_and_staff_of_the_restaurant_update_it(
    service: CatalogService, restaurant: Restaurant, caller: Principal
) -> None:
    updated = service.update_restaurant(caller, restaurant.id, restaurant_patch(name="Roma Nuova", deliveryFee=0))

    assert (updated.name, updated.delivery_fee, updated.version) == ("Roma Nuova", 0, 2)
    assert service.get_restaurant(ANONYMOUS, restaurant.id).name == "Roma Nuova"


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_others_may_not_update_a_restaurant(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.update_restaurant(caller, restaurant.id, restaurant_patch(name="Hijacked"))
    assert store.get_restaurant(restaurant.id) == restaurant


def test_staff_may_not_deactivate_their_restaurant_by_patching_active(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    with pytest.raises(Forbidden):
        service.update_restaurant(staff_of("r1"), restaurant.id, restaurant_patch(active=False))
    assert store.get_restaurant(restaurant.id) == restaurant


def test_staff_may_not_reactivate_a_restaurant_an_admin_deactivated(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    service.deactivate_restaurant(ADMIN, restaurant.id)
    deactivated = store.get_restaurant(restaurant.id)

    with pytest.raises(Forbidden):
        service.update_restaurant(staff_of("r1"), restaurant.id, restaurant_patch(active=True))
    assert store.get_restaurant(restaurant.id) == deactivated
    assert service.list_restaurants(ANONYMOUS)[0] == []


def test_admin_deactivates_and_reactivates_a_restaurant(service: CatalogService, restaurant: Restaurant) -> None:
    service.deactivate_restaurant(ADMIN, restaurant.id)
    reactivated = service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(active=True))

    assert (reactivated.active, reactivated.version) == (True, 3)
    assert [s.id for s in service.list_restaurants(ANONYMOUS)[0]] == [restaurant.id]


@pytest.mark.parametrize("caller", NON_ADMINS)
def test_only_admins_delete_restaurants(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.deactivate_restaurant(caller, restaurant.id)
    assert store.get_restaurant(restaurant.id) == restaurant


def test_deactivating_twice_writes_once(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    service.deactivate_restaurant(ADMIN, restaurant.id)
    writes = store.writes
    service.deactivate_restaurant(ADMIN, restaurant.id)

    assert store.writes == writes
    stored = store.get_restaurant(restaurant.id)
    assert stored is not None
    assert (stored.active, stored.version) == (False, 2)


@pytest.mark.parametrize("caller", [pytest.param(ADMIN, id="admin"), pytest.param(staff_of("r1"), id="staff")])
def test_admin_and_staff_of_the_restaurant_manage_its_menu(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, caller: Principal
) -> None:
    item = service.create_menu_item(caller, restaurant.id, menu_item_create())
    updated = service.update_menu_item(caller, restaurant.id, item.id, menu_item_patch(name="Margherita DOP"))
    assert (updated.name, updated.version) == ("Margherita DOP", 2)

    service.delete_menu_item(caller, restaurant.id, item.id)
    assert store.get_menu_item(restaurant.id, item.id) is None


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_others_may_not_add_menu_items(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.create_menu_item(caller, restaurant.id, menu_item_create())
    assert store.count_menu_items(restaurant.id) == 0


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_others_may_not_change_or_remove_menu_items(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, caller: Principal
) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())

    with pytest.raises(Forbidden):
        service.update_menu_item(caller, restaurant.id, item.id, menu_item_patch(name="Free pizza"))
    with pytest.raises(Forbidden):
        service.delete_menu_item(caller, restaurant.id, item.id)
    assert store.get_menu_item(restaurant.id, item.id) == item


def test_staff_of_one_restaurant_cannot_touch_a_menu_item_through_another(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    other = service.create_restaurant(ADMIN, restaurant_create(name="Other"))
    item = service.create_menu_item(ADMIN, other.id, menu_item_create())

    # Staff of r1 name their own restaurant in the path but another restaurant's item id: no such item there.
    with pytest.raises(NotFound):
        service.update_menu_item(staff_of(restaurant.id), restaurant.id, item.id, menu_item_patch(name="Mine now"))
    assert store.get_menu_item(other.id, item.id) == item


def test_managing_an_unknown_restaurant_is_not_found(service: CatalogService) -> None:
    with pytest.raises(NotFound):
        service.update_restaurant(ADMIN, "nope", restaurant_patch(name="X"))
    with pytest.raises(NotFound):
        service.create_menu_item(ADMIN, "nope", menu_item_create())
    with pytest.raises(NotFound):
        service.deactivate_restaurant(ADMIN, "nope")


def test_managing_an_unknown_menu_item_is_not_found(service: CatalogService, restaurant: Restaurant) -> None:
    with pytest.raises(NotFound):
        service.update_menu_item(ADMIN, restaurant.id, "nope", menu_item_patch(name="X"))
    with pytest.raises(NotFound):
        service.delete_menu_item(ADMIN, restaurant.id, "nope")
