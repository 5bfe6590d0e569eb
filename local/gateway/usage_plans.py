"""API keys and usage plans, as API Gateway enforces them on methods with ``ApiKeyRequired``.

The usage identifier is the ``X-Api-Key`` header (``ApiKeySourceType: HEADER``) or what the Lambda authorizer
returned as ``usageIdentifierKey`` (``AUTHORIZER``). It must be the value of an enabled API key attached to one of
the API's usage plans in moto (where code registers keys with ``create_api_key`` + ``create_usage_plan_key``),
else the answer is 403 ``{"message":"Forbidden"}``. Each key then gets the plan's token bucket (``rateLimit`` per
second, ``burstLimit`` deep; empty: 429 "Too Many Requests") and its quota per period (used up: 429 "Limit
Exceeded"); requests refused by either do not count. Counters live in memory, from the gateway's start.

The keys are read from moto through its API and kept for a second (``KeyRegistry``): a request costs no lookup
in the common case, a key registered a moment ago is found at once (an unknown identifier triggers a re-read), and
a deleted key stops working within a second (in API Gateway, a deleted key takes a few seconds to stop working).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from local.gateway import events
from local.gateway.pipeline import Answer, Exchange

REGISTRY_TTL_S = 1.0  # how long the set of registered keys is trusted


@dataclass(frozen=True)
class PlanLimits:
    """A usage plan's throttle and quota (None: not limited).

    >>> PlanLimits.from_properties({"Throttle": {"RateLimit": "1", "BurstLimit": "2"}, "Quota": {"Limit": "5",
    ...     "Period": "DAY"}})
    PlanLimits(rate=1.0, burst=2, quota=5, period='DAY')
    """

    rate: float | None = None
    burst: int | None = None
    quota: int | None = None
    period: str = "DAY"

    @classmethod
    def from_properties(cls, props: Mapping[str, Any]) -> PlanLimits:
        """From an ``AWS::ApiGateway::UsagePlan``'s resolved properties (numbers may be parameter strings)."""
        throttle, quota = props.get("Throttle") or {}, props.get("Quota") or {}
        return cls(
            rate=float(throttle["RateLimit"]) if "RateLimit" in throttle else None,
            burst=int(throttle["BurstLimit"]) if "BurstLimit" in throttle else None,
            quota=int(quota["Limit"]) if "Limit" in quota else None,
            period=str(quota.get("Period", "DAY")).upper(),
        )


@dataclass
class TokenBucket:
    """``rate`` tokens per second up to ``capacity``; starts full.

    >>> bucket = TokenBucket(rate=1, capacity=2, now=0.0)
    >>> [bucket.take(0.0), bucket.take(0.0), bucket.take(0.5), bucket.take(1.0)]
    [True, True, False, True]
    """

    rate: float
    capacity: float
    now: float
    tokens: float = -1.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.now) * self.rate)
        self.now = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def quota_period(period: str, at: datetime) -> str:
    """The quota window ``at`` falls in (UTC days, ISO weeks, months).

    >>> quota_period("DAY", datetime(2026, 1, 15, 23, 59, tzinfo=UTC)), quota_period("WEEK", datetime(2026, 1, 15))
    ('2026-01-15', '2026-W03')
    """
    if period == "WEEK":
        year, week, _ = at.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "MONTH":
        return f"{at:%Y-%m}"
    return f"{at:%Y-%m-%d}"


@dataclass(frozen=True)
class RegisteredKey:
    key_id: str
    plan_id: str


class KeyLookup(Protocol):
    async def find(self, identifier: str) -> RegisteredKey | None: ...


@dataclass
class KeyRegistry:
    """The enabled API keys on the given usage plans, by value, read from moto (see the module docstring)."""

    client: Any  # a boto3 apigateway client
    plan_ids: tuple[str, ...]
    _keys: dict[str, RegisteredKey] = field(default_factory=dict, init=False)
    _read_at: float = field(default=float("-inf"), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    async def find(self, identifier: str) -> RegisteredKey | None:
        known = self._keys.get(identifier)
        if known is None or time.monotonic() - self._read_at > REGISTRY_TTL_S:
            await asyncio.to_thread(self.read)
            known = self._keys.get(identifier)
        return known

    def read(self) -> None:
        with self._lock:
            enabled = {
                str(key["id"])
                for page in self.client.get_paginator("get_api_keys").paginate(includeValues=True)
                for key in page["items"]
                if key.get("enabled", True)
            }
            keys = {}
            for plan in self.plan_ids:
                for page in self.client.get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan):
                    for key in page["items"]:
                        if str(key["id"]) in enabled and key.get("value"):
                            keys[str(key["value"])] = RegisteredKey(str(key["id"]), plan)
            self._keys, self._read_at = keys, time.monotonic()


@dataclass
class UsagePlanMeter:
    """The API key and usage plan step for one API's ``ApiKeyRequired`` methods."""

    registry: KeyLookup
    limits: Mapping[str, PlanLimits]  # by usage plan id
    source: str = "HEADER"  # ApiKeySourceType: HEADER | AUTHORIZER
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], datetime] = lambda: datetime.now(UTC)
    _buckets: dict[str, TokenBucket] = field(default_factory=dict, init=False)
    _used: dict[tuple[str, str], int] = field(default_factory=dict, init=False)

    async def __call__(self, exchange: Exchange) -> Answer | None:
        identifier = exchange.usage_identifier if self.source == "AUTHORIZER" else exchange.request.header("x-api-key")
        if not identifier:
            return events.INVALID_API_KEY
        key = await self.registry.find(identifier)
        if key is None:
            return events.INVALID_API_KEY
        limits = self.limits.get(key.plan_id, PlanLimits())
        window = (identifier, quota_period(limits.period, self.today()))
        if limits.quota is not None and self._used.get(window, 0) >= limits.quota:
            return events.QUOTA_EXCEEDED
        if limits.rate is not None and not self._bucket(identifier, limits).take(self.clock()):
            return events.THROTTLED
        self._used[window] = self._used.get(window, 0) + 1
        exchange.identity.update({"apiKey": identifier, "apiKeyId": key.key_id})
        return None

    def _bucket(self, identifier: str, limits: PlanLimits) -> TokenBucket:
        bucket = self._buckets.get(identifier)
        if bucket is None:
            rate = limits.rate or 0.0
            capacity = float(limits.burst if limits.burst is not None else max(1.0, rate))
            bucket = self._buckets[identifier] = TokenBucket(rate=rate, capacity=capacity, now=self.clock())
        return bucket
