"""Webhook signatures (``Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>...]``): HMAC-SHA256, keyed with the
whole endpoint secret, over ``f"{t}.{raw body}"``.

Hand-written rather than ``stripe.WebhookSignature.verify_header`` on purpose: stripe's verifier accepts timestamps
in the future and, with its default tolerance, signatures of any age (a captured request could be replayed
forever), and importing the package costs the webhook function 100-240 ms at its cold start. This one compares in
constant time, holds the timestamp to ``tolerance_s`` on both sides and takes several secrets, so an endpoint
secret can be rotated while the old one still signs. tests/unit/payments/test_signatures.py proves it agrees with
stripe's verifier on valid signatures.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

TOLERANCE_S = 300
SCHEME = "v1"


class SignatureInvalid(ValueError):
    """The signature header is missing, malformed, stale, from the future or matches no secret."""


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``v1`` signature of ``payload`` at ``timestamp`` (what the provider computes).

    >>> sign(b"{}", "whsec_test", 1700000000)[:16]
    '35495024f4ef3f94'
    """
    message = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(payload: bytes, secrets: Sequence[str], timestamp: int) -> str:
    """A ``Stripe-Signature`` header signing ``payload`` with each of ``secrets`` (the local provider's)."""
    return ",".join([f"t={timestamp}", *(f"{SCHEME}={sign(payload, s, timestamp)}" for s in secrets)])


def verify(
    payload: bytes, header: str | None, secrets: Sequence[str], *, now: float, tolerance_s: int = TOLERANCE_S
) -> int:
    """The header's timestamp when one of its ``v1`` signatures is ``payload``'s under one of ``secrets`` and the
    timestamp is within ``tolerance_s`` of ``now`` (either side); ``SignatureInvalid`` otherwise.

    >>> header = signature_header(b"{}", ["whsec_test"], 1700000000)
    >>> verify(b"{}", header, ["whsec_new", "whsec_test"], now=1700000100)
    1700000000
    >>> verify(b"{}", header, ["whsec_test"], now=1700000301)
    Traceback (most recent call last):
    ...
    waiter.payments.signatures.SignatureInvalid: the signature's timestamp is outside the tolerance
    """
    if not header:
        raise SignatureInvalid("the Stripe-Signature header is missing")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if not value.isdigit():
                raise SignatureInvalid("the signature's timestamp is not a number")
            timestamp = int(value)
        elif key == SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise SignatureInvalid("the signature has no timestamp")
    if not signatures:
        raise SignatureInvalid(f"the signature has no {SCHEME} value")
    if abs(now - timestamp) > tolerance_s:
        raise SignatureInvalid("the signature's timestamp is outside the tolerance")
    expected = [sign(payload, secret, timestamp) for secret in secrets if secret]
    # every comparison is made (no early exit), each in constant time
    matched = [hmac.compare_digest(e, s) for e in expected for s in signatures]
    if not any(matched):
        raise SignatureInvalid("no signature matches the payload")
    return timestamp
