"""What the payment routes answer."""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from waiter.model_base import WireModel


class PaymentView(WireModel):
    """What a client needs to pay an order: the provider's intent id and client secret (for its card element), the
    amount in minor units of ``currency`` (exactly the order's total) and the intent's status at the provider."""

    payment_id: str
    client_secret: str
    amount: int
    currency: str
    status: str


class WebhookReceipt(WireModel):
    """The webhook's answer to the provider: the event was verified and queued (or is one Waiter ignores)."""

    received: bool = True
