"""The notifier's rule: each subscriber of an order's feeds gets the order's current view; a gone connection is
forgotten without failing the event; a throttled one fails the event only after every other subscriber got it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.unit.ordering.builders import RESTAURANT_ID
from tests.unit.ordering.fakes import FakeOrderingStore
from tests.unit.realtime.conftest import CUSTOMER, STAFF
from waiter.adapters.websocket import order_frame
from waiter.events.models import OrderStatusChanged, RestaurantChanged
from waiter.ordering.models import Actor, ActorType
from waiter.realtime.notifier import LiveNotifier, StillThrottled
from waiter.realtime.subscriptions import Delivery, SubscriptionService


class Poster:
    def __init__(self, gone: set[str] = frozenset(), throttled: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.gone, self.throttled = gone, throttled
        self.sent: list[tuple[str, dict[str, object]]] = []

    def post(self, connection_id: str, data: str) -> bool:
        if connection_id in self.throttled:
            raise StillThrottled(connection_id)
        if connection_id in self.gone:
            return False
        self.sent.append((connection_id, json.loads(data)))
        return True


def _frame(delivery: Delivery) -> str:
    return order_frame(delivery.subscription.topic, delivery.order)


def _changed(order_id: str = "o0") -> OrderStatusChanged:
    return OrderStatusChanged.model_validate(
        {
            "eventId": "e1",
            "occurredAt": datetime.now(UTC),
            "orderId": order_id,
            "restaurantId": RESTAURANT_ID,
            "customerId": "c1",
            "version": 2,
            "total": 1000,
            "currency": "EUR",
            "from": "PLACED",
            "to": "ACCEPTED",
            "actor": Actor(type=ActorType.STAFF, id="s1"),
            "at": datetime.now(UTC),
        }
    )


def _notifier(service: SubscriptionService, store: FakeOrderingStore, poster: Poster) -> LiveNotifier:
    return LiveNotifier(subscriptions=service, load_order=store.get_order, poster=poster, frame=_frame)


def test_each_subscriber_gets_the_orders_current_view(service: SubscriptionService, orders: FakeOrderingStore) -> None:
    service.connect(CUSTOMER, "mine")
    service.subscribe(CUSTOMER, "mine", "my-orders")
    service.connect(STAFF, "kitchen")
    service.subscribe(STAFF, "kitchen", f"kitchen:{RESTAURANT_ID}")
    poster = Poster()

    _notifier(service, orders, poster).handle(_changed())

    assert sorted((c, f["topic"], f["order"]["id"], f["order"]["status"]) for c, f in poster.sent) == [  # type: ignore[index]
        ("kitchen", "kitchen:r1", "o0", "PLACED"),
        ("mine", "my-orders", "o0", "PLACED"),
    ]


def test_a_gone_connection_is_deleted_and_the_event_succeeds(
    service: SubscriptionService, orders: FakeOrderingStore
) -> None:
    service.connect(CUSTOMER, "gone")
    service.subscribe(CUSTOMER, "gone", "my-orders")
    service.subscribe(CUSTOMER, "gone", "order:o0")

    _notifier(service, orders, Poster(gone={"gone"})).handle(_changed())

    assert service.store.subscribers("customer:c1") == service.store.subscribers("order:o0") == []


def test_a_throttled_connection_fails_the_event_after_the_others_got_it(
    service: SubscriptionService, orders: FakeOrderingStore
) -> None:
    service.connect(CUSTOMER, "slow")
    service.subscribe(CUSTOMER, "slow", "my-orders")
    service.connect(STAFF, "kitchen")
    service.subscribe(STAFF, "kitchen", f"kitchen:{RESTAURANT_ID}")
    poster = Poster(throttled={"slow"})

    with pytest.raises(StillThrottled):
        _notifier(service, orders, poster).handle(_changed())

    assert [c for c, _ in poster.sent] == ["kitchen"]
    assert len(service.store.subscribers("customer:c1")) == 1  # kept: the retry reaches it


def test_events_about_no_order_push_nothing(service: SubscriptionService, orders: FakeOrderingStore) -> None:
    poster = Poster()
    notifier = _notifier(service, orders, poster)

    notifier.handle(_changed("unknown"))
    notifier.handle(
        RestaurantChanged.model_validate(
            {
                "eventId": "e2",
                "occurredAt": datetime.now(UTC),
                "restaurantId": "r1",
                "version": 2,
                "active": True,
                "changedFields": ["name"],
            }
        )
    )

    assert poster.sent == []
