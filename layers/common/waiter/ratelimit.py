"""Hard application rate limits for sensitive flows (sign-in, password reset, sign-up, checkout).

API Gateway throttling is best-effort and per stage; these limits are exact and per account, per source IP or
per customer. Fixed windows: each (limit, key, window) is one atomic counter in DynamoDB that expires with its
window, so a burst at a window edge can reach at most twice the limit, which is acceptable for abuse control.

Two ways to count:

- ``hit``: every request counts (sign-up, checkout, asking for a reset code).
- ``attempt``: only failures count (sign-in, entering a reset code), as credential-stuffing defences do. The
  attempt takes one unit of the budget atomically *before* the credentials are checked, so parallel guesses cannot
  overrun it; a success gives the unit back (``Attempt.succeeded``), a failure keeps it. A spent budget is refused
  before the identity provider is asked at all.
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


# Failed sign-ins (successes never count; a success clears the account's failures)
LOGIN_FAILURES_PER_ACCOUNT = RateLimit("login-fail-account", limit=5, window_seconds=900)
LOGIN_FAILURES_PER_IP = RateLimit("login-fail-ip", limit=30, window_seconds=900)
# Password reset: asking for a code (every request counts: the answer never says whether the account exists)...
RESET_REQUESTS_PER_ACCOUNT = RateLimit("reset-request-account", limit=5, window_seconds=3600)
RESET_REQUESTS_PER_IP = RateLimit("reset-request-ip", limit=20, window_seconds=3600)
# ... and entering it (wrong or expired codes count, as failed sign-ins do)
RESET_FAILURES_PER_ACCOUNT = RateLimit("reset-fail-account", limit=5, window_seconds=900)
RESET_FAILURES_PER_IP = RateLimit("reset-fail-ip", limit=30, window_seconds=900)
SIGNUP_PER_IP = RateLimit("signup-ip", limit=10, window_seconds=3600)
CHECKOUT_PER_CUSTOMER = RateLimit("checkout-customer", limit=10, window_seconds=60)


# The limits keyed by an account (e-mail address or customer id): erasing an account deletes their counters.
PER_ACCOUNT_LIMITS: tuple[RateLimit, ...] = (
    LOGIN_FAILURES_PER_ACCOUNT,
    RESET_REQUESTS_PER_ACCOUNT,
    RESET_FAILURES_PER_ACCOUNT,
)


class CounterStore(Protocol):
    """Atomic counters that expire (implemented by ``waiter.repository.counters.CounterRepository``)."""

    def increment(self, bucket: str, window_start: int, expires_at: int, by: int = 1) -> int: ...
    def delete(self, bucket: str, window_start: int) -> None: ...


def bucket(limit: RateLimit, key: str) -> str:
    """The counter's name for ``key`` under ``limit``: keys may be e-mail addresses or IPs, so a digest is stored,
    never the personal data itself.

    >>> bucket(RateLimit("x", 1, 60), " A@Example.com") == bucket(RateLimit("x", 1, 60), "a@example.com")
    True
    """
    return f"{limit.name}#{hashlib.sha256(key.strip().casefold().encode()).hexdigest()[:32]}"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One unit taken from each of the budgets of an attempt (``RateLimiter.attempt``)."""

    limiter: RateLimiter
    taken: tuple[tuple[str, int], ...]  # (bucket, window start)
    reset: tuple[str, ...]  # buckets whose window is cleared on success (the account's failures)

    def succeeded(self) -> None:
        """Give the units back (a success uses up no budget) and clear the account's failures in this window."""
        for name, window_start in self.taken:
            if name in self.reset:
                self.limiter.store.delete(name, window_start)
            else:
                self.limiter.store.increment(name, window_start, expires_at=window_start, by=-1)


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
        """Count one request against ``limit`` for ``key``; the one over the limit is a 429."""
        self._take(limit, key)

    def attempt(self, *, account: tuple[RateLimit, str], source: tuple[RateLimit, str]) -> Attempt:
        """Take one unit of the account's and the source's failure budgets before checking credentials.

        Raises 429 (with ``Retry-After``) when either is spent, before any credential is checked. Call
        ``succeeded()`` on the result when the credentials were right; on a failure do nothing (the unit stays).

        >>> class Memory:
        ...     def __init__(self): self.n = {}
        ...     def increment(self, bucket, window_start, expires_at, by=1):
        ...         self.n[bucket] = self.n.get(bucket, 0) + by
        ...         return self.n[bucket]
        ...     def delete(self, bucket, window_start): self.n.pop(bucket, None)
        >>> limiter, limit = RateLimiter(Memory(), clock=lambda: 1000.0), RateLimit("x", 2, 60)
        >>> for _ in range(5): limiter.attempt(account=(limit, "a"), source=(limit, "ip")).succeeded()
        >>> sorted(limiter.store.n.values())
        [0]
        """
        taken: list[tuple[str, int]] = []
        try:
            taken.append(self._take(*account))
            taken.append(self._take(*source))
        except TooManyRequests:
            for name, window_start in taken:  # a refused attempt is not a failure: give back what it took
                self.store.increment(name, window_start, expires_at=window_start, by=-1)
            raise
        return Attempt(self, tuple(taken), reset=(taken[0][0],))

    def _take(self, limit: RateLimit, key: str) -> tuple[str, int]:
        now = self.clock()
        window_start = int(now // limit.window_seconds) * limit.window_seconds
        window_end = window_start + limit.window_seconds
        name = bucket(limit, key)
        count = self.store.increment(name, window_start, expires_at=window_end)
        if count > limit.limit:
            retry_after = max(1, math.ceil(window_end - now))
            raise TooManyRequests(
                detail=f"too many attempts; try again in {retry_after} seconds",
                headers={"Retry-After": str(retry_after)},
            )
        return name, window_start
