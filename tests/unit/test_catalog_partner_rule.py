"""A partner key scoped to a restaurant may read that restaurant's whole menu, unavailable items included, and switch
an item's availability: nothing else, and nothing of another restaurant."""

from __future__ import annotations

import pytest

from tests.unit.builders import (
    ADMIN,
    ANONYMOUS,
    CUSTOMER,
    menu_item_create,
    menu_item_patch,
    restaurant_create,
    staff_of,
)
from tests.unit.fakes import FakeCatalogStore
from waiter.catalog.models import MenuItem, Restaurant
from waiter.catalog.service import CatalogService
from waiter.errors import Forbidden, NotFound, PreconditionFailed
from waiter.identity import Principal, principal_from_partner


def partner_of(restaurant_id: str) -> Principal:
    return principal_from_partner({"keyId": "k1", "restaurantId": restaurant_id})


@pytest.fixture
def hidden(service: CatalogService, restaurant: Restaurant) -> MenuItem:
    """An item of ``restaurant`` that is unavailable now."""
    return service.create_menu_item(ADMIN, restaurant.id, menu_item_create(name="Calzone", available=False))


def _names(service: CatalogService, caller: Principal, restaurant_id: str) -> list[str]:
    return [i.name for c in service.get_menu(caller, restaurant_id).categories for i in c.items]


def test_the_partner_menu_is_the_keys_restaurants_whole_menu(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem
) -> None:
    shown = service.create_menu_item(ADMIN, restaurant.id, menu_item_create(name="Margherita"))

    menu = service.partner_menu(partner_of(restaurant.id))

    assert menu.restaurant_id == restaurant.id
    assert sorted(i.id for c in menu.categories for i in c.items) == sorted([shown.id, hidden.id])
    assert _names(service, ANONYMOUS, restaurant.id) == ["Margherita"], "the public menu still hides it"


def test_a_partner_sees_unavailable_items_of_its_restaurant_only(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem
) -> None:
    other = service.create_restaurant(ADMIN, restaurant_create(name="Other"))
    service.create_menu_item(ADMIN, other.id, menu_item_create(name="Secret", available=False))

    assert "Calzone" in _names(service, partner_of(restaurant.id), restaurant.id)
    assert _names(service, partner_of(restaurant.id), other.id) == []


def test_a_partner_switches_an_items_availability(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, hidden: MenuItem
) -> None:
    shown = service.set_item_availability(partner_of(restaurant.id), hidden.id, True)

    assert (shown.available, shown.version) == (True, hidden.version + 1)
    assert store.get_menu_item(restaurant.id, hidden.id) == shown
    assert "Calzone" in _names(service, ANONYMOUS, restaurant.id)
    again = service.set_item_availability(partner_of(restaurant.id), hidden.id, True)
    assert again.version == shown.version, "setting what is already so changes nothing"


def test_availability_honours_the_expected_version(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem
) -> None:
    with pytest.raises(PreconditionFailed):
        service.set_item_availability(partner_of(restaurant.id), hidden.id, True, if_match={hidden.version + 1})


def test_a_partner_cannot_switch_another_restaurants_item(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem
) -> None:
    with pytest.raises(NotFound):
        service.set_item_availability(partner_of("another"), hidden.id, True)


@pytest.mark.parametrize(
    "caller", [pytest.param(staff_of("r1"), id="staff"), pytest.param(CUSTOMER, id="customer"),
               pytest.param(ANONYMOUS, id="anonymous"), pytest.param(ADMIN, id="admin")],
)  # fmt: skip
def test_only_partner_keys_use_the_partner_menu_rule(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.partner_menu(caller)
    with pytest.raises(Forbidden):
        service.set_item_availability(caller, hidden.id, True)


def test_a_partner_may_change_nothing_else_on_the_menu(
    service: CatalogService, restaurant: Restaurant, hidden: MenuItem
) -> None:
    partner = partner_of(restaurant.id)
    with pytest.raises(Forbidden):
        service.update_menu_item(partner, restaurant.id, hidden.id, menu_item_patch(available=True))
    with pytest.raises(Forbidden):
        service.create_menu_item(partner, restaurant.id, menu_item_create())
    with pytest.raises(Forbidden):
        service.delete_menu_item(partner, restaurant.id, hidden.id)
