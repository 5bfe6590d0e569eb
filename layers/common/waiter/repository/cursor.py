"""Opaque, tamper-proof pagination cursors.

A cursor wraps DynamoDB's ``LastEvaluatedKey`` and the query it belongs to, signed with HMAC-SHA256. Written by
hand because it is twenty lines and no maintained library does exactly this; what matters is that a forged,
garbled or foreign cursor is rejected as a 400, never trusted and never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from waiter.errors import ValidationFailed

_SIG_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(last_key: dict[str, Any], scope: str, secret: bytes) -> str:
    """Sign ``last_key`` for the query named by ``scope``.

    >>> c = encode_cursor({"PK": {"S": "a"}}, "q1", b"k")
    >>> decode_cursor(c, "q1", b"k")
    {'PK': {'S': 'a'}}
    """
    payload = json.dumps({"k": last_key, "s": scope}, separators=(",", ":"), sort_keys=True).encode()
    sig = hmac.new(secret, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    return f"{_b64(payload)}.{_b64(sig)}"


def decode_cursor(cursor: str, scope: str, secret: bytes) -> dict[str, Any]:
    """The ``LastEvaluatedKey`` inside ``cursor``; ValidationFailed when it is forged, garbled or from another query."""
    invalid = ValidationFailed.on("query.cursor", "is not a valid cursor for this listing")
    try:
        payload_b64, sig_b64 = cursor.split(".", 1)
        payload, sig = _unb64(payload_b64), _unb64(sig_b64)
    except (ValueError, binascii.Error):
        raise invalid from None
    expected = hmac.new(secret, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    if not hmac.compare_digest(sig, expected):
        raise invalid
    try:
        body = json.loads(payload)
    except ValueError:
        raise invalid from None
    if not isinstance(body, dict) or body.get("s") != scope or not isinstance(body.get("k"), dict):
        raise invalid
    key: dict[str, Any] = body["k"]
    return key
