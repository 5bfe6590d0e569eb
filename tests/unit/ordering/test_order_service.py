"""The ordering service's order contract over an in-memory store: views built per caller with their version and
what the caller may do next, ``If-Match`` on every transition, and reasons kept for the customer to read."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.unit.access.fakes import MemoryCounters
from tests.unit.ordering.builders import NOW, RESTAURANT_ID, line, menu_item, restaurant
from tests.unit.ordering.fakes import FakeOrderingStore, RunEachTime
from waiter.errors import Conflict, PreconditionFailed, ValidationFailed
from waiter.identity import Principal, Role
from waiter.ordering.models import Cart, Checkout, Fulfilment, Order, OrderStatus, OrderView
from waiter.ordering.service import OrderingService
from waiter.ratelimit import RateLimiter

S = OrderStatus
CUSTOMER = Principal(user_id="c1", roles=frozenset({Role.CUSTOMER}))
STAFF = Principal(user_id="s1", roles=frozenset({Role.STAFF}), restaurants=frozenset({RESTAURANT_ID}))
PARTNER = Principal(user_id="apikey:k1", roles=frozenset({Role.PARTNER}), restaurants=frozenset({RESTAURANT_ID}))


def _clock() -> Callable[[], datetime]:
    """One minute per reading."""
    ticks = itertools.count()
    return lambda: NOW + timedelta(minutes=next(ticks))


@pytest.fixture
def store() -> FakeOrderingStore:
    fake = FakeOrderingStore()
    fake.restaurants[RESTAURANT_ID] = restaurant(minimumOrder=0)
    fake.items["pizza"] = menu_item("pizza", 900)
    return fake


@pytest.fixture
def service(store: FakeOrderingStore) -> OrderingService:
    return OrderingService(
        store=store, limiter=RateLimiter(MemoryCounters()), idempotency=RunEachTime(), clock=_clock(), ids=lambda: "o1"
    )


def _place(service: OrderingService, store: FakeOrderingStore, fulfilment: str = "pickup") -> OrderView:
    store.carts["c1", RESTAURANT_ID] = Cart(
        customer_id="c1", restaurant_id=RESTAURANT_ID, lines=[line()], version=1, created_at=NOW, updated_at=NOW
    )
    total = service.get_cart(CUSTOMER, RESTAURANT_ID, fulfilment=Fulfilment(fulfilment)).total
    body: dict[str, Any] = {"restaurantId": RESTAURANT_ID, "fulfilment": fulfilment, "expectedTotal": total}
    if fulfilment == "delivery":
        body["deliveryAddress"] = {"line1": "2 Side St", "city": "Berlin", "postcode": "10117", "country": "DE"}
    return service.checkout(CUSTOMER, Checkout.model_validate(body), idempotency_key="k1")


def test_every_read_of_an_order_is_a_view_for_its_caller(service: OrderingService, store: FakeOrderingStore) -> None:
    placed = _place(service, store)

    assert (placed.version, placed.allowed_transitions) == (1, [S.CANCELLED])
    assert service.get_order(CUSTOMER, "o1").allowed_transitions == [S.CANCELLED]
    assert service.get_order(STAFF, "o1").allowed_transitions == [S.ACCEPTED, S.REJECTED, S.CANCELLED]
    [kitchen], _ = service.kitchen_orders(PARTNER, RESTAURANT_ID)
    assert kitchen.allowed_transitions == [S.ACCEPTED, S.REJECTED, S.CANCELLED]
    [mine], _ = service.my_orders(CUSTOMER)
    assert mine.allowed_transitions == [S.CANCELLED]


def test_a_transition_at_a_stale_version_is_refused_and_writes_nothing(
    service: OrderingService, store: FakeOrderingStore
) -> None:
    _place(service, store)
    accepted = service.transition(STAFF, "o1", S.ACCEPTED, restaurant_id=RESTAURANT_ID, if_match={1})

    with pytest.raises(PreconditionFailed) as raised:
        service.transition(PARTNER, "o1", S.CANCELLED, restaurant_id=RESTAURANT_ID, if_match={1})

    assert raised.value.extra == {
        "currentStatus": "ACCEPTED",
        "currentVersion": 2,
        "allowed": ["PREPARING", "CANCELLED"],
    }
    assert store.orders["o1"].version == accepted.version == 2


def test_a_write_that_loses_a_race_is_a_412_with_if_match_and_a_409_without(
    service: OrderingService, store: FakeOrderingStore
) -> None:
    _place(service, store)
    real_save = store.save_order

    def racing_save(order: Order, *, expected_version: int) -> None:
        current = store.orders["o1"]  # someone else moved it between our read and our write
        store.orders["o1"] = current.model_copy(update={"version": current.version + 1})
        store.save_order = real_save  # type: ignore[method-assign]
        real_save(order, expected_version=expected_version)

    store.save_order = racing_save  # type: ignore[method-assign]
    with pytest.raises(PreconditionFailed):
        service.transition(STAFF, "o1", S.ACCEPTED, if_match={1})
    store.save_order = racing_save  # type: ignore[method-assign]
    with pytest.raises(Conflict) as raised:
        service.transition(STAFF, "o1", S.ACCEPTED)
    assert raised.value.extra["currentVersion"] == 3


def test_a_rejection_reason_reaches_the_customer(service: OrderingService, store: FakeOrderingStore) -> None:
    _place(service, store)
    with pytest.raises(ValidationFailed):
        service.transition(STAFF, "o1", S.REJECTED)

    service.transition(STAFF, "o1", S.REJECTED, reason="no drivers tonight")

    seen = service.get_order(CUSTOMER, "o1")
    assert (seen.status, seen.status_reason, seen.allowed_transitions) == (S.REJECTED, "no drivers tonight", [])


def test_a_customer_cancels_with_a_reason(service: OrderingService, store: FakeOrderingStore) -> None:
    _place(service, store)

    cancelled = service.cancel(CUSTOMER, "o1", reason="wrong address", if_match={1})

    assert (cancelled.status, cancelled.version, cancelled.status_reason) == (S.CANCELLED, 2, "wrong address")
