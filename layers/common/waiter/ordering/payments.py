"""The payment rules: what a payment event from the provider does to an order, whatever state the order is in.

Pure, like ``lifecycle``: an order and an event in, the order as it should be stored (or None: nothing changes) and
whether the money must go back out. Every combination of order status x payment status x event kind has an answer
(``tests/unit/ordering/test_payment_rules.py`` walks them all), so events arriving twice, late or out of order end
in a consistent state (docs/payments.md):

- ``SUCCEEDED`` on an order awaiting payment: ``PAID`` and ``PLACED`` (history: actor ``system``/``payments``).
  On an order that ended unpaid (``EXPIRED``, ``CANCELLED``): ``PAID`` and refunded at once. Already paid or
  refunded: nothing (a duplicate or a stale delivery).
- ``FAILED`` while the order awaits payment and is not paid: ``FAILED`` (the customer may try again). Otherwise
  nothing: a decline that arrives after a success changes nothing.
- ``REFUNDED`` on a paid order: ``REFUNDED`` (the order's status is left alone). Otherwise nothing.

A cash order is never touched by a payment event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from waiter.ordering import lifecycle
from waiter.ordering.models import Order, OrderStatus, PaymentMethod, PaymentStatus

S, P = OrderStatus, PaymentStatus


class PaymentEventKind(StrEnum):
    """What the provider told us about a payment (provider-neutral: each provider's events map onto these)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """One provider event: its id (for deduplication), what happened, to which payment of which order, and the
    amount (minor units of ``currency``) the provider says moved."""

    event_id: str
    kind: PaymentEventKind
    payment_id: str
    order_id: str | None
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """What applying an event means: ``order`` to store (None: nothing to store) and whether to ``refund`` it."""

    order: Order | None = None
    refund: bool = False


NOTHING = PaymentOutcome()
# A success that came after the order ended without the money: the customer is refunded.
_ENDED_UNPAID = frozenset({S.EXPIRED, S.CANCELLED, S.REJECTED})


def matches_order(order: Order, event: PaymentEvent) -> bool:
    """Whether the money the event names is exactly the order's total in its currency (a success or a refund for
    any other amount is refused, never applied).

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> event = PaymentEvent("e1", PaymentEventKind.SUCCEEDED, "pi_1", "o1", 1017, "eur")
    >>> matches_order(_demo_order(), event), matches_order(_demo_order(), PaymentEvent("e2", event.kind, "pi_1",
    ...     "o1", 1, "EUR"))
    (True, False)
    """
    return event.amount == order.total and event.currency.upper() == order.currency.upper()


def apply_payment_event(order: Order, event: PaymentEvent, at: datetime) -> PaymentOutcome:
    """What ``event`` does to ``order`` at ``at`` (see the module docstring).

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.lifecycle import _demo_order
    >>> order = _demo_order(payment_method=PaymentMethod.CARD)
    >>> paid = apply_payment_event(order, PaymentEvent("e1", PaymentEventKind.SUCCEEDED, "pi_1", "o1", 1017, "eur"),
    ...     datetime(2026, 1, 15, 12, 2, tzinfo=UTC)).order
    >>> paid.status.value, paid.payment_status.value, paid.history[-1].actor.type.value
    ('PLACED', 'PAID', 'system')
    """
    if order.payment_method is not PaymentMethod.CARD:
        return NOTHING
    match event.kind:
        case PaymentEventKind.SUCCEEDED:
            return _succeeded(order, event, at)
        case PaymentEventKind.FAILED:
            # a second decline changes nothing stored; a decline after the success or the end changes nothing
            if order.status is S.AWAITING_PAYMENT and order.payment_status is P.UNPAID:
                return PaymentOutcome(_payment(order, P.FAILED, event, at))
            return NOTHING
        case PaymentEventKind.REFUNDED:
            if order.payment_status is P.PAID:
                return PaymentOutcome(_payment(order, P.REFUNDED, event, at))
            return NOTHING


def _succeeded(order: Order, event: PaymentEvent, at: datetime) -> PaymentOutcome:
    if order.payment_status in (P.PAID, P.REFUNDED):
        return NOTHING
    if order.status is S.AWAITING_PAYMENT:
        placed = lifecycle.transition(order, S.PLACED, lifecycle.PAYMENTS, at)
        return PaymentOutcome(placed.model_copy(update={"payment_status": P.PAID, "payment_id": event.payment_id}))
    if order.status in _ENDED_UNPAID:
        return PaymentOutcome(_payment(order, P.PAID, event, at), refund=True)
    return NOTHING  # not reachable for a card order (it leaves AWAITING_PAYMENT only paid or ended)


def _payment(order: Order, status: PaymentStatus, event: PaymentEvent, at: datetime) -> Order:
    """``order`` with its payment status changed (its order status untouched), one version on."""
    return order.model_copy(
        update={
            "payment_status": status,
            "payment_id": order.payment_id or event.payment_id,
            "version": order.version + 1,
            "updated_at": at,
        }
    )


def refund_due(order: Order) -> bool:
    """Whether an order that just ended (cancelled, rejected, expired) must be refunded: it was paid.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> refund_due(_demo_order())
    False
    """
    return order.status in _ENDED_UNPAID and order.payment_status is P.PAID


def intent_to_cancel(order: Order) -> bool:
    """Whether an order that ended unpaid has a payment intent to cancel at the provider (so a late payment
    cannot succeed; if one does anyway, the success refunds it).

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> intent_to_cancel(_demo_order())
    False
    """
    return order.status in _ENDED_UNPAID and order.payment_status in (P.UNPAID, P.FAILED) and bool(order.payment_id)
