"""Webhook queue → the ordering: each verified provider event applied exactly once (paid and PLACED, declined,
refunded; a late success refunded)."""

from __future__ import annotations

from waiter.adapters.consumers import message_consumer
from waiter.compose import payment_service
from waiter.payments.service import CONSUMER
from waiter.payments.stripe_provider import StripeEvents

_EVENTS = StripeEvents()


def apply(body: str) -> None:
    event = _EVENTS.parse(body.encode("utf-8"))
    if event is not None:
        payment_service().apply(event)


lambda_handler = message_consumer(CONSUMER, apply)
