"""Verifying Cognito ID tokens inside a function: the Lambda authorizers that API Gateway cannot hand a
``COGNITO_USER_POOLS`` authorizer to (the WebSocket API's ``$connect``, where the token travels as a query
parameter) check a token here, exactly as the REST API's Cognito authorizer does.

The checks: an RS256 signature by a key of the pool's JWKS, ``exp`` (with a little leeway for clock skew), ``iss``
(the pool's issuer URL), ``aud`` (one of the pool's app clients) and ``token_use`` = ``id``. PyJWT does the
cryptography; its ``PyJWKClient`` fetches the JWKS once and caches it, re-reading it only for an unknown key id
(a rotated key). PyJWT is imported on first use only: it costs ~70 ms with its crypto backend (FACTS.md), which
only the functions that verify tokens should pay.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from waiter.errors import Unauthorized

if TYPE_CHECKING:
    from jwt import PyJWKClient

CLOCK_SKEW_S = 2  # the same leeway on exp as the local REST authorizer's (local/gateway/authorizers.py)
JWKS_CACHE_S = 3600  # how long fetched keys are trusted before the JWKS is read again


def issuer_url(region: str, pool_id: str) -> str:
    """The ``iss`` of a pool's tokens (moto uses the real AWS URL too).

    >>> issuer_url("eu-west-1", "eu-west-1_abc")
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc'
    """
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


@dataclass
class IdTokenVerifier:
    """Verifies ID tokens of one user pool issued to ``client_ids``; ``jwks_url`` defaults to the pool's own.

    >>> v = IdTokenVerifier(pool_id="eu-west-1_abc", client_ids=("c1",), region="eu-west-1")
    >>> v.jwks_url
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json'
    """

    pool_id: str
    client_ids: Collection[str]
    region: str
    jwks_url: str = ""
    _client: PyJWKClient | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.jwks_url:
            self.jwks_url = f"{self.issuer}/.well-known/jwks.json"

    @classmethod
    def from_env(cls, pool_id: str, client_id: str, env: dict[str, str] | None = None) -> IdTokenVerifier:
        """The verifier for the function's pool. ``COGNITO_JWKS_URL`` points it elsewhere (the local gateway
        serves moto's JWKS); the region is the function's own."""
        env = dict(os.environ) if env is None else env
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        return cls(pool_id=pool_id, client_ids=(client_id,), region=region, jwks_url=env.get("COGNITO_JWKS_URL", ""))

    @property
    def issuer(self) -> str:
        return issuer_url(self.region, self.pool_id)

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid ID token; ``Unauthorized`` (never saying which check failed) otherwise."""
        import jwt  # noqa: PLC0415 - ~70 ms: only the functions that verify tokens load it

        if not token or not self.client_ids:
            raise Unauthorized("a valid ID token is required")
        try:
            if jwt.get_unverified_header(token).get("alg") != "RS256":
                raise Unauthorized("a valid ID token is required")
            key = self._keys().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=list(self.client_ids),
                issuer=self.issuer,
                leeway=CLOCK_SKEW_S,
                options={"require": ["exp", "iss", "aud", "sub", "token_use"]},
            )
        except (jwt.PyJWTError, ValueError):
            raise Unauthorized("a valid ID token is required") from None
        if claims.get("token_use") != "id":
            raise Unauthorized("a valid ID token is required")
        return claims

    def _keys(self) -> PyJWKClient:
        if self._client is None:
            from jwt import PyJWKClient  # noqa: PLC0415

            self._client = PyJWKClient(self.jwks_url, cache_keys=True, lifespan=JWKS_CACHE_S, timeout=5)
        return self._client
