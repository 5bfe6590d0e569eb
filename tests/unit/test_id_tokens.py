"""The layer's Cognito ID-token verifier makes the checks API Gateway's Cognito authorizer makes: the signature by a
key of the pool's JWKS, expiry, issuer, audience (the app client) and ``token_use``; the JWKS is read once."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from waiter.accounts.id_tokens import IdTokenVerifier, issuer_url
from waiter.errors import Unauthorized

POOL = "us-east-1_pool"
CLIENT = "client-1"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
FORGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}


def _token(key: Any = KEY, kid: str = "k1", algorithm: str = "RS256", **overrides: Any) -> str:
    claims = {
        "sub": "u1",
        "iss": issuer_url("us-east-1", POOL),
        "aud": CLIENT,
        "token_use": "id",
        "exp": int(time.time()) + 600,
        "cognito:groups": ["customers"],
        **overrides,
    }
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm, headers={"kid": kid}
    )


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> tuple[IdTokenVerifier, list[str]]:
    fetched: list[str] = []

    def fetch(self: jwt.PyJWKClient) -> Any:
        fetched.append(self.uri)
        return _jwks()

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fetch)
    return IdTokenVerifier(pool_id=POOL, client_ids=(CLIENT,), region="us-east-1"), fetched


def test_a_valid_id_token_gives_its_claims_and_the_keys_are_fetched_once(
    verifier: tuple[IdTokenVerifier, list[str]],
) -> None:
    check, fetched = verifier

    claims = check.verify(_token())
    check.verify(_token(sub="u2"))

    assert claims["sub"] == "u1"
    assert fetched == [f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}/.well-known/jwks.json"]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_token(exp=int(time.time()) - 60), id="expired"),
        pytest.param(_token(key=FORGER), id="forged signature"),
        pytest.param(_token(kid="unknown"), id="unknown key"),
        pytest.param(_token(iss="https://cognito-idp.us-east-1.amazonaws.com/other"), id="another pool"),
        pytest.param(_token(aud="another-client"), id="another app client"),
        pytest.param(_token(token_use="access"), id="an access token"),
        pytest.param(_token(exp=None), id="no expiry"),
        pytest.param(jwt.encode({"sub": "u1"}, "secret-key-of-32-bytes-or-more!!", algorithm="HS256"), id="HS256"),
        pytest.param("not-a-jwt", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_a_token_failing_any_check_is_unauthorized(verifier: tuple[IdTokenVerifier, list[str]], token: str) -> None:
    with pytest.raises(Unauthorized):
        verifier[0].verify(token)


def test_the_jwks_url_can_point_at_the_local_identity_provider() -> None:
    env = {"AWS_REGION": "eu-west-1", "COGNITO_JWKS_URL": "http://127.0.0.1:5000/p/.well-known/jwks.json"}
    check = IdTokenVerifier.from_env("eu-west-1_p", "c", env)
    assert (check.jwks_url, check.issuer) == (
        env["COGNITO_JWKS_URL"],
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_p",
    )
