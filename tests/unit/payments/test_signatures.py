"""The webhook signature check: valid vectors agree with stripe's own verifier; a tampered body, a wrong secret, a
stale or future timestamp and missing parts are refused; a rotated secret (several v1 values, several secrets)
verifies."""

from __future__ import annotations

import pytest
import stripe

from waiter.payments.signatures import TOLERANCE_S, SignatureInvalid, sign, signature_header, verify

NOW = 1_780_000_000
BODY = b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}}'
SECRET = "whsec_test_current"
OLD = "whsec_test_previous"


@pytest.mark.parametrize(
    ("secrets", "signed_with", "age"),
    [
        ([SECRET], [SECRET], 0),
        ([SECRET], [SECRET], TOLERANCE_S),
        ([SECRET], [OLD, SECRET], 10),  # the provider signs with both while the secret rotates
        ([SECRET, OLD], [OLD], 10),  # the endpoint still accepts the old secret
    ],
)
def test_a_valid_signature_verifies_and_stripe_agrees(secrets: list[str], signed_with: list[str], age: int) -> None:
    header = signature_header(BODY, signed_with, NOW - age)
    assert verify(BODY, header, secrets, now=NOW) == NOW - age
    # stripe's verifier checks one secret at a time: one of ours accepts what it accepts
    agreeing = [s for s in secrets if _stripe_accepts(header, s)]
    assert agreeing, "stripe's verifier accepts the same header with one of the secrets"


def _stripe_accepts(header: str, secret: str) -> bool:
    try:
        return bool(stripe.WebhookSignature.verify_header(BODY.decode(), header, secret, tolerance=None))
    except stripe.SignatureVerificationError:
        return False


def test_our_signature_is_the_one_stripe_computes() -> None:
    expected = stripe.WebhookSignature._compute_signature(f"{NOW}.{BODY.decode()}", SECRET)
    assert sign(BODY, SECRET, NOW) == expected


@pytest.mark.parametrize(
    ("payload", "header", "why"),
    [
        (BODY + b" ", signature_header(BODY, [SECRET], NOW), "tampered body"),
        (BODY, signature_header(BODY, ["whsec_wrong"], NOW), "wrong secret"),
        (BODY, signature_header(BODY, [SECRET], NOW - TOLERANCE_S - 1), "stale"),
        (BODY, signature_header(BODY, [SECRET], NOW + TOLERANCE_S + 1), "future"),
        (BODY, None, "no header"),
        (BODY, "", "empty header"),
        (BODY, f"v1={sign(BODY, SECRET, NOW)}", "no timestamp"),
        (BODY, f"t={NOW}", "no v1"),
        (BODY, f"t=soon,v1={sign(BODY, SECRET, NOW)}", "timestamp not a number"),
        (BODY, f"t={NOW},v0={sign(BODY, SECRET, NOW)}", "another scheme only"),
        (BODY, "garbage", "no key=value parts"),
    ],
)
def test_a_bad_signature_is_refused(payload: bytes, header: str | None, why: str) -> None:
    with pytest.raises(SignatureInvalid):
        verify(payload, header, [SECRET], now=NOW)


def test_stripe_would_accept_a_future_timestamp_that_ours_refuses() -> None:
    """Why the verifier is our own: stripe's accepts a signature from an hour in the future."""
    future = signature_header(BODY, [SECRET], NOW + 3600)
    assert _stripe_accepts(future, SECRET)
    with pytest.raises(SignatureInvalid):
        verify(BODY, future, [SECRET], now=NOW)


def test_no_secret_verifies_nothing() -> None:
    with pytest.raises(SignatureInvalid):
        verify(BODY, signature_header(BODY, [SECRET], NOW), [], now=NOW)
