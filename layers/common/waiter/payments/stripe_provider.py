"""Stripe as Waiter's payment provider (``waiter.payments.provider.PaymentProvider``), through the ``stripe``
package. The package lives in a layer of its own (layers/payments/) that only the payment functions list, and it
is imported on first use: it is ~30 MB and 100-240 ms to import, which no other function pays for.

``api_base`` points the client at another URL: the local gateway's emulated provider (local/gateway/payments.py).
Webhook bodies are read by ``StripeEvents`` without the package (plain JSON): the webhook function never imports it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from waiter.ordering.payments import PaymentEvent, PaymentEventKind
from waiter.payments.provider import Intent, ProviderRefused, ProviderUnavailable

if TYPE_CHECKING:
    import stripe

# The event types Waiter acts on, and what they mean in its words.
EVENT_KINDS = {
    "payment_intent.succeeded": PaymentEventKind.SUCCEEDED,
    "payment_intent.payment_failed": PaymentEventKind.FAILED,
    "charge.refunded": PaymentEventKind.REFUNDED,
}


class StripeProvider:
    """Payment intents and refunds at Stripe; ``api_key`` is read (from Secrets Manager) on the first call."""

    def __init__(self, api_key: Callable[[], str], api_base: str = "") -> None:
        self._api_key = api_key
        self._api_base = api_base

    @cached_property
    def _client(self) -> stripe.StripeClient:
        import stripe  # noqa: PLC0415 - the payments layer: imported on first use

        base = {"api": self._api_base} if self._api_base else None
        # retries are the caller's (the webhook's provider, the queue's redelivery): a request here fails fast
        return stripe.StripeClient(self._api_key(), base_addresses=base, max_network_retries=0)  # type: ignore[arg-type]

    def create_intent(self, *, order_id: str, amount: int, currency: str, idempotency_key: str) -> Intent:
        params: dict[str, Any] = {
            "amount": amount,
            "currency": currency.lower(),
            "metadata": {"orderId": order_id},
            "automatic_payment_methods": {"enabled": True},
        }
        return _intent(self._call(lambda c: c.v1.payment_intents.create(params, {"idempotency_key": idempotency_key})))  # type: ignore[arg-type]

    def get_intent(self, payment_id: str) -> Intent:
        return _intent(self._call(lambda c: c.v1.payment_intents.retrieve(payment_id)))

    def cancel_intent(self, payment_id: str, *, idempotency_key: str) -> None:
        self._call(lambda c: c.v1.payment_intents.cancel(payment_id, options={"idempotency_key": idempotency_key}))

    def refund(self, payment_id: str, *, order_id: str, idempotency_key: str) -> None:
        params: dict[str, Any] = {"payment_intent": payment_id, "metadata": {"orderId": order_id}}
        self._call(lambda c: c.v1.refunds.create(params, {"idempotency_key": idempotency_key}))  # type: ignore[arg-type]

    def _call(self, request: Callable[[stripe.StripeClient], Any]) -> Any:
        import stripe  # noqa: PLC0415

        try:
            return request(self._client)
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
            raise ProviderUnavailable(str(error.user_message or error)) from None
        except stripe.StripeError as error:
            raise ProviderRefused(str(error.user_message or error)) from None


def _intent(raw: Any) -> Intent:
    return Intent(
        payment_id=str(raw["id"]),
        client_secret=str(raw["client_secret"]),
        amount=int(raw["amount"]),
        currency=str(raw["currency"]),
        status=str(raw["status"]),
    )


class StripeEvents:
    """Stripe's webhook events (``{"id": "evt_...", "type": ..., "data": {"object": ...}}``) as payment events."""

    def parse(self, payload: bytes) -> PaymentEvent | None:
        """The payment event in a verified webhook body; None for a type Waiter does not act on. ``ValueError`` for
        a body that is not a Stripe event.

        >>> body = b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1",'
        >>> body += b' "object": "payment_intent", "amount": 1017, "currency": "eur", "metadata": {"orderId": "o1"}}}}'
        >>> StripeEvents().parse(body).kind.value
        'succeeded'
        """
        event = json.loads(payload)
        if not isinstance(event, dict):
            raise ValueError("a webhook event is a JSON object")
        kind = EVENT_KINDS.get(str(event.get("type")))
        if kind is None:
            return None
        obj = event["data"]["object"]
        metadata = obj.get("metadata") or {}
        if kind is PaymentEventKind.REFUNDED:  # a charge: its intent, and how much of it went back
            payment_id, amount = str(obj["payment_intent"]), int(obj["amount_refunded"])
        else:
            payment_id = str(obj["id"])
            amount = int(obj.get("amount_received") or obj["amount"])
        return PaymentEvent(
            event_id=str(event["id"]),
            kind=kind,
            payment_id=payment_id,
            order_id=str(metadata["orderId"]) if metadata.get("orderId") else None,
            amount=amount,
            currency=str(obj["currency"]),
        )
