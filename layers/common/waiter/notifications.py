"""Telling customers by e-mail what happened to their orders: placed, ready, rejected (with the reason) and
cancelled. A consumer of the bus (``functions/email_notifier``); idempotent: each event is mailed at most once,
however often it is delivered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from waiter.events.models import DomainEvent, OrderCancelled, OrderEvent, OrderPlaced, OrderStatusChanged
from waiter.mail import Mail
from waiter.ordering.models import OrderStatus

CONSUMER = "email-notifier"  # names this consumer's idempotency marks


class Deliveries(Protocol):
    """(``waiter.repository.deliveries.DeliveryRepository``)"""

    def claim(self, consumer: str, event_id: str) -> bool: ...
    def release(self, consumer: str, event_id: str) -> None: ...


class Sender(Protocol):
    def send(self, mail: Mail) -> str: ...


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def customer_mail(event: DomainEvent, to: str) -> Mail | None:
    """The e-mail ``event`` warrants for its customer at ``to``; None for events customers are not mailed about.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.models import Actor, ActorType
    >>> e = OrderStatusChanged(event_id="e", occurred_at=datetime(2026, 1, 1, tzinfo=UTC), order_id="o1",
    ...     restaurant_id="r1", customer_id="c1", version=2, total=1017, currency="EUR", from_="PLACED",
    ...     to="REJECTED", actor=Actor(type=ActorType.SYSTEM, id="t"), at=datetime(2026, 1, 1, tzinfo=UTC),
    ...     reason="the restaurant did not accept the order within 10 minutes")
    >>> customer_mail(e, "a@b.c").subject
    'Your order o1 was rejected'
    """
    if not isinstance(event, OrderEvent):
        return None
    order = f"order {event.order_id}"
    total = _money(event.total, event.currency)
    if isinstance(event, OrderPlaced):
        return Mail(to, f"We have your {order}", f"Your {order} ({total}) is placed; the restaurant will confirm it.")
    if isinstance(event, OrderCancelled):
        why = f" Reason: {event.reason}." if event.reason else ""
        return Mail(to, f"Your {order} was cancelled", f"Your {order} ({total}) was cancelled.{why}")
    if isinstance(event, OrderStatusChanged) and event.to is OrderStatus.READY:
        return Mail(to, f"Your {order} is ready", f"Your {order} ({total}) is ready.")
    if isinstance(event, OrderStatusChanged) and event.to is OrderStatus.REJECTED:
        why = f" Reason: {event.reason}." if event.reason else ""
        return Mail(to, f"Your {order} was rejected", f"The restaurant could not take your {order}.{why}")
    return None


@dataclass
class EmailNotifier:
    deliveries: Deliveries
    mailer: Sender
    email_of: Callable[[str], str | None]

    def handle(self, event: DomainEvent) -> bool:
        """Mail the customer about ``event`` once; True when a mail was sent now (False: nothing to send, no
        address, or sent before). A failed send releases the claim and raises, so the redelivery tries again."""
        if not isinstance(event, OrderEvent):
            return False
        address = self.email_of(event.customer_id)
        mail = customer_mail(event, address) if address else None
        if mail is None or not self.deliveries.claim(CONSUMER, event.event_id):
            return False
        try:
            self.mailer.send(mail)
        except BaseException:
            self.deliveries.release(CONSUMER, event.event_id)
            raise
        return True
