"""Bus → WebSocket: pushes each order change to the connections subscribed to it (the API Gateway Management API)."""

from __future__ import annotations

from waiter.adapters.consumers import queue_consumer
from waiter.compose import live_notifier
from waiter.events.models import DomainEvent
from waiter.realtime.notifier import CONSUMER, Pushed


def push(event: DomainEvent) -> Pushed | None:
    return live_notifier().handle(event)


lambda_handler = queue_consumer(CONSUMER, push)
