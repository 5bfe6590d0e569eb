"""Forged and broken Cognito ID tokens for the authorizer tests.

moto signs the tokens of every user pool with one RSA key shipped inside its package (``kid: dummy``); signing with
it gives tokens the local pool's JWKS verifies, so each variant below is wrong in exactly one way. A deployed
stage's pool has its own keys: these tokens are only meaningful against the local gateway.
"""

from __future__ import annotations

import base64
import gzip
import importlib.resources
import json
import time
from collections.abc import Mapping
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@cache
def moto_signing_key() -> Any:
    """The private key moto signs Cognito tokens with (a JWK in ``moto/cognitoidp/resources``)."""
    resource = importlib.resources.files("moto.cognitoidp") / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(resource.read_bytes())))


def claims_of(token: str) -> dict[str, Any]:
    """A token's claims, unverified."""
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def sign(claims: Mapping[str, Any], *, key: Any = None, kid: str = "dummy") -> str:
    """``claims`` signed RS256 with moto's key (or ``key``), as moto would sign them."""
    signing_key = key if key is not None else moto_signing_key().key
    return jwt.encode(dict(claims), signing_key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims: Mapping[str, Any]) -> str:
    """An ``alg: none`` token: no signature at all."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "dummy"}).encode())
    return f"{header}.{_b64(json.dumps(dict(claims)).encode())}."


def tampered(token: str, **changes: Any) -> str:
    """``token`` with its payload changed and the original signature kept."""
    header, _, signature = token.split(".")
    payload = {**claims_of(token), **changes}
    return f"{header}.{_b64(json.dumps(payload).encode())}.{signature}"


def forged_variants(token: str) -> dict[str, str | None]:
    """Ways a valid ID token (``token``) can be wrong, each of which the authorizer must refuse (401), by name.
    ``None`` means no token at all."""
    claims = claims_of(token)
    now = int(time.time())
    pool_id = str(claims["iss"]).rsplit("/", 1)[-1]
    other_issuer = str(claims["iss"]).replace(pool_id, f"{pool_id.split('_', 1)[0]}_AnotherPool0")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "no token": None,
        "expired": sign({**claims, "iat": now - 7200, "auth_time": now - 7200, "exp": now - 3600}),
        "bad signature": sign(claims, key=stranger),
        "alg none": unsigned(claims),
        "another pool": sign({**claims, "iss": other_issuer}),
        "another client": sign({**claims, "aud": "0123456789abcdefghijklmnop"}),
        "tampered claims": tampered(token, **{"cognito:groups": ["admins"]}),
        "access token": sign({**claims, "token_use": "access", "client_id": claims["aud"]}),
        "garbage": "not-a-jwt",
    }
