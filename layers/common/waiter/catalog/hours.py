"""Opening hours: their shape (weekly ranges, dated exceptions) and the two questions asked of them at read time,
"open at this instant?" and "when does it open next?". Pure: the instant is passed in, nothing is stored.

Local wall times become instants by one rule: a time on a date is the first instant at which the restaurant's
clock reads that time or later on that date. So an opening at 02:30 on the night the clocks jump from 02:00 to
03:00 happens at the jump (03:00 local), and a closing at 02:30 on the night they fall back from 03:00 to 02:00
happens the first time the clock reads 02:30. docs/hours.md explains the shape and the rules.

>>> from datetime import UTC, datetime
>>> from zoneinfo import ZoneInfo
>>> hours = OpeningHours.model_validate({"weekly": {"fri": [{"opens": "18:00", "closes": "02:00"}]}})
>>> berlin = ZoneInfo("Europe/Berlin")
>>> is_open(hours, berlin, datetime(2026, 3, 14, 0, 30, tzinfo=UTC))  # Saturday 01:30 in Berlin: Friday's range
True
>>> next_opening(hours, berlin, datetime(2026, 3, 14, 2, 0, tzinfo=UTC)).isoformat()  # next Friday 18:00 CET
'2026-03-20T17:00:00+00:00'
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property, lru_cache
from itertools import pairwise
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from waiter.model_base import InputModel, IsoDate

MINUTES_PER_DAY = 24 * 60
MAX_RANGES_PER_DAY = 4
MAX_EXCEPTIONS = 50
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order

# Area/Location names (and UTC): refuses what zoneinfo would also load but is not a restaurant's zone ("localtime",
# "posixrules", "Factory") and anything path-like.
_ZONE_NAME = r"^(?:UTC|[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+-]+){1,2})$"


def _loadable_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not an IANA time zone (such as Europe/Berlin)") from None
    return name


TimeZoneName = Annotated[
    str, StringConstraints(min_length=3, max_length=64, pattern=_ZONE_NAME), AfterValidator(_loadable_zone)
]
OpensAt = Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
ClosesAt = Annotated[str, StringConstraints(pattern=r"^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$")]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class TimeRange(InputModel):
    """Open from ``opens`` until ``closes`` (local time). A ``closes`` at or before ``opens`` is on the next day
    (past midnight); ``24:00`` is midnight at the end of the day."""

    opens: OpensAt
    closes: ClosesAt

    @model_validator(mode="after")
    def _not_empty(self) -> "TimeRange":
        if self.opens == self.closes:
            raise ValueError("opens and closes must differ (a whole day is 00:00 to 24:00)")
        return self

    @cached_property  # read at every status computation; the model is frozen
    def span(self) -> tuple[int, int]:
        """Minutes from the start of the day it opens on: ``(opens, closes)``, ``closes`` past 1440 when it
        closes the next day."""
        start, end = _minutes(self.opens), _minutes(self.closes)
        return start, end if end > start else end + MINUTES_PER_DAY


def _no_overlap(ranges: list[TimeRange]) -> list[TimeRange]:
    spans = sorted(r.span for r in ranges)
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise ValueError("ranges of a day must not overlap")
    return ranges


DayRanges = Annotated[list[TimeRange], Field(max_length=MAX_RANGES_PER_DAY), AfterValidator(_no_overlap)]


class WeeklyHours(InputModel):
    """The regular week: each day's ranges; a day left out (or empty) is closed."""

    mon: DayRanges = []
    tue: DayRanges = []
    wed: DayRanges = []
    thu: DayRanges = []
    fri: DayRanges = []
    sat: DayRanges = []
    sun: DayRanges = []

    def on(self, day: date) -> list[TimeRange]:
        ranges: list[TimeRange] = getattr(self, WEEKDAYS[day.weekday()])
        return ranges


class DatedHours(InputModel):
    """A date whose hours differ from the week's (a holiday, an event): its ranges replace that weekday's;
    no ranges means closed all day."""

    date: IsoDate
    ranges: DayRanges = []
    note: Annotated[str, StringConstraints(max_length=80)] | None = None


class OpeningHours(InputModel):
    """When a restaurant takes orders, in its own time zone."""

    weekly: WeeklyHours
    exceptions: Annotated[list[DatedHours], Field(max_length=MAX_EXCEPTIONS)] = []

    @model_validator(mode="after")
    def _one_exception_per_date(self) -> "OpeningHours":
        dates = [e.date for e in self.exceptions]
        if len(set(dates)) != len(dates):
            raise ValueError("exceptions: one entry per date")
        return self

    def on(self, day: date) -> list[TimeRange]:
        """The ranges that open on ``day`` (its exception's, else its weekday's)."""
        for exception in self.exceptions:
            if exception.date == day:
                return exception.ranges
        return self.weekly.on(day)


@cache
def around_the_clock() -> OpeningHours:
    """Open every minute of every day (the doctests' and tests' restaurants).

    A function, not a constant: validating it builds four models (their build is deferred to first use), which
    every function importing this module paid at its cold start though no request uses the value."""
    return OpeningHours(
        weekly=WeeklyHours.model_validate({d: [{"opens": "00:00", "closes": "24:00"}] for d in WEEKDAYS})
    )


# ---- wall time -> instant ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # pure (for a process's tz database): warm listings look at the same few days again
def first_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the clock in ``zone`` reads ``minutes`` after the start of ``day`` or later.

    A time that exists is its first occurrence (``fold=0``); a time the clocks skip is the instant they skip it.

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> first_instant(date(2026, 3, 29), 150, berlin).isoformat()  # 02:30 does not exist: clocks go 02:00 -> 03:00
    '2026-03-29T01:00:00+00:00'
    >>> first_instant(date(2026, 10, 25), 150, berlin).isoformat()  # 02:30 happens twice: the first, in CEST
    '2026-10-25T00:30:00+00:00'
    """
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if _reading(instant, zone) == wall:
        return instant
    # In a gap, fold=0 maps the wall time with the offset before the jump (an instant after the jump) and fold=1
    # with the offset after it (an instant before): the jump lies between. tzdb transitions fall on whole seconds.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(instant.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _reading(datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _reading(instant: datetime, zone: ZoneInfo) -> datetime:
    """What the clock in ``zone`` reads at ``instant`` (naive)."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _openings(hours: OpeningHours, zone: ZoneInfo, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The ``[start, end)`` instants of the ranges that open on ``day``; a range the clocks skip entirely is left
    out."""
    for time_range in hours.on(day):
        opens, closes = time_range.span
        start, end = first_instant(day, opens, zone), first_instant(day, closes, zone)
        if start < end:
            yield start, end


def is_open(hours: OpeningHours, zone: ZoneInfo, at: datetime) -> bool:
    """Whether ``at`` falls in one of the ranges (closing instant excluded)."""
    today = at.astimezone(zone).date()
    # A range closes at most a day after the day it opens on; the day after absorbs clocks set back over midnight.
    # Today first: most open restaurants are open in one of today's ranges.
    return any(
        start <= at < end
        for offset in (0, -1, 1)
        for start, end in _openings(hours, zone, today + timedelta(days=offset))
    )


def next_opening(hours: OpeningHours, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which a range opens (None when none does within the dates the hours can
    still change: every exception plus two weeks). Meaningful when closed at ``after``; a caller checks that."""
    today = after.astimezone(zone).date()
    horizon = len(hours.exceptions) + 15
    found: datetime | None = None
    for offset in range(-1, horizon):
        starts = [start for start, _ in _openings(hours, zone, today + timedelta(days=offset)) if start > after]
        if starts:
            candidate = min(starts)
            if found is not None:  # the day after the first hit is looked at too: clocks can go back over midnight
                return min(found, candidate)
            found = candidate
        elif found is not None:
            return found
    return found
