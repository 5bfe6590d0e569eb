"""Fixtures of the live-update tests: orders in the in-memory ordering store, connections in the real repository on
moto, and a record of every DynamoDB call made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.access.fakes import MemoryCounters
from tests.unit.ordering.builders import NOW, RESTAURANT_ID, order
from tests.unit.ordering.fakes import FakeOrderingStore, RunEachTime
from waiter.identity import Principal, Role
from waiter.ordering.models import OrderStatus
from waiter.ordering.service import OrderingService
from waiter.ratelimit import RateLimiter
from waiter.realtime.subscriptions import SubscriptionService
from waiter.repository.connections import ConnectionRepository
from waiter.repository.dynamo import dynamodb_client

S = OrderStatus
# when the tests' connections open: now, since the repository leaves out subscriptions past their expiry
CONNECTED_AT = datetime.now(UTC).replace(microsecond=0)
CUSTOMER = Principal(user_id="c1", roles=frozenset({Role.CUSTOMER}))
OTHER_CUSTOMER = Principal(user_id="c2", roles=frozenset({Role.CUSTOMER}))
STAFF = Principal(user_id="s1", roles=frozenset({Role.STAFF}), restaurants=frozenset({RESTAURANT_ID}))
OTHER_STAFF = Principal(user_id="s2", roles=frozenset({Role.STAFF}), restaurants=frozenset({"r9"}))
PARTNER = Principal(user_id="apikey:k1", roles=frozenset({Role.PARTNER}), restaurants=frozenset({RESTAURANT_ID}))
OTHER_PARTNER = Principal(user_id="apikey:k2", roles=frozenset({Role.PARTNER}), restaurants=frozenset({"r9"}))


@pytest.fixture
def calls(table: str) -> list[str]:
    """Every DynamoDB operation made, by name."""
    made: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        made.append(event_name.rsplit(".", 1)[-1])

    dynamodb_client().meta.events.register("before-call.dynamodb.*", record)
    return made


@pytest.fixture
def orders() -> FakeOrderingStore:
    store = FakeOrderingStore()
    for number, status in enumerate([S.PLACED, S.PREPARING, S.PICKED_UP, S.ACCEPTED]):
        placed = order().model_copy(
            update={"id": f"o{number}", "status": status, "created_at": NOW + timedelta(minutes=number)}
        )
        store.orders[placed.id] = placed
    return store


@pytest.fixture
def service(table: str, orders: FakeOrderingStore) -> SubscriptionService:
    ordering = OrderingService(store=orders, limiter=RateLimiter(MemoryCounters()), idempotency=RunEachTime())
    return SubscriptionService(store=ConnectionRepository(table), ordering=ordering, now=lambda: CONNECTED_AT)
