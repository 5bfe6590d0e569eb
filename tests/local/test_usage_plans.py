"""The usage plan step on its own, with a clock the test moves: API keys, token buckets and quotas."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from local.gateway import events
from local.gateway.events import HttpRequest
from local.gateway.pipeline import Answer, Exchange
from local.gateway.routing import Match, Resource, Route
from local.gateway.usage_plans import PlanLimits, RegisteredKey, UsagePlanMeter


class Keys:
    def __init__(self, *values: str) -> None:
        self.values = set(values)

    async def find(self, identifier: str) -> RegisteredKey | None:
        return RegisteredKey(f"id-{identifier}", "plan") if identifier in self.values else None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.day = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.now

    def today(self) -> datetime:
        return self.day


def meter(limits: PlanLimits, clock: Clock, source: str = "AUTHORIZER") -> UsagePlanMeter:
    return UsagePlanMeter(Keys("k1", "k2"), {"plan": limits}, source=source, clock=clock.monotonic, today=clock.today)


def call(step: UsagePlanMeter, identifier: str | None, header: str | None = None) -> Answer | None:
    request = HttpRequest("GET", "/p", headers=[("x-api-key", header)] if header else [])
    route = Route("GET", "/p", "F", "Api")
    exchange = Exchange(request, "r", Match(Resource("/p"), {}), route, usage_identifier=identifier)
    return asyncio.run(step(exchange))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_unknown_or_missing_keys_are_forbidden(clock: Clock) -> None:
    step = meter(PlanLimits(), clock)

    assert call(step, None) == events.INVALID_API_KEY
    assert call(step, "nope") == events.INVALID_API_KEY
    assert call(step, "k1") is None


def test_header_source_reads_x_api_key_and_ignores_the_authorizers_identifier(clock: Clock) -> None:
    step = meter(PlanLimits(), clock, source="HEADER")

    assert call(step, "k1") == events.INVALID_API_KEY
    assert call(step, None, header="k1") is None


def test_burst_then_rate(clock: Clock) -> None:
    step = meter(PlanLimits(rate=2, burst=3), clock)

    assert [call(step, "k1") for _ in range(4)] == [None, None, None, events.THROTTLED]
    clock.now += 0.5  # one token back at 2 per second
    assert [call(step, "k1"), call(step, "k1")] == [None, events.THROTTLED]
    assert call(step, "k2") is None  # another key has its own bucket


def test_quota_per_day_refuses_with_limit_exceeded_and_throttled_requests_do_not_count(clock: Clock) -> None:
    step = meter(PlanLimits(rate=1, burst=1, quota=2), clock)

    assert call(step, "k1") is None
    assert call(step, "k1") == events.THROTTLED
    clock.now += 1
    assert call(step, "k1") is None
    clock.now += 1
    assert call(step, "k1") == events.QUOTA_EXCEEDED
    clock.day += timedelta(days=1)
    assert call(step, "k1") is None
