"""Calling the GraphQL function as API Gateway does, with real Cognito-shaped ID tokens: signed by a key whose JWKS
the layer's verifier is pointed at (no network), so the function makes the same checks it makes in the cloud."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from local import samples
from tests.handlers.api import Claims
from tests.support import call
from waiter import compose
from waiter.accounts.id_tokens import issuer_url
from waiter.settings import get_settings

POOL = "us-east-1_graphql"
CLIENT = "graphql-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
FORGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
GRAPHQL_RESPONSE = "application/graphql-response+json"
_IDENTITY = {"sourceIp": "127.0.0.1", "userAgent": "pytest"}


def _jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}


def token(claims: Claims, *, key: Any = KEY, **overrides: Any) -> str:
    """An ID token for the claims the REST tests give the Cognito authorizer (groups as a list, as Cognito
    issues them)."""
    groups = claims.get("cognito:groups", "").strip("[]").replace(",", " ").split()
    body = {
        **claims,
        "cognito:groups": groups,
        "iss": issuer_url("us-east-1", POOL),
        "aud": CLIENT,
        "token_use": "id",
        "exp": int(time.time()) + 600,
        **overrides,
    }
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
def id_tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The function's verifier trusts ``KEY`` for pool ``POOL`` and client ``CLIENT``."""
    monkeypatch.setenv("USER_POOL_ID", POOL)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", CLIENT)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", lambda self: _jwks())  # noqa: ARG005
    get_settings.cache_clear()
    compose.id_token_verifier.cache_clear()
    yield
    compose.id_token_verifier.cache_clear()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


def graphql(
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    claims: Claims | None = None,
    bearer: str | None = None,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    operation_name: str | None = None,
) -> Answer:
    """One request to the GraphQL function; ``claims`` become a signed ID token (``bearer`` sends one as is)."""
    sent = {"Content-Type": "application/json", "Accept": GRAPHQL_RESPONSE, **(headers or {})}
    if claims is not None:
        sent["Authorization"] = f"Bearer {token(claims)}"
    if bearer is not None:
        sent["Authorization"] = f"Bearer {bearer}"
    params: dict[str, Any] = {"query": query}
    if variables is not None:
        params["variables"] = variables
    if operation_name is not None:
        params["operationName"] = operation_name
    if method == "GET":
        query_string = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
        event = samples.proxy_event(
            "GET", "/v1/graphql", None, path="/v1/graphql", query=query_string, headers=sent, identity=_IDENTITY
        )
    else:
        text = body if body is not None else json.dumps(params)
        event = samples.proxy_event(
            "POST", "/v1/graphql", None, path="/v1/graphql", body=text, headers=sent, identity=_IDENTITY
        )
    status, got_headers, decoded = call("graphql", event)
    return Answer(status, got_headers, decoded)
