"""What Waiter needs from a payment provider, whichever it is: the interface the payment use cases call
(``waiter.payments.service``) and the provider-neutral shapes it speaks in. ``waiter.payments.stripe_provider`` is
the one implementation today; a UPI-capable provider would be another, without touching the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from waiter.ordering.payments import PaymentEvent


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered with a server error: try again later."""


class ProviderRefused(Exception):
    """The provider refused the request (the intent is in a state that does not allow it, say)."""


@dataclass(frozen=True, slots=True)
class Intent:
    """A payment intent as a client needs it to pay: the provider's id, the secret its card element uses, the
    amount (minor units of ``currency``) and the provider's status (``requires_payment_method``, ``succeeded``...)."""

    payment_id: str
    client_secret: str
    amount: int
    currency: str
    status: str


class PaymentProvider(Protocol):
    def create_intent(self, *, order_id: str, amount: int, currency: str, idempotency_key: str) -> Intent:
        """A new intent for exactly ``amount`` of ``currency``; the same key returns the same intent."""
        ...

    def get_intent(self, payment_id: str) -> Intent: ...

    def cancel_intent(self, payment_id: str, *, idempotency_key: str) -> None:
        """Cancel an intent that has not succeeded; ``ProviderRefused`` when it can no longer be cancelled."""
        ...

    def refund(self, payment_id: str, *, order_id: str, idempotency_key: str) -> None:
        """Refund the whole payment; the same key refunds once. The outcome comes back as a webhook event."""
        ...


class WebhookEvents(Protocol):
    """How a provider's webhook events read as Waiter's payment events."""

    def parse(self, payload: bytes) -> PaymentEvent | None:
        """The payment event of a verified webhook body; None for an event type Waiter does not act on."""
        ...
