"""Pagination cursors are opaque and tamper-proof: only a cursor this service signed, for this very listing,
is accepted; anything else is a 400 naming ``query.cursor``, never a 500 and never trusted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waiter.errors import ValidationFailed
from waiter.repository.cursor import decode_cursor, encode_cursor

SECRET = b"unit-test-secret"
SCOPE = "LIST#berlin#*"
KEY = {"PK": {"S": "LIST#berlin#*"}, "SK": {"S": "pizza roma#r1"}}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(payload: bytes, secret: bytes = SECRET) -> str:
    """A cursor signed like the real ones, around any payload."""
    return f"{_b64(payload)}.{_b64(hmac.new(secret, payload, hashlib.sha256).digest()[:16])}"


def _rejected(cursor: str, scope: str = SCOPE, secret: bytes = SECRET) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(cursor, scope, secret)
    assert [e.field for e in raised.value.errors] == ["query.cursor"]
    assert raised.value.status == 400
    return raised.value


def test_a_cursor_round_trips_its_key() -> None:
    cursor = encode_cursor(KEY, SCOPE, SECRET)

    assert decode_cursor(cursor, SCOPE, SECRET) == KEY


def test_a_cursor_is_url_safe_and_does_not_show_the_secret() -> None:
    cursor = encode_cursor(KEY, SCOPE, SECRET)

    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert "=" not in cursor
    assert SECRET.decode() not in cursor


def test_a_tampered_payload_is_rejected() -> None:
    _, sig = encode_cursor(KEY, SCOPE, SECRET).split(".")
    forged_key = {"PK": {"S": "LIST#berlin#*"}, "SK": {"S": "zzz#r9"}}
    forged_payload = json.dumps({"k": forged_key, "s": SCOPE}, separators=(",", ":"), sort_keys=True).encode()

    _rejected(f"{_b64(forged_payload)}.{sig}")


def test_a_tampered_signature_is_rejected() -> None:
    payload, sig = encode_cursor(KEY, SCOPE, SECRET).split(".")
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]

    _rejected(f"{payload}.{flipped}")
    _rejected(f"{payload}.")
    _rejected(payload)


def test_a_cursor_signed_with_another_secret_is_rejected() -> None:
    _rejected(encode_cursor(KEY, SCOPE, b"someone-elses-secret"))


def test_a_cursor_from_another_listing_is_rejected() -> None:
    cursor = encode_cursor(KEY, "LIST#paris#*", SECRET)

    _rejected(cursor, scope=SCOPE)
    assert decode_cursor(cursor, "LIST#paris#*", SECRET) == KEY


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b"[1, 2]", id="not-an-object"),
        pytest.param(json.dumps({"s": SCOPE}).encode(), id="no-key"),
        pytest.param(json.dumps({"k": "PK", "s": SCOPE}).encode(), id="key-not-an-object"),
        pytest.param(json.dumps({"k": KEY}).encode(), id="no-scope"),
    ],
)
def test_a_correctly_signed_but_malformed_payload_is_rejected(payload: bytes) -> None:
    _rejected(_signed(payload))


@pytest.mark.parametrize("garbage", ["", ".", "..", "a.b.c", "%%%.%%%", "é.é", "abc", " ", "\x00.\x00", "A" * 2048])
def test_garbage_is_rejected(garbage: str) -> None:
    _rejected(garbage)


@given(st.text(max_size=300))
def test_any_string_is_rejected_with_validation_failed_and_nothing_else(text: str) -> None:
    # pytest.raises fails on any other exception, and when nothing is raised (a forged cursor accepted)
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(text, SCOPE, SECRET)
    assert [e.field for e in raised.value.errors] == ["query.cursor"]


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=", max_size=300))
def test_any_base64_looking_string_is_rejected_with_validation_failed(text: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_cursor(text, SCOPE, SECRET)


json_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())
attribute_values: Any = st.dictionaries(st.sampled_from(["S", "N", "BOOL"]), json_scalars, min_size=1, max_size=1)


@given(st.dictionaries(st.text(min_size=1, max_size=20), attribute_values, max_size=4), st.text(max_size=40))
def test_any_key_round_trips_within_its_scope(key: dict[str, Any], scope: str) -> None:
    cursor = encode_cursor(key, scope, SECRET)

    assert decode_cursor(cursor, scope, SECRET) == key
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, scope + "x", SECRET)
