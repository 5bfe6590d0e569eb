"""Pausing and resuming incoming orders through the catalog service: who may, what a pause may say, and what every
view shows of it (computed as it is read, so a pause until a time ends by itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.builders import ADMIN, ANONYMOUS, CUSTOMER, restaurant_create, staff_of
from tests.unit.fakes import FakeCatalogStore
from waiter.catalog.availability import AvailabilityChange
from waiter.catalog.models import Restaurant
from waiter.catalog.service import CatalogService
from waiter.errors import Forbidden, NotFound, ValidationFailed
from waiter.identity import Principal, Role
from waiter.repository.catalog import StaleVersion

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def catalog(store: FakeCatalogStore, clock: Clock) -> CatalogService:
    return CatalogService(store, clock=clock, ids=lambda: "r1")


@pytest.fixture
def shop(catalog: CatalogService) -> Restaurant:
    return catalog.create_restaurant(ADMIN, restaurant_create())


def change(**fields: Any) -> AvailabilityChange:
    return AvailabilityChange.model_validate(fields)


def partner_of(restaurant_id: str) -> Principal:
    return Principal(user_id="apikey:k1", roles=frozenset({Role.PARTNER}), restaurants=frozenset({restaurant_id}))


PAUSE = {"acceptingOrders": False, "reason": "Kitchen at capacity"}


@pytest.mark.parametrize(
    "caller",
    [
        pytest.param(staff_of("r1"), id="staff"),
        pytest.param(ADMIN, id="admin"),
        pytest.param(partner_of("r1"), id="partner"),
    ],
)
def test_the_restaurants_staff_admins_and_its_partner_key_pause_and_resume(
    catalog: CatalogService, shop: Restaurant, caller: Principal
) -> None:
    paused = catalog.set_availability(caller, shop.id, change(**PAUSE))
    assert (paused.restaurant_id, paused.accepting_orders, paused.pause_reason) == ("r1", False, "Kitchen at capacity")
    assert paused.open_now is True  # the hours are not the pause

    resumed = catalog.set_availability(caller, shop.id, change(acceptingOrders=True))
    assert (resumed.accepting_orders, resumed.paused_until, resumed.pause_reason) == (True, None, None)


@pytest.mark.parametrize(
    "caller",
    [
        pytest.param(staff_of("r2"), id="staff-elsewhere"),
        pytest.param(partner_of("r2"), id="partner-of-another"),
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(ANONYMOUS, id="anonymous"),
    ],
)
def test_nobody_else_pauses_a_restaurant(catalog: CatalogService, shop: Restaurant, caller: Principal) -> None:
    with pytest.raises(Forbidden):
        catalog.set_availability(caller, shop.id, change(**PAUSE))
    assert catalog.get_restaurant(ADMIN, shop.id).pause is None


def test_pausing_an_unknown_restaurant_is_not_found(catalog: CatalogService) -> None:
    with pytest.raises(NotFound):
        catalog.set_availability(ADMIN, "nope", change(**PAUSE))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"acceptingOrders": False, "until": "2026-03-10T11:59:59Z"}, "body.until", "must be in the future"),
        ({"acceptingOrders": False, "until": "2026-03-10T12:00:00Z"}, "body.until", "must be in the future"),
        ({"acceptingOrders": False, "until": "2026-04-10T12:00:01Z"}, "body.until", "must be within 30 days"),
        ({"acceptingOrders": False, "until": "9999-12-31T23:59:59-23:59"}, "body.until", "must be within 30 days"),
        ({"acceptingOrders": False, "until": "0001-01-01T00:00:00+23:59"}, "body.until", "must be in the future"),
        ({"acceptingOrders": True, "until": "2026-03-10T13:00:00Z"}, "body.until", "is only for pausing"),
        ({"acceptingOrders": True, "reason": "why"}, "body.reason", "is only for pausing"),
    ],
)
def test_a_pause_that_cannot_be_meant_is_refused_naming_the_field(
    catalog: CatalogService, shop: Restaurant, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        catalog.set_availability(ADMIN, shop.id, change(**fields))
    assert refused.value.errors[0].field == field
    assert message in refused.value.errors[0].message
    assert catalog.get_restaurant(ADMIN, shop.id).version == 1  # nothing written


def test_a_pause_until_a_time_shows_on_the_view_and_the_listing_and_ends_by_itself(
    catalog: CatalogService, shop: Restaurant, clock: Clock
) -> None:
    until = "2026-03-10T14:30:00+01:00"  # any offset; kept in UTC
    catalog.set_availability(staff_of("r1"), shop.id, change(acceptingOrders=False, until=until, reason="Oven repair"))

    view = catalog.view(catalog.get_restaurant(ANONYMOUS, shop.id))
    listed = catalog.list_restaurants(ANONYMOUS)[0][0]
    for shown in (view, listed):
        assert (shown.accepting_orders, shown.paused_until, shown.pause_reason) == (
            False, datetime(2026, 3, 10, 13, 30, tzinfo=UTC), "Oven repair"
        )  # fmt: skip

    clock.now = datetime(2026, 3, 10, 13, 30, tzinfo=UTC)
    view = catalog.view(catalog.get_restaurant(ANONYMOUS, shop.id))
    listed = catalog.list_restaurants(ANONYMOUS)[0][0]
    assert (view.accepting_orders, view.paused_until, view.pause_reason) == (True, None, None)
    assert (listed.accepting_orders, listed.paused_until) == (True, None)


def test_a_pause_is_a_write_of_the_restaurant_profile(catalog: CatalogService, shop: Restaurant) -> None:
    catalog.set_availability(staff_of("r1"), shop.id, change(**PAUSE))

    stored = catalog.get_restaurant(ADMIN, shop.id)
    assert stored.version == 2
    assert stored.pause is not None
    assert (stored.pause.since, stored.pause.until, stored.pause.reason) == (NOW, None, "Kitchen at capacity")


def test_a_pause_is_retried_when_a_concurrent_edit_wins_the_lock(
    catalog: CatalogService, store: FakeCatalogStore, shop: Restaurant
) -> None:
    real = store.replace_restaurant
    lost: list[bool] = []

    def lose_once(restaurant: Restaurant, *args: Any, **kwargs: Any) -> None:
        if not lost:
            lost.append(True)
            raise StaleVersion("the restaurant was changed by someone else")
        real(restaurant, *args, **kwargs)

    store.replace_restaurant = lose_once  # type: ignore[method-assign]
    paused = catalog.set_availability(staff_of("r1"), shop.id, change(**PAUSE))

    assert lost == [True]
    assert paused.accepting_orders is False


def test_an_open_restaurant_shows_open_now_and_no_next_opening(catalog: CatalogService, shop: Restaurant) -> None:
    view = catalog.view(shop)
    assert (view.open_now, view.next_opens_at, view.accepting_orders) == (True, None, True)


def test_a_closed_restaurant_shows_when_it_opens_next(catalog: CatalogService, clock: Clock) -> None:
    hours = {"weekly": {"wed": [{"opens": "11:30", "closes": "22:00"}]}}
    shop = catalog.create_restaurant(ADMIN, restaurant_create(openingHours=hours))  # NOW is a Tuesday

    listed = catalog.list_restaurants(ANONYMOUS)[0][0]
    view = catalog.view(shop)
    for shown in (view, listed):
        assert (shown.open_now, shown.next_opens_at) == (False, datetime(2026, 3, 11, 10, 30, tzinfo=UTC))

    clock.now += timedelta(days=1)  # Wednesday 13:00 in Berlin
    assert catalog.list_restaurants(ANONYMOUS)[0][0].open_now is True
