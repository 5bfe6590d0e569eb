"""Bus → the provider: a card order that was cancelled, rejected or expired is refunded when it was paid, and its
payment intent cancelled when it was not."""

from __future__ import annotations

from waiter.adapters.consumers import queue_consumer
from waiter.compose import payment_service
from waiter.events.models import DomainEvent, OrderEvent


def settle(event: DomainEvent) -> None:
    if isinstance(event, OrderEvent):
        payment_service().settle_ended(event.order_id)


lambda_handler = queue_consumer("settle-payments", settle)
