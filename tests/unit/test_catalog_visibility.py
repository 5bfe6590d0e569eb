"""What the public sees of the catalog, and what only a restaurant's managers see."""

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
from waiter.catalog.models import ListingEntry, Restaurant
from waiter.catalog.service import CatalogService, public_listing
from waiter.errors import NotFound
from waiter.identity import Principal, principal_from_partner

PUBLIC = [
    pytest.param(ANONYMOUS, id="anonymous"),
    pytest.param(CUSTOMER, id="customer"),
    pytest.param(staff_of("another"), id="staff-of-another-restaurant"),
]
MANAGERS = [pytest.param(ADMIN, id="admin"), pytest.param(staff_of("r1"), id="staff-of-this-restaurant")]


@pytest.mark.parametrize("caller", PUBLIC)
def test_a_deactivated_restaurant_is_not_found_by_the_public(
    service: CatalogService, restaurant: Restaurant, caller: Principal
) -> None:
    service.deactivate_restaurant(ADMIN, restaurant.id)

    with pytest.raises(NotFound):
        service.get_restaurant(caller, restaurant.id)
    with pytest.raises(NotFound):
        service.get_menu(caller, restaurant.id)


@pytest.mark.parametrize("caller", MANAGERS)
def test_a_deactivated_restaurant_stays_visible_to_its_managers(
    service: CatalogService, restaurant: Restaurant, caller: Principal
) -> None:
    service.deactivate_restaurant(ADMIN, restaurant.id)

    seen = service.get_restaurant(caller, restaurant.id)
    assert (seen.id, seen.active, seen.version) == (restaurant.id, False, 2)
    assert service.get_menu(caller, restaurant.id).restaurant_id == restaurant.id


@pytest.mark.parametrize("caller", [*PUBLIC, *MANAGERS])
def test_an_unknown_restaurant_is_not_found_by_anyone(service: CatalogService, caller: Principal) -> None:
    with pytest.raises(NotFound):
        service.get_restaurant(caller, "nope")
    with pytest.raises(NotFound):
        service.get_menu(caller, "nope")


def test_public_listing_summarises_active_restaurants_only(restaurant: Restaurant) -> None:
    assert public_listing(restaurant) == ListingEntry(
        id="r1",
        name="Pizza Roma",
        description="Wood-fired pizza",
        cuisines=["pizza", "italian"],
        city="Berlin",
        currency="EUR",
        delivery_fee=250,
        minimum_order=1000,
        time_zone="Europe/Berlin",
        opening_hours=restaurant.opening_hours,
        pause=None,
    )
    assert public_listing(restaurant.model_copy(update={"active": False})) is None


def test_the_listing_shows_active_restaurants_in_name_order(service: CatalogService) -> None:
    for name in ["Zorba", "alpha bites", "Mango Tree"]:
        service.create_restaurant(ADMIN, restaurant_create(name=name))
    hidden = service.create_restaurant(ADMIN, restaurant_create(name="Closed Café"))
    service.deactivate_restaurant(ADMIN, hidden.id)

    items, cursor = service.list_restaurants(ANONYMOUS)

    assert [s.name for s in items] == ["alpha bites", "Mango Tree", "Zorba"]
    assert cursor is None


def test_the_listing_filters_by_city_and_cuisine_case_insensitively(service: CatalogService) -> None:
    service.create_restaurant(ADMIN, restaurant_create(name="Berlin Pizza", cuisines=["pizza"]))
    service.create_restaurant(ADMIN, restaurant_create(name="Berlin Sushi", cuisines=["sushi", "japanese"]))
    paris = {"line1": "2 Rue", "city": "Paris", "postcode": "75001", "country": "FR"}
    service.create_restaurant(ADMIN, restaurant_create(name="Paris Pizza", cuisines=["pizza"], address=paris))

    def names(city: str | None = None, cuisine: str | None = None) -> list[str]:
        return [s.name for s in service.list_restaurants(ANONYMOUS, city=city, cuisine=cuisine)[0]]

    assert names() == ["Berlin Pizza", "Berlin Sushi", "Paris Pizza"]
    assert names(city="  BERLIN ") == ["Berlin Pizza", "Berlin Sushi"]
    assert names(cuisine="Pizza") == ["Berlin Pizza", "Paris Pizza"]
    assert names(city="paris", cuisine="pizza") == ["Paris Pizza"]
    assert names(city="paris", cuisine="sushi") == []
    assert names(city="", cuisine="") == names()


def test_renaming_or_moving_a_restaurant_moves_its_listing_entries(service: CatalogService) -> None:
    moved = service.create_restaurant(ADMIN, restaurant_create(name="Old Name", cuisines=["pizza"]))
    paris = {"line1": "2 Rue", "city": "Paris", "postcode": "75001", "country": "FR"}
    service.update_restaurant(ADMIN, moved.id, restaurant_patch(name="New Name", cuisines=["thai"], address=paris))

    def names(city: str | None = None, cuisine: str | None = None) -> list[str]:
        return [s.name for s in service.list_restaurants(ANONYMOUS, city=city, cuisine=cuisine)[0]]

    assert names() == ["New Name"]
    assert names(city="berlin") == []
    assert names(cuisine="pizza") == []
    assert names(city="paris", cuisine="thai") == ["New Name"]
    summary = service.list_restaurants(ANONYMOUS, city="paris")[0][0]
    assert (summary.city, summary.cuisines) == ("Paris", ["thai"])


def test_the_listing_pages_through_every_restaurant_exactly_once(service: CatalogService) -> None:
    names = [f"Restaurant {n:02d}" for n in range(7)]
    for name in reversed(names):
        service.create_restaurant(ADMIN, restaurant_create(name=name))

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        page, cursor = service.list_restaurants(ANONYMOUS, limit=3, cursor=cursor)
        assert len(page) <= 3
        seen += [s.name for s in page]
        if cursor is None:
            break

    assert seen == names


def _menu_service(service: CatalogService, restaurant: Restaurant) -> None:
    for name, category, available in [
        ("Tiramisu", "Desserts", True),
        ("Quattro Formaggi", "Pizza", False),
        ("Margherita", "Pizza", True),
        ("Diavola", "Pizza", True),
        ("Panna Cotta", "Desserts", False),
        ("Espresso", "Drinks", False),
    ]:
        service.create_menu_item(
            ADMIN, restaurant.id, menu_item_create(name=name, category=category, available=available)
        )


@pytest.mark.parametrize("caller", PUBLIC)
def test_the_public_menu_groups_available_items_by_category(
    service: CatalogService, restaurant: Restaurant, caller: Principal
) -> None:
    _menu_service(service, restaurant)

    menu = service.get_menu(caller, restaurant.id)

    assert (menu.restaurant_id, menu.restaurant_name, menu.currency) == ("r1", "Pizza Roma", "EUR")
    assert [(c.name, [i.name for i in c.items]) for c in menu.categories] == [
        ("Desserts", ["Tiramisu"]),
        ("Pizza", ["Diavola", "Margherita"]),
    ]


@pytest.mark.parametrize("caller", MANAGERS)
def test_managers_see_unavailable_items_in_the_menu(
    service: CatalogService, restaurant: Restaurant, caller: Principal
) -> None:
    _menu_service(service, restaurant)

    menu = service.get_menu(caller, restaurant.id)

    assert [(c.name, [(i.name, i.available) for i in c.items]) for c in menu.categories] == [
        ("Desserts", [("Panna Cotta", False), ("Tiramisu", True)]),
        ("Drinks", [("Espresso", False)]),
        ("Pizza", [("Diavola", True), ("Margherita", True), ("Quattro Formaggi", False)]),
    ]


def test_marking_an_item_unavailable_hides_it_from_the_public_menu(
    service: CatalogService, restaurant: Restaurant
) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())
    service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(available=False))

    assert service.get_menu(ANONYMOUS, restaurant.id).categories == []
    assert [i.id for i in service.get_menu(ADMIN, restaurant.id).categories[0].items] == [item.id]


@pytest.mark.parametrize("active", [True, False], ids=["active", "deactivated"])
@pytest.mark.parametrize(
    "caller",
    [*PUBLIC, *MANAGERS, pytest.param(principal_from_partner({"keyId": "k1", "restaurantId": "r1"}), id="partner")],
)
def test_the_restaurant_and_its_menu_read_together_answer_as_the_two_reads_do(
    service: CatalogService, restaurant: Restaurant, caller: Principal, active: bool
) -> None:
    service.create_menu_item(ADMIN, restaurant.id, menu_item_create(name="Calzone", available=False))
    if not active:
        service.deactivate_restaurant(ADMIN, restaurant.id)

    try:
        apart = (service.get_restaurant(caller, restaurant.id), service.get_menu(caller, restaurant.id))
    except NotFound:
        with pytest.raises(NotFound):
            service.get_restaurant_and_menu(caller, restaurant.id)
    else:
        assert service.get_restaurant_and_menu(caller, restaurant.id) == apart
