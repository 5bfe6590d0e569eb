"""The live-update notifier's rule: when an order changes, push its current view to every subscription of its
feeds, and forget the connections that are gone.

Delivery is at least once and in no promised order (EventBridge and standard SQS promise neither): the pushed view
is the order as stored now, with its ``version``, so a client keeps the highest version it has seen and drops the
rest. That is also why no delivery record is kept: pushing an event twice sends a frame the client already has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypedDict

from waiter.events.models import DomainEvent, OrderEvent
from waiter.observability import logger
from waiter.ordering.models import Order
from waiter.realtime.subscriptions import Delivery, SubscriptionService

CONSUMER = "live-notifier"


class Pushed(TypedDict):
    """What one handled event pushed: the order and version shown, the posts tried, the connections found gone."""

    orderId: str
    version: int
    posts: int
    gone: int


class StillThrottled(Exception):
    """A post was still throttled after its retries: the event is handled again later (the batch reports it)."""


class Poster(Protocol):
    """Posts a frame to a connection (``waiter.live_push``): True when sent, False when the connection is gone;
    raises ``StillThrottled`` when it was throttled through all its retries."""

    def post(self, connection_id: str, data: str) -> bool: ...


@dataclass
class LiveNotifier:
    subscriptions: SubscriptionService
    load_order: Callable[[str], Order | None]
    poster: Poster
    frame: Callable[[Delivery], str]

    def handle(self, event: DomainEvent) -> Pushed | None:
        """Push the order ``event`` is about, and say what was pushed (the queue's batch log line carries it; one
        line per batch rather than one per push: each line repeats the invocation's context, ~300 bytes). Every
        subscriber is tried even when one is throttled; only then is ``StillThrottled`` raised, so the retry of the
        event reaches the ones that missed it."""
        if not isinstance(event, OrderEvent):
            return None
        order = self.load_order(event.order_id)
        if order is None:  # erased or never stored: nothing to show anyone
            return None
        gone: set[str] = set()
        throttled = 0
        posts = 0
        for delivery in self.subscriptions.audience(order):
            connection = delivery.subscription.connection_id
            if connection in gone:
                continue
            posts += 1
            try:
                sent = self.poster.post(connection, self.frame(delivery))
            except StillThrottled:
                throttled += 1
                continue
            if not sent:
                gone.add(connection)
                self.subscriptions.disconnect(connection)
        logger.debug("pushed order", orderId=order.id, version=order.version, posts=posts, gone=len(gone))
        if throttled:
            raise StillThrottled(f"{throttled} of {posts} posts for order {order.id} were throttled")
        return {"orderId": order.id, "version": order.version, "posts": posts, "gone": len(gone)}
