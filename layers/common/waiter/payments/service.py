"""Payment use cases: start paying a card order, take the provider's webhooks, apply its events exactly once, and
settle ended orders (refund the paid ones, cancel the intents of the unpaid ones). The rules are
``waiter.ordering.payments``; the provider is behind ``waiter.payments.provider.PaymentProvider``.
docs/payments.md tells the whole story.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from waiter.catalog.service import utc_now
from waiter.errors import Conflict, NotFound, ServiceUnavailable, Unauthorized, ValidationFailed
from waiter.identity import Principal
from waiter.observability import logger
from waiter.ordering import payments as rules
from waiter.ordering.models import Order, OrderStatus, PaymentMethod, PaymentStatus
from waiter.ordering.payments import PaymentEvent, PaymentEventKind
from waiter.payments.models import PaymentView
from waiter.payments.provider import Intent, PaymentProvider, ProviderRefused, ProviderUnavailable, WebhookEvents
from waiter.payments.signatures import SignatureInvalid, verify

CONSUMER = "payment-events"  # the deliveries name of the webhook events' consumer
RETRY_AFTER_S = 5
_SAVE_ATTEMPTS = 3
MISMATCH_LOG = "payment amount mismatch"  # template.yaml's metric filter (PaymentAmountMismatch) matches this line


class OrderStore(Protocol):
    """(``waiter.repository.ordering.OrderingRepository``)"""

    def get_order(self, order_id: str) -> Order | None: ...
    def save_order(self, order: Order, *, expected_version: int) -> None: ...


class Deliveries(Protocol):
    """(``waiter.repository.deliveries.DeliveryRepository``)"""

    def claim(self, consumer: str, event_id: str) -> bool: ...
    def release(self, consumer: str, event_id: str) -> None: ...


def intent_key(order_id: str) -> str:
    """The provider idempotency key of an order's one payment intent: every request for it returns the same one."""
    return f"waiter-order-{order_id}"


def refund_key(order_id: str) -> str:
    """The provider idempotency key of an order's one refund (always the whole amount)."""
    return f"waiter-refund-{order_id}"


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "the payment provider is unavailable; the order is unchanged, try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_S)},
        extra={"retryAfter": RETRY_AFTER_S},
    )


@dataclass
class PaymentService:
    store: OrderStore
    provider: PaymentProvider
    deliveries: Deliveries
    clock: Callable[[], datetime] = utc_now

    # ---- the customer pays -------------------------------------------------------------------------------------

    def start_payment(self, caller: Principal, order_id: str) -> PaymentView:
        """The payment intent of the caller's card order awaiting payment: created once (the provider's idempotency
        key is derived from the order), returned as it is on every later call. 404 for an order that is not the
        caller's; 409 for a cash order or one that is paid, cancelled or expired; 503 when the provider is
        unavailable (nothing stored)."""
        if caller.user_id is None:
            raise Unauthorized("sign in first")
        order = self.store.get_order(order_id)
        if order is None or order.customer_id != caller.user_id:
            raise NotFound(f"order {order_id} does not exist")
        _check_payable(order)
        try:
            if order.payment_id:
                return _view(self.provider.get_intent(order.payment_id))
            intent = self.provider.create_intent(
                order_id=order.id, amount=order.total, currency=order.currency, idempotency_key=intent_key(order.id)
            )
        except ProviderUnavailable:
            raise _unavailable() from None
        self._remember_intent(order, intent.payment_id)
        return _view(intent)

    def _remember_intent(self, order: Order, payment_id: str) -> None:
        update = {"payment_id": payment_id, "version": order.version + 1, "updated_at": self.clock()}
        try:
            self.store.save_order(order.model_copy(update=update), expected_version=order.version)
        except Conflict:
            # the order moved meanwhile (another request stored the same intent, or it was paid or cancelled): the
            # idempotency key gives every request the same intent, and a payment event names it anyway
            logger.info("order changed while its intent was stored", orderId=order.id)

    # ---- the provider's events ---------------------------------------------------------------------------------

    def apply(self, event: PaymentEvent) -> Order | None:
        """Apply one provider event exactly once (its id is claimed with a conditional write; a replay does
        nothing). An unknown order is recorded and ignored; an amount or currency that is not the order's is
        refused (logged for the alarm) and never applied; a success on an order that ended unpaid is refunded.
        Returns the order as stored after the event (None when it changed nothing)."""
        if not self.deliveries.claim(CONSUMER, event.event_id):
            logger.info("payment event already applied", eventId=event.event_id)
            return None
        try:
            return self._apply(event)
        except BaseException:
            self.deliveries.release(CONSUMER, event.event_id)  # so the redelivery applies it
            raise

    def _apply(self, event: PaymentEvent) -> Order | None:
        for _ in range(_SAVE_ATTEMPTS):
            order = self.store.get_order(event.order_id) if event.order_id else None
            if order is None:
                logger.warning("payment event for an unknown order", eventId=event.event_id, orderId=event.order_id)
                return None
            if event.kind is not PaymentEventKind.FAILED and not rules.matches_order(order, event):
                logger.error(
                    MISMATCH_LOG, eventId=event.event_id, orderId=order.id, amount=event.amount,
                    currency=event.currency, orderTotal=order.total, orderCurrency=order.currency,
                )  # fmt: skip
                return None
            outcome = rules.apply_payment_event(order, event, self.clock())
            stored = outcome.order or order
            if outcome.order is not None:
                try:
                    self.store.save_order(outcome.order, expected_version=order.version)
                except Conflict:
                    continue  # moved meanwhile (a cancel, the expiry): apply the event to what it is now
            # a success on an order that ended unpaid: refunded now, or again on a redelivery if refunding failed
            if event.kind is PaymentEventKind.SUCCEEDED and rules.refund_due(stored):
                self._refund(stored)
            return outcome.order
        raise Conflict(f"order {event.order_id} kept changing while a payment event was applied")

    # ---- orders that ended -------------------------------------------------------------------------------------

    def settle_ended(self, order_id: str) -> None:
        """After an order was cancelled, rejected or expired: refund it when it was paid (the outcome comes back as
        a ``charge.refunded`` webhook), cancel its intent when it was not (a late payment can then not succeed;
        if one does anyway, ``apply`` refunds it). Idempotent: the provider keys make a repeat a no-op."""
        order = self.store.get_order(order_id)
        if order is None:
            return
        if rules.refund_due(order):
            self._refund(order)
        elif rules.intent_to_cancel(order) and order.payment_id:
            try:
                self.provider.cancel_intent(order.payment_id, idempotency_key=f"waiter-cancel-{order.payment_id}")
            except ProviderRefused as refused:
                # already succeeded (its success refunds it) or already cancelled: nothing left to do here
                logger.info("payment intent not cancelled", orderId=order.id, reason=str(refused))

    def _refund(self, order: Order) -> None:
        if not order.payment_id:
            return
        try:
            self.provider.refund(order.payment_id, order_id=order.id, idempotency_key=refund_key(order.id))
        except ProviderRefused as refused:
            logger.warning("refund refused by the provider", orderId=order.id, reason=str(refused))
            return
        logger.info("refund requested", orderId=order.id)


def _check_payable(order: Order) -> None:
    if order.payment_method is not PaymentMethod.CARD:
        raise Conflict("this order is paid in cash at pickup or delivery", extra={"currentStatus": order.status.value})
    if order.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        raise Conflict("this order is already paid", extra={"currentStatus": order.status.value})
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        raise Conflict(
            f"the order is {order.status.value} and can no longer be paid", extra={"currentStatus": order.status.value}
        )


def _view(intent: Intent) -> PaymentView:
    return PaymentView(
        payment_id=intent.payment_id,
        client_secret=intent.client_secret,
        amount=intent.amount,
        currency=intent.currency.upper(),
        status=intent.status,
    )


@dataclass
class WebhookReceiver:
    """The webhook: a provider event verified over its raw body, then queued for ``PaymentService.apply``."""

    secrets: Callable[[], list[str]]
    enqueue: Callable[[str], None]
    events: WebhookEvents
    now: Callable[[], float] = field(default=time.time)

    def receive(self, payload: bytes, signature: str | None) -> bool:
        """Verify and queue one webhook body; True when queued, False for an event type Waiter does not act on.
        400 on ``header.Stripe-Signature`` for a missing, malformed, stale, future or wrong signature (nothing
        queued); 400 on ``body`` for a verified body that is not an event; 503 when the queue refuses it."""
        try:
            verify(payload, signature, self.secrets(), now=self.now())
        except SignatureInvalid as invalid:
            raise ValidationFailed.on("header.Stripe-Signature", str(invalid)) from None
        try:
            event = self.events.parse(payload)
        except (ValueError, KeyError, TypeError):
            raise ValidationFailed.on("body", "is not a payment event") from None
        if event is None:
            return False
        self.enqueue(payload.decode("utf-8"))
        return True
