"""Hard application rate limits for sensitive flows (login, sign-up, checkout).

API Gateway throttling is best-effort and per stage; these limits are exact and per account, per source IP or
per customer. Fixed windows: each (limit, key, window) is one atomic counter in DynamoDB that expires with its
window, so a burst at a window edge can reach at most twice the limit, which is acceptable for abuse control.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from waiter.errors import TooManyRequests


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` hits per ``window_seconds`` for each key of the named bucket."""

    name: str
    limit: int
    window_seconds: int


LOGIN_PER_ACCOUNT = RateLimit("login-account", limit=5, window_seconds=900)
LOGIN_PER_IP = RateLimit("login-ip", limit=30, window_seconds=900)
SIGNUP_PER_IP = RateLimit("signup-ip", limit=10, window_seconds=3600)
CHECKOUT_PER_CUSTOMER = RateLimit("checkout-customer", limit=10, window_seconds=60)


class CounterStore(Protocol):
    """Atomic counters that expire (implemented by ``waiter.repository.counters.CounterRepository``)."""

    def increment(self, bucket: str, window_start: int, expires_at: int) -> int: ...


def _epoch_now() -> float:
    return datetime.now(UTC).timestamp()


@dataclass
class RateLimiter:
    """Counts hits and refuses the one over the limit with 429 and ``Retry-After``.

    >>> class Memory:
    ...     def __init__(self): self.n = {}
    ...     def increment(self, bucket, window_start, expires_at):
    ...         self.n[bucket, window_start] = self.n.get((bucket, window_start), 0) + 1
    ...         return self.n[bucket, window_start]
    >>> limiter = RateLimiter(Memory(), clock=lambda: 1000.0)
    >>> [limiter.hit(RateLimit("x", 2, 60), "k") for _ in range(2)]
    [None, None]
    >>> limiter.hit(RateLimit("x", 2, 60), "k")
    Traceback (most recent call last):
    ...
    waiter.errors.TooManyRequests: too many attempts; try again in 20 seconds
    """

    store: CounterStore
    clock: Callable[[], float] = _epoch_now

    def hit(self, limit: RateLimit, key: str) -> None:
        now = self.clock()
        window_start = int(now // limit.window_seconds) * limit.window_seconds
        window_end = window_start + limit.window_seconds
        # Keys may be e-mail addresses or IPs: store a digest, never the personal data itself.
        digest = hashlib.sha256(key.strip().casefold().encode()).hexdigest()[:32]
        count = self.store.increment(f"{limit.name}#{digest}", window_start, expires_at=window_end)
        if count > limit.limit:
            retry_after = max(1, math.ceil(window_end - now))
            raise TooManyRequests(
                detail=f"too many attempts; try again in {retry_after} seconds",
                headers={"Retry-After": str(retry_after)},
            )
