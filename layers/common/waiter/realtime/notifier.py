"""The live-update notifier's rule: when an order changes, push its current view to every subscription of its
feeds, and forget the connections that are gone.

Delivery is at least once and in no promised order (EventBridge and standard SQS promise neither): the pushed view
is the order as stored now, with its ``version``, so a client keeps the highest version it has seen and drops the
rest. That is also why no delivery record is kept: pushing an event twice sends a frame the client already has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from waiter.events.models import DomainEvent, OrderEvent
from waiter.observability import logger
from waiter.ordering.models import Order
from waiter.realtime.subscriptions import Delivery, SubscriptionService

CONSUMER = "live-notifier"


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
    pushed: list[int] = field(default_factory=list, init=False, repr=False)  # posts per handled event, for the log

    def handle(self, event: DomainEvent) -> None:
        """Push the order ``event`` is about. Every subscriber is tried even when one is throttled; only then is
        ``StillThrottled`` raised, so the retry of the event reaches the ones that missed it."""
        if not isinstance(event, OrderEvent):
            return
        order = self.load_order(event.order_id)
        if order is None:  # erased or never stored: nothing to show anyone
            return
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
        self.pushed.append(posts)
        logger.info("pushed order", orderId=order.id, version=order.version, posts=posts, gone=len(gone))
        if throttled:
            raise StillThrottled(f"{throttled} of {posts} posts for order {order.id} were throttled")
