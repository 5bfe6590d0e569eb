"""Schedules locally: each ``ScheduleV2`` (EventBridge Scheduler) and ``Schedule`` (EventBridge rule) event of a
function fires on its ``rate(...)``, ``cron(...)`` or ``at(...)`` expression from a background thread, with the
event AWS would send (the schedule's ``Input``, or EventBridge's scheduled-event envelope for rules).

Locally only, ``rate(N seconds)`` is accepted too, so a test can shorten a schedule with a parameter override;
AWS's smallest rate is one minute. ``make invoke FN=<function> EVENT=events/<function>.json`` fires one by hand.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from local.gateway.delivery import Worker, deliver
from local.gateway.intrinsics import ACCOUNT_ID, REGION

if TYPE_CHECKING:
    from collections.abc import Callable

    from local.gateway.functions import LambdaFunction
    from local.gateway.resources import Stack
    from local.gateway.runtime import Runtime
    from local.template import EventSource

_RATE = re.compile(r"rate\((\d+)\s+(second|minute|hour|day)s?\)")
_UNIT_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def next_fire(expression: str, after: datetime) -> datetime | None:
    """When a schedule with ``expression`` fires next after ``after`` (None: never again).

    >>> t = datetime(2026, 1, 15, 12, 0, 30, tzinfo=UTC)
    >>> next_fire("rate(5 minutes)", t).isoformat()
    '2026-01-15T12:05:30+00:00'
    >>> next_fire("cron(0 13 * * ? *)", t).isoformat()
    '2026-01-15T13:00:00+00:00'
    >>> next_fire("at(2026-01-15T12:00:00)", t) is None
    True
    """
    if rate := _RATE.fullmatch(expression.strip()):
        return after + timedelta(seconds=int(rate.group(1)) * _UNIT_S[rate.group(2)])
    if expression.startswith("cron(") and expression.endswith(")"):
        from croniter import croniter

        # AWS cron: minutes hours day-of-month month day-of-week year; croniter takes the first five ("?" is "*")
        fields = expression[5:-1].split()[:5]
        fires: datetime = croniter(" ".join(f.replace("?", "*") for f in fields), after).get_next(datetime)
        return fires
    if expression.startswith("at(") and expression.endswith(")"):
        when = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC)
        return when if when > after else None
    raise ValueError(f"not a schedule expression: {expression!r}")


class ScheduleSource:
    """One schedule event of a function, fired from a background thread."""

    def __init__(
        self,
        source: EventSource,
        stack: Stack,
        runtime: Runtime,
        function: LambdaFunction,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.function = function
        self._runtime = runtime
        self._clock = clock
        self.expression = str(stack.resolver.resolve(source.setting("ScheduleExpression")))
        self.enabled = str(stack.resolver.resolve(source.setting("State", "ENABLED"))).upper() == "ENABLED" and bool(
            stack.resolver.resolve(source.setting("Enabled", True))
        )
        self._input = stack.resolver.resolve(source.setting("Input"))
        self._due = next_fire(self.expression, clock())
        self.worker = Worker(f"schedule:{source.function}", self.poll)

    @property
    def label(self) -> str:
        return f"schedule {self.expression}"

    def event(self) -> dict[str, Any]:
        if self._input is not None:
            value = json.loads(self._input) if isinstance(self._input, str) else self._input
            return dict(value)
        if self.source.kind == "Schedule":  # an EventBridge rule's scheduled event
            return {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": ACCOUNT_ID,
                "time": self._clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "region": REGION,
                "resources": [],
                "detail": {},
            }
        return {}

    def poll(self) -> float:
        if self._due is None or not self.enabled:
            return 3600.0
        now = self._clock()
        if now < self._due:
            return min(1.0, (self._due - now).total_seconds())
        self._due = next_fire(self.expression, now)
        deliver(self._runtime, self.function, self.label, self.event(), ["1"], partial=False)
        return 0.0
