"""API Gateway's authorizers, run by the local gateway before the integration, answering as API Gateway answers.

``CognitoAuthorizer`` (a ``COGNITO_USER_POOLS`` authorizer) verifies the ID token in the identity header against
the pool: RS256 signature with the pool's JWKS (fetched once from moto and cached, so a request costs one
signature check, about 0.2 ms, and no network; a token already verified costs a look-up and an expiry check),
expiry, issuer, ``token_use`` and the app client. The claims reach the function as API Gateway REST hands them
over: ``requestContext.authorizer.claims``, every value a string.

``LambdaAuthorizer`` (TOKEN or REQUEST) invokes the authorizer function in-process through the runtime, with its
own environment, and caches the returned policy per identity-source values for ``ReauthorizeEvery`` seconds, as
API Gateway does; the cached policy is evaluated against each request's method ARN. ``Exception("Unauthorized")``
is a 401, an explicit Deny a 403, a policy that does not allow the method a 403, anything else (another error, a
malformed answer, a timeout) a 500 ``{"message": null}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

import jwt

from local.gateway import events
from local.gateway.functions import LambdaFunction
from local.gateway.intrinsics import ACCOUNT_ID, REGION
from local.gateway.pipeline import Answer, Exchange
from local.gateway.runtime import Raised, Returned, Runtime, TimedOut

log = logging.getLogger("local.gateway")

AUTHORIZER_LIMIT_S = 29.0  # API Gateway waits no longer for an authorizer than for an integration
DEFAULT_TTL_S = 300  # SAM's default ReauthorizeEvery
CLOCK_SKEW_S = 2  # leeway on exp: a token is refused at most this long after it expired
_CLIENT_REFRESH_S = 1.0  # how often an unknown app client id may make the authorizer re-read the pool's clients
_ACCEPTED_TOKENS = 4096  # verified tokens remembered (until they expire), so a repeat costs a dict look-up
_CLAIM_TIME = "%a %b %d %H:%M:%S UTC %Y"  # how API Gateway REST renders exp and iat: "Thu Jan 15 12:00:00 UTC 2026"


class Authorizer(Protocol):
    """An authorizer of some routes: lets the request through (having filled ``exchange.authorizer``), or answers."""

    async def __call__(self, exchange: Exchange) -> Answer | None: ...


def method_arn(exchange: Exchange, api_id: str, stage: str) -> str:
    """``arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>``, the resource a policy allows."""
    path = unquote(exchange.request.path).lstrip("/")
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{api_id}/{stage}/{exchange.request.method}/{path}"


# ---- Cognito user pools -----------------------------------------------------------------------------------------


@dataclass
class CognitoAuthorizer:
    """A ``COGNITO_USER_POOLS`` authorizer over the pools ``pool_ids`` (moto's, at ``endpoint_url``).

    Like API Gateway, it takes the token from the identity header (bare or after ``Bearer``), and accepts an ID
    token of any app client of the pool; with ``scopes`` (the event's ``AuthorizationScopes``) it wants an access
    token carrying one of them instead.
    """

    pool_ids: Sequence[str]
    endpoint_url: str
    header: str = "Authorization"
    validation_expression: str | None = None
    scopes: tuple[str, ...] = ()
    _keys: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _clients: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)
    _clients_read_at: float = field(default=0.0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _accepted: dict[str, tuple[float, dict[str, str]]] = field(default_factory=dict, init=False, repr=False)

    @property
    def issuers(self) -> dict[str, str]:
        """The ``iss`` of each pool's tokens (the real AWS issuer URL, which moto uses too), by issuer."""
        return {f"https://cognito-idp.{REGION}.amazonaws.com/{pool}": pool for pool in self.pool_ids}

    def load(self) -> None:
        """Read the pools' signing keys and app clients from moto (once; the gateway calls it before serving)."""
        with self._lock:
            for pool in self.pool_ids:
                url = f"{self.endpoint_url}/{pool}/.well-known/jwks.json"
                with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - moto on loopback
                    jwks = json.load(answer)
                for key in jwt.PyJWKSet.from_dict(jwks).keys:
                    if key.key_id:
                        self._keys[key.key_id] = key
            self._read_clients()

    def for_scopes(self, scopes: Iterable[str]) -> CognitoAuthorizer:
        """The same authorizer for a route with ``AuthorizationScopes`` (sharing keys and clients)."""
        wanted = tuple(scopes)
        if wanted == self.scopes:
            return self
        twin = CognitoAuthorizer(self.pool_ids, self.endpoint_url, self.header, self.validation_expression, wanted)
        twin._keys, twin._clients, twin._lock = self._keys, self._clients, self._lock
        return twin

    async def __call__(self, exchange: Exchange) -> Answer | None:
        token = _bearer(exchange.request.header(self.header))
        if not token:
            return events.UNAUTHORIZED
        if self.validation_expression and not re.fullmatch(self.validation_expression, token):
            return events.UNAUTHORIZED
        accepted = self._accepted.get(token)  # a token seen before: no signature check, only its expiry
        if accepted is not None and accepted[0] + CLOCK_SKEW_S >= time.time():
            exchange.authorizer = {"claims": accepted[1]}
            return None
        claims = self.verify(token)
        if claims is None:
            return events.UNAUTHORIZED
        if not self._known_client(claims):
            refreshed = await asyncio.to_thread(self._refresh_clients)  # an app client created after start?
            if not (refreshed and self._known_client(claims)):
                return events.UNAUTHORIZED
        converted = rest_claims(claims)
        if len(self._accepted) >= _ACCEPTED_TOKENS:
            self._accepted.clear()
        self._accepted[token] = (float(claims["exp"]), converted)
        exchange.authorizer = {"claims": converted}
        return None

    def verify(self, token: str) -> dict[str, Any] | None:
        """The token's claims if it is a valid token of one of the pools for this route (app client aside)."""
        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.get(str(header.get("kid")))
            if key is None or header.get("alg") != "RS256":
                return None
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                leeway=CLOCK_SKEW_S,
                options={"require": ["exp", "iss", "token_use", "sub"], "verify_aud": False},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("iss") not in self.issuers:
            return None
        if self.scopes:
            granted = set(str(claims.get("scope", "")).split())
            return claims if claims.get("token_use") == "access" and granted & set(self.scopes) else None
        return claims if claims.get("token_use") == "id" else None

    def _known_client(self, claims: Mapping[str, Any]) -> bool:
        pool = self.issuers[str(claims["iss"])]
        client = claims.get("client_id") if self.scopes else claims.get("aud")
        return isinstance(client, str) and client in self._clients.get(pool, frozenset())

    def _refresh_clients(self) -> bool:
        """Re-read the app clients (one created after start); False when they were read a moment ago."""
        with self._lock:
            if time.monotonic() - self._clients_read_at < _CLIENT_REFRESH_S:
                return False
            self._read_clients()
            return True

    def _read_clients(self) -> None:
        cognito = _cognito(self.endpoint_url)
        for pool in self.pool_ids:
            pages = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool)
            self._clients[pool] = frozenset(c["ClientId"] for page in pages for c in page["UserPoolClients"])
        self._clients_read_at = time.monotonic()


def _bearer(value: str | None) -> str:
    """The token of an ``Authorization`` value: bare, or after the ``Bearer`` scheme.

    >>> _bearer("Bearer abc"), _bearer("abc"), _bearer(None)
    ('abc', 'abc', '')
    """
    value = (value or "").strip()
    scheme, _, rest = value.partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else value


def rest_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway REST puts them into ``requestContext.authorizer.claims``: every value a string,
    ``exp`` and ``iat`` as dates, lists joined with commas, booleans in lower case.

    >>> rest_claims({"sub": "u1", "exp": 0, "cognito:groups": ["staff", "admins"], "email_verified": True})
    {'sub': 'u1', 'exp': 'Thu Jan 01 00:00:00 UTC 1970', 'cognito:groups': 'staff,admins', 'email_verified': 'true'}
    """
    converted = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, int | float):
            converted[name] = time.strftime(_CLAIM_TIME, time.gmtime(value))
        elif isinstance(value, list | tuple):
            converted[name] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            converted[name] = str(value).lower()
        else:
            converted[name] = str(value)
    return converted


def _cognito(endpoint_url: str) -> Any:
    from local.gateway.resources import aws_client

    return aws_client("cognito-idp", endpoint_url)


# ---- Lambda authorizers -----------------------------------------------------------------------------------------


class MalformedPolicyError(ValueError):
    """The authorizer's answer is not what API Gateway accepts (a 500 AuthorizerConfigurationException)."""


@dataclass(frozen=True)
class Statement:
    effect: str  # Allow | Deny
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def covers(self, arn: str) -> bool:
        return any(_glob(a, "execute-api:Invoke", fold=True) for a in self.actions) and any(
            _glob(r, arn) for r in self.resources
        )


@dataclass(frozen=True)
class Policy:
    """What a Lambda authorizer returned, checked: its principal, statements, context and usage identifier."""

    principal_id: str
    statements: tuple[Statement, ...]
    context: dict[str, str]
    usage_identifier: str | None

    @classmethod
    def parse(cls, answer: Any) -> Policy:
        """The policy in a Lambda authorizer's return value; MalformedPolicyError when API Gateway would refuse it.

        >>> p = Policy.parse({"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:a/s/*/*"}]},
        ...     "context": {"n": 1, "ok": True}})
        >>> p.decide("arn:aws:execute-api:us-east-1:1:a/s/GET/x"), p.context
        ('allow', {'n': '1', 'ok': 'true'})
        """
        if not isinstance(answer, Mapping):
            raise MalformedPolicyError("the authorizer did not return an object")
        principal = answer.get("principalId")
        if not isinstance(principal, str | int) or isinstance(principal, bool) or principal == "":
            raise MalformedPolicyError("principalId is missing")
        document = answer.get("policyDocument")
        if not isinstance(document, Mapping):
            raise MalformedPolicyError("policyDocument is missing")
        raw = document.get("Statement")
        raw_statements = [raw] if isinstance(raw, Mapping) else raw
        if not isinstance(raw_statements, list) or not raw_statements:
            raise MalformedPolicyError("policyDocument has no Statement")
        context = answer.get("context") or {}
        if not isinstance(context, Mapping) or any(
            not isinstance(v, str | int | float | bool) or v is None for v in context.values()
        ):
            raise MalformedPolicyError("context values must be strings, numbers or booleans")
        usage = answer.get("usageIdentifierKey")
        if usage is not None and not isinstance(usage, str):
            raise MalformedPolicyError("usageIdentifierKey must be a string")
        return cls(
            principal_id=str(principal),
            statements=tuple(_statement(s) for s in raw_statements),
            context={str(k): _context_text(v) for k, v in context.items()},
            usage_identifier=usage,
        )

    def decide(self, arn: str) -> str:
        """``deny`` when a Deny statement covers ``arn``, else ``allow`` when an Allow does, else ``none``."""
        covering = [s.effect for s in self.statements if s.covers(arn)]
        if "Deny" in covering:
            return "deny"
        return "allow" if "Allow" in covering else "none"


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, Mapping):
        raise MalformedPolicyError("a Statement is not an object")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyError(f"Effect {effect!r} is neither Allow nor Deny")
    return Statement(str(effect), _strings(raw.get("Action"), "Action"), _strings(raw.get("Resource"), "Resource"))


def _strings(value: Any, name: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise MalformedPolicyError(f"{name} must be a string or a list of strings")
    return tuple(values)


def _context_text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _glob(pattern: str, text: str, *, fold: bool = False) -> bool:
    """IAM wildcard matching: ``*`` any run of characters (``/`` and ``:`` included), ``?`` one character.

    >>> _glob("arn:aws:execute-api:*:*:api/dev/*/v1/partner/*", "arn:aws:execute-api:r:1:api/dev/GET/v1/partner/o")
    True
    >>> _glob("arn:aws:execute-api:*:*:api/dev/GET/v1/me", "arn:aws:execute-api:r:1:api/dev/POST/v1/me")
    False
    """
    return _glob_pattern(pattern, fold).fullmatch(text) is not None


@cache
def _glob_pattern(pattern: str, fold: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if fold else 0))


@dataclass(frozen=True)
class IdentitySources:
    """Where a Lambda authorizer's identity comes from; all must be present, or the answer is 401 uncalled."""

    headers: tuple[str, ...] = ()
    query_strings: tuple[str, ...] = ()
    stage_variables: tuple[str, ...] = ()

    @property
    def declared(self) -> bool:
        return bool(self.headers or self.query_strings or self.stage_variables)

    def values(self, exchange: Exchange) -> tuple[str, ...] | None:
        """The identity (the cache key), or None when a source is missing or empty (the local stage has no stage
        variables, so a stage-variable source is always missing)."""
        if self.stage_variables:
            return None
        query = dict(parse_qsl(exchange.request.query_string, keep_blank_values=True))
        found = [exchange.request.header(h) for h in self.headers] + [query.get(q) for q in self.query_strings]
        present = tuple(v for v in found if v)
        return present if len(present) == len(found) else None


@dataclass
class LambdaAuthorizer:
    """A Lambda authorizer (``FunctionPayloadType`` TOKEN or REQUEST) with API Gateway's result cache."""

    name: str
    function: LambdaFunction
    runtime: Runtime
    payload_type: str  # TOKEN | REQUEST
    sources: IdentitySources
    ttl_s: int = DEFAULT_TTL_S
    validation_expression: str | None = None  # TOKEN only
    api_id: str = "local"
    stage: str = "local"
    clock: Any = time.monotonic
    _cache: dict[tuple[str, ...], tuple[float, Policy]] = field(default_factory=dict, init=False, repr=False)

    async def __call__(self, exchange: Exchange) -> Answer | None:
        identity = self.sources.values(exchange) if self.sources.declared else ()
        if identity is None:
            return events.UNAUTHORIZED
        if self.validation_expression and not re.fullmatch(self.validation_expression, identity[0]):
            return events.UNAUTHORIZED
        arn = method_arn(exchange, self.api_id, self.stage)
        started = time.perf_counter()
        cached = self._cache.get(identity) if self.ttl_s > 0 else None
        if cached is not None and cached[0] > self.clock():
            policy = cached[1]
        else:
            answer = await self._invoke(exchange, arn, identity)
            if not isinstance(answer, Policy):
                return answer
            policy = answer
            if self.ttl_s > 0:
                self._remember(identity, policy)
        decision = policy.decide(arn)
        if decision == "deny":
            return events.EXPLICITLY_DENIED
        if decision == "none":
            return events.ACCESS_DENIED
        latency_ms = round((time.perf_counter() - started) * 1000)
        exchange.authorizer = {**policy.context, "principalId": policy.principal_id, "integrationLatency": latency_ms}
        exchange.usage_identifier = policy.usage_identifier
        return None

    async def _invoke(self, exchange: Exchange, arn: str, identity: tuple[str, ...]) -> Policy | Answer:
        event = self._event(exchange, arn, identity)
        outcome = await self.runtime.invoke(self.function, event, limit_s=AUTHORIZER_LIMIT_S)
        match outcome:
            case Returned(value):
                try:
                    return Policy.parse(value)
                except MalformedPolicyError as error:
                    log.error("authorizer %s returned a malformed policy: %s", self.name, error)
                    return events.AUTHORIZER_CONFIGURATION_ERROR
            case Raised(error, trace):
                if str(error) == "Unauthorized":
                    return events.UNAUTHORIZED
                log.error("authorizer %s failed: %r\n%s", self.name, error, trace.rstrip())
                return events.AUTHORIZER_CONFIGURATION_ERROR
            case TimedOut():
                log.error("authorizer %s timed out", self.name)
                return events.AUTHORIZER_CONFIGURATION_ERROR

    def _event(self, exchange: Exchange, arn: str, identity: tuple[str, ...]) -> dict[str, Any]:
        if self.payload_type == "TOKEN":
            return {"type": "TOKEN", "authorizationToken": identity[0], "methodArn": arn}
        proxy = events.rest_event(
            exchange.request,
            resource=exchange.route.resource,
            path_parameters=exchange.match.path_parameters,
            stage=self.stage,
            request_id=exchange.request_id,
            api_id=self.api_id,
        )
        proxy.pop("body")
        proxy.pop("isBase64Encoded")
        return {"type": "REQUEST", "methodArn": arn, **proxy, "pathParameters": proxy["pathParameters"] or {}}

    def _remember(self, identity: tuple[str, ...], policy: Policy) -> None:
        now = self.clock()
        if len(self._cache) > 10_000:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[identity] = (now + self.ttl_s, policy)
