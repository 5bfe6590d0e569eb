"""Subscriptions to live order updates, protocol-free: the WebSocket adapter and the notifier call this.

A client subscribes to a *topic*: ``my-orders`` (the caller's own orders), ``order:<orderId>`` (one order) or
``kitchen:<restaurantId>`` (a restaurant's orders). Each topic is stored under a *feed*, the key the notifier looks
it up by when an order changes: ``my-orders`` of customer ``c1`` is feed ``customer:c1``, so one order belongs to
exactly three feeds (its customer's, its own, its restaurant's). Who may subscribe is decided by the ordering
service's own rules (the same as REST): someone else's order is a 404, someone else's kitchen a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from waiter.errors import Forbidden, Unauthorized, ValidationFailed
from waiter.identity import Principal
from waiter.ordering.lifecycle import TERMINAL
from waiter.ordering.models import Order, OrderStatus, OrderView
from waiter.ordering.service import OrderingService

MAX_SUBSCRIPTIONS = 10  # per connection: a subscription costs a write, and every push a Query per feed
SNAPSHOT_LIMIT = 20  # orders in a ``subscribed`` snapshot (the adapter also trims it to its frame size)
CONNECTION_TTL_S = 2 * 3600  # API Gateway closes every connection after 2 hours: nothing outlives that
MY_ORDERS = "my-orders"
_ACTIVE = tuple(s for s in OrderStatus if s not in TERMINAL)
_TOPIC_KINDS = ("order", "kitchen")
_MAX_TOPIC = 200


@dataclass(frozen=True, slots=True)
class Connection:
    """An open connection and the caller its ``$connect`` authorized."""

    id: str
    caller: Principal
    connected_at: datetime

    @property
    def expires_at(self) -> int:
        return int(self.connected_at.timestamp()) + CONNECTION_TTL_S


@dataclass(frozen=True, slots=True)
class Subscription:
    """One topic of one connection, with the caller it is pushed for (each subscriber sees its own view)."""

    connection_id: str
    topic: str
    feed: str
    caller: Principal


@dataclass(frozen=True, slots=True)
class Subscribed:
    """A subscription made: its topic and the current state of what it covers, newest first."""

    topic: str
    snapshot: list[OrderView]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One order view to push to one subscription."""

    subscription: Subscription
    order: OrderView


class ConnectionStore(Protocol):
    """Where connections and subscriptions live (``waiter.repository.connections``; a fake in unit tests)."""

    def save_connection(self, connection: Connection) -> None: ...
    def delete_connection(self, connection_id: str) -> None: ...
    def subscribe(self, connection: Connection, topic: str, feed: str, *, cap: int) -> None: ...
    def unsubscribe(self, connection_id: str, topic: str) -> None: ...
    def subscribers(self, feed: str) -> list[Subscription]: ...


def feeds_of(order: Order) -> list[str]:
    """The feeds an order belongs to: its customer's, its own and its restaurant's.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> feeds_of(_demo_order())
    ['customer:c1', 'order:o1', 'kitchen:r1']
    """
    return [f"customer:{order.customer_id}", f"order:{order.id}", f"kitchen:{order.restaurant_id}"]


def parse_topic(topic: object) -> tuple[str, str]:
    """``(kind, id)`` of a topic the client sent; ``ValidationFailed`` on ``topic`` naming what is wrong.

    >>> parse_topic("order:o1"), parse_topic("my-orders")
    (('order', 'o1'), ('my-orders', ''))
    >>> parse_topic("table:4")
    Traceback (most recent call last):
    ...
    waiter.errors.ValidationFailed: topic: must be my-orders, order:<orderId> or kitchen:<restaurantId>
    """
    if not isinstance(topic, str) or not topic:
        raise ValidationFailed.on("topic", "is required (my-orders, order:<orderId> or kitchen:<restaurantId>)")
    if topic == MY_ORDERS:
        return MY_ORDERS, ""
    kind, _, ident = topic.partition(":")
    if kind not in _TOPIC_KINDS or not ident or len(topic) > _MAX_TOPIC or not ident.isprintable() or " " in ident:
        raise ValidationFailed.on("topic", "must be my-orders, order:<orderId> or kitchen:<restaurantId>")
    return kind, ident


@dataclass
class SubscriptionService:
    store: ConnectionStore
    ordering: OrderingService
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def connect(self, caller: Principal, connection_id: str) -> Connection:
        """Remember an authorized connection (``$connect``); anonymous callers never get this far."""
        if not caller.is_authenticated:
            raise Unauthorized("connect with a token (an ID token or a partner key)")
        connection = Connection(id=connection_id, caller=caller, connected_at=self.now())
        self.store.save_connection(connection)
        return connection

    def disconnect(self, connection_id: str) -> None:
        """Forget a connection and its subscriptions (``$disconnect``, or a post that found it gone)."""
        self.store.delete_connection(connection_id)

    def subscribe(self, caller: Principal, connection_id: str, topic: str) -> Subscribed:
        """Subscribe, if ``caller`` may see what ``topic`` covers, and return its snapshot."""
        kind, ident = parse_topic(topic)
        if kind == MY_ORDERS:
            if caller.user_id is None or caller.is_partner:
                raise Forbidden("my-orders is a customer's topic; a partner key subscribes to kitchen:<restaurantId>")
            feed = f"customer:{caller.user_id}"
            views, _ = self.ordering.my_orders(caller, limit=min(100, SNAPSHOT_LIMIT * 3))
            snapshot = [v for v in views if v.status not in TERMINAL]
        elif kind == "order":
            feed = f"order:{ident}"
            snapshot = [self.ordering.get_order(caller, ident)]  # 404 unless the caller may see it
        else:
            feed = f"kitchen:{ident}"
            snapshot = self._kitchen_snapshot(caller, ident)  # 403 unless the caller works for it
        connection = Connection(id=connection_id, caller=caller, connected_at=self.now())
        self.store.subscribe(connection, topic, feed, cap=MAX_SUBSCRIPTIONS)
        snapshot.sort(key=lambda v: (v.created_at, v.id), reverse=True)
        return Subscribed(topic=topic, snapshot=snapshot[:SNAPSHOT_LIMIT])

    def unsubscribe(self, caller: Principal, connection_id: str, topic: str) -> None:  # noqa: ARG002 - symmetric
        """Stop pushing ``topic`` to the connection; unsubscribing from a topic not subscribed to is a no-op."""
        parse_topic(topic)
        self.store.unsubscribe(connection_id, topic)

    def audience(self, order: Order) -> list[Delivery]:
        """Every subscription ``order`` must be pushed to, each with the view its caller may see: one Query per
        feed. A subscriber who may no longer see the order (staff removed since) gets nothing."""
        deliveries = []
        for feed in feeds_of(order):
            for subscription in self.store.subscribers(feed):
                view = self.ordering.view_for(subscription.caller, order)
                if view is not None:
                    deliveries.append(Delivery(subscription, view))
        return deliveries

    def _kitchen_snapshot(self, caller: Principal, restaurant_id: str) -> list[OrderView]:
        views: list[OrderView] = []
        for status in _ACTIVE:  # one Query per active status on the kitchen's by-status index; 403 on the first
            page, _ = self.ordering.kitchen_orders(caller, restaurant_id, status=status, limit=SNAPSHOT_LIMIT)
            views.extend(page)
        return views
