"""Bus → e-mail: tells customers by e-mail that their order was placed, is ready, was rejected or cancelled."""

from __future__ import annotations

from waiter.adapters.consumers import queue_consumer
from waiter.compose import email_notifier
from waiter.events.models import DomainEvent
from waiter.notifications import CONSUMER


def notify(event: DomainEvent) -> None:
    email_notifier().handle(event)


lambda_handler = queue_consumer(CONSUMER, notify)
