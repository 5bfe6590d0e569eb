"""Live-update subscriptions: who may watch which topic (the ordering service's rules), what a snapshot holds, and
the connection storage behind them (the real repository on moto: found by topic with a Query, never a Scan)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.access.fakes import MemoryCounters
from tests.unit.ordering.builders import RESTAURANT_ID, order
from tests.unit.ordering.fakes import FakeOrderingStore, RunEachTime
from tests.unit.realtime.conftest import (
    CONNECTED_AT,
    CUSTOMER,
    OTHER_CUSTOMER,
    OTHER_PARTNER,
    OTHER_STAFF,
    PARTNER,
    STAFF,
    S,
)
from waiter.adapters.websocket import MAX_FRAME_BYTES, subscribed_frame
from waiter.errors import Conflict, Forbidden, NotFound, ValidationFailed
from waiter.ordering.service import OrderingService
from waiter.ratelimit import RateLimiter
from waiter.realtime.subscriptions import MAX_SUBSCRIPTIONS, SNAPSHOT_LIMIT, SubscriptionService
from waiter.repository.connections import ConnectionRepository
from waiter.repository.dynamo import dynamodb_client


def test_my_orders_snapshot_holds_the_callers_active_orders_newest_first(service: SubscriptionService) -> None:
    service.connect(CUSTOMER, "conn-1")

    subscribed = service.subscribe(CUSTOMER, "conn-1", "my-orders")

    assert [v.id for v in subscribed.snapshot] == ["o3", "o1", "o0"]  # o2 is PICKED_UP: not active
    assert [v.allowed_transitions for v in subscribed.snapshot][-1] == [S.CANCELLED]


def test_someone_elses_order_is_not_found_and_nothing_is_stored(service: SubscriptionService, calls: list[str]) -> None:
    service.connect(OTHER_CUSTOMER, "conn-2")

    with pytest.raises(NotFound):
        service.subscribe(OTHER_CUSTOMER, "conn-2", "order:o1")

    assert service.store.subscribers("order:o1") == []
    assert "TransactWriteItems" not in calls


def test_a_kitchen_is_for_its_staff_and_its_partner_key_only(service: SubscriptionService) -> None:
    for caller, connection in [(CUSTOMER, "a"), (OTHER_STAFF, "b"), (OTHER_PARTNER, "c"), (STAFF, "d"), (PARTNER, "e")]:
        service.connect(caller, connection)
    for outsider, connection in [(CUSTOMER, "a"), (OTHER_STAFF, "b"), (OTHER_PARTNER, "c")]:
        with pytest.raises(Forbidden):
            service.subscribe(outsider, connection, f"kitchen:{RESTAURANT_ID}")

    staff_view = service.subscribe(STAFF, "d", f"kitchen:{RESTAURANT_ID}")
    service.subscribe(PARTNER, "e", f"kitchen:{RESTAURANT_ID}")

    assert [v.id for v in staff_view.snapshot] == ["o3", "o1", "o0"]
    assert {s.connection_id for s in service.store.subscribers(f"kitchen:{RESTAURANT_ID}")} == {"d", "e"}


def test_a_partner_key_has_no_my_orders(service: SubscriptionService) -> None:
    service.connect(PARTNER, "p")
    with pytest.raises(Forbidden):
        service.subscribe(PARTNER, "p", "my-orders")


@pytest.mark.parametrize("topic", ["", "table:4", "order:", "kitchen:a b", "x" * 300, None, 7])
def test_a_malformed_topic_is_refused_naming_the_topic(service: SubscriptionService, topic: Any) -> None:
    service.connect(CUSTOMER, "conn-1")
    with pytest.raises(ValidationFailed) as raised:
        service.subscribe(CUSTOMER, "conn-1", topic)
    assert raised.value.errors[0].field == "topic"


def test_subscriptions_per_connection_are_capped_and_a_repeat_is_not_counted(
    service: SubscriptionService, orders: FakeOrderingStore
) -> None:
    for number in range(MAX_SUBSCRIPTIONS + 1):
        orders.orders[f"x{number}"] = order().model_copy(update={"id": f"x{number}"})
    service.connect(CUSTOMER, "conn-1")
    for number in range(MAX_SUBSCRIPTIONS):
        service.subscribe(CUSTOMER, "conn-1", f"order:x{number}")
    service.subscribe(CUSTOMER, "conn-1", "order:x0")  # again: no new subscription

    with pytest.raises(Conflict):
        service.subscribe(CUSTOMER, "conn-1", f"order:x{MAX_SUBSCRIPTIONS}")
    service.unsubscribe(CUSTOMER, "conn-1", "order:x0")
    service.subscribe(CUSTOMER, "conn-1", f"order:x{MAX_SUBSCRIPTIONS}")


def test_subscribing_on_a_closed_connection_is_not_found(service: SubscriptionService) -> None:
    with pytest.raises(NotFound):
        service.subscribe(CUSTOMER, "never-connected", "my-orders")


def test_disconnect_removes_the_connection_and_every_subscription(
    service: SubscriptionService, table: str, calls: list[str]
) -> None:
    service.connect(STAFF, "d")
    service.subscribe(STAFF, "d", f"kitchen:{RESTAURANT_ID}")
    service.subscribe(STAFF, "d", "order:o1")

    service.disconnect("d")
    service.disconnect("d")  # a second $disconnect (or a 410 after it) finds nothing and fails nothing

    assert (
        dynamodb_client().query(
            TableName=table, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "WSCONN#d"}}
        )["Items"]
        == []
    )
    assert service.store.subscribers(f"kitchen:{RESTAURANT_ID}") == []
    assert "Scan" not in calls


def test_every_item_expires_two_hours_after_connecting(service: SubscriptionService, table: str) -> None:
    service.connect(CUSTOMER, "conn-1")
    service.subscribe(CUSTOMER, "conn-1", "my-orders")

    items = dynamodb_client().query(
        TableName=table, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "WSCONN#conn-1"}}
    )["Items"]

    assert {int(i["expiresAt"]["N"]) for i in items} == {int(CONNECTED_AT.timestamp()) + 2 * 3600}
    assert len(items) == 2
    assert not any("email" in json.dumps(i) for i in items)


def test_the_audience_of_an_order_is_each_subscription_with_its_callers_view(
    service: SubscriptionService, orders: FakeOrderingStore, calls: list[str]
) -> None:
    service.connect(CUSTOMER, "mine")
    service.subscribe(CUSTOMER, "mine", "my-orders")
    service.subscribe(CUSTOMER, "mine", "order:o0")
    service.connect(STAFF, "kitchen")
    service.subscribe(STAFF, "kitchen", f"kitchen:{RESTAURANT_ID}")
    calls.clear()

    deliveries = service.audience(orders.orders["o0"])

    seen = {(d.subscription.connection_id, d.subscription.topic): d.order.allowed_transitions for d in deliveries}
    assert seen == {
        ("mine", "my-orders"): [S.CANCELLED],
        ("mine", "order:o0"): [S.CANCELLED],
        ("kitchen", f"kitchen:{RESTAURANT_ID}"): [S.ACCEPTED, S.REJECTED, S.CANCELLED],
    }
    assert calls == ["Query", "Query", "Query"]  # one per feed: the customer's, the order's, the kitchen's


def test_a_snapshot_frame_stays_under_the_frame_limit_keeping_the_newest(orders: FakeOrderingStore) -> None:
    big = order()
    views = [
        OrderingService(store=orders, limiter=RateLimiter(MemoryCounters()), idempotency=RunEachTime()).view_for(
            CUSTOMER, big.model_copy(update={"id": f"o{n:03}", "lines": big.lines * 8})
        )
        for n in range(SNAPSHOT_LIMIT * 3)
    ]

    text = subscribed_frame("my-orders", [v for v in views if v is not None])

    sent = json.loads(text)
    assert len(text.encode()) <= MAX_FRAME_BYTES
    assert sent["snapshot"][0]["id"] == "o000"
    assert sent["omitted"] == SNAPSHOT_LIMIT * 3 - len(sent["snapshot"]) > 0


def test_a_subscription_past_its_expiry_is_not_pushed_to_before_ttl_removes_it(
    table: str, orders: FakeOrderingStore
) -> None:
    ordering = OrderingService(store=orders, limiter=RateLimiter(MemoryCounters()), idempotency=RunEachTime())
    now = datetime.now(UTC)
    for hours_ago, connection in [(3, "old"), (1, "new")]:
        opened = now - timedelta(hours=hours_ago)
        service = SubscriptionService(store=ConnectionRepository(table), ordering=ordering, now=lambda: opened)  # noqa: B023 - used at once
        service.connect(CUSTOMER, connection)
        service.subscribe(CUSTOMER, connection, "order:o0")

    assert [s.connection_id for s in service.store.subscribers("order:o0")] == ["new"]
