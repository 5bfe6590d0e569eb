"""Opening hours against zoneinfo, drawn at random: any zone with daylight saving (gaps, folds, clocks changed at
midnight, half-hour shifts), any weekly ranges (past midnight too), dated exceptions, instants near the clock
changes as often as not.

The reference is the restaurant's wall clock: open when the clock's reading falls in a range of its date, or in the
part past midnight of a range of the day before. ``waiter.catalog.hours`` works on instants (a wall time is the first
instant the clock reads it or later), and the two must agree whenever the reading is unambiguous; during an hour
the clocks repeat, a reading names two instants and only the instant rule decides.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from waiter.catalog.hours import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    OpeningHours,
    first_instant,
    is_open,
    next_opening,
)

ZONES = (
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Santiago",  # clocks change at midnight: back from 00:00 to 23:00 of the day before
    "America/Havana",  # forward at midnight
    "America/Sao_Paulo",
    "Australia/Lord_Howe",  # half-hour shift
    "Pacific/Chatham",
    "America/St_Johns",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "UTC",
)
START, END = datetime(2024, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)


@cache
def transitions(zone_name: str) -> tuple[datetime, ...]:
    """The instants the zone's UTC offset changes between START and END (to the minute)."""
    zone = ZoneInfo(zone_name)
    found: list[datetime] = []
    at, step = START, timedelta(hours=1)
    offset = at.astimezone(zone).utcoffset()
    while at < END:
        following = at + step
        if following.astimezone(zone).utcoffset() != offset:
            low, high = at, following  # narrow down to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high)
            offset = following.astimezone(zone).utcoffset()
        at = following
    return tuple(found)


def _clock(minutes: int) -> str:
    return "24:00" if minutes == MINUTES_PER_DAY else f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def day_ranges(draw: st.DrawFn) -> list[dict[str, str]]:
    """0-3 ranges that do not overlap; the last may run past midnight (shorter than a day)."""
    count = draw(st.integers(0, 3))
    bounds = sorted(draw(st.sets(st.integers(0, 2 * MINUTES_PER_DAY - 1), min_size=2 * count, max_size=2 * count)))
    ranges = []
    for opens, closes in zip(bounds[::2], bounds[1::2], strict=True):
        if opens >= MINUTES_PER_DAY or closes - opens >= MINUTES_PER_DAY:
            break
        closes_at = closes if closes <= MINUTES_PER_DAY else closes - MINUTES_PER_DAY
        ranges.append({"opens": _clock(opens), "closes": _clock(closes_at)})
    return ranges


@st.composite
def instants(draw: st.DrawFn, zone_name: str) -> datetime:
    """Any instant, or (as often) one within a day and a half of a clock change."""
    changes = transitions(zone_name)
    near_a_change = draw(st.booleans())
    if changes and near_a_change:
        change = draw(st.sampled_from(changes))
        return change + timedelta(seconds=draw(st.integers(-36 * 3600, 36 * 3600)))
    seconds = draw(st.integers(0, int((END - START).total_seconds())))
    return START + timedelta(seconds=seconds)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[ZoneInfo, OpeningHours, datetime]:
    zone_name = draw(st.sampled_from(ZONES))
    at = draw(instants(zone_name))
    zone = ZoneInfo(zone_name)
    weekly = {day: draw(day_ranges()) for day in WEEKDAYS}
    today = at.astimezone(zone).date()
    dates = draw(st.sets(st.integers(-3, 3).map(lambda n: today + timedelta(days=n)), max_size=3))
    exceptions = [{"date": d.isoformat(), "ranges": draw(day_ranges())} for d in sorted(dates)]
    hours = OpeningHours.model_validate({"weekly": weekly, "exceptions": exceptions})
    return zone, hours, at


def wall_clock_open(hours: OpeningHours, zone: ZoneInfo, at: datetime) -> bool:
    """The reference: the clock's reading against the ranges of its date and the day before's."""
    reading = at.astimezone(zone)
    second = (reading.hour * 60 + reading.minute) * 60 + reading.second
    today: date = reading.date()
    for time_range in hours.on(today):
        opens, closes = time_range.span
        if opens * 60 <= second < closes * 60:
            return True
    for time_range in hours.on(today - timedelta(days=1)):
        opens, closes = time_range.span
        if closes > MINUTES_PER_DAY and second < (closes - MINUTES_PER_DAY) * 60:
            return True
    return False


def ambiguous(zone: ZoneInfo, at: datetime) -> bool:
    """True during an hour the clocks repeat: the reading at ``at`` also names another instant."""
    reading = at.astimezone(zone).replace(tzinfo=None)
    return reading.replace(tzinfo=zone, fold=0).astimezone(UTC) != reading.replace(tzinfo=zone, fold=1).astimezone(UTC)


@settings(max_examples=250, deadline=None)
@given(schedules())
def test_open_now_agrees_with_the_wall_clock_whenever_the_reading_is_unambiguous(
    schedule: tuple[ZoneInfo, OpeningHours, datetime],
) -> None:
    zone, hours, at = schedule
    if not ambiguous(zone, at):
        assert is_open(hours, zone, at) == wall_clock_open(hours, zone, at)


@settings(max_examples=200, deadline=None)
@given(schedules(), st.lists(st.floats(0, 0.999_999), min_size=20, max_size=20))
def test_the_next_opening_is_the_first_open_instant_after_a_closed_one(
    schedule: tuple[ZoneInfo, OpeningHours, datetime], fractions: list[float]
) -> None:
    zone, hours, at = schedule
    if is_open(hours, zone, at):
        return
    opens = next_opening(hours, zone, at)
    if opens is None:  # nothing opens within the horizon: nothing is open anywhere in it
        horizon = timedelta(days=len(hours.exceptions) + 14)
        assert not any(is_open(hours, zone, at + horizon * f) for f in fractions)
        return
    assert opens > at
    assert is_open(hours, zone, opens)
    assert not is_open(hours, zone, opens - timedelta(seconds=1))
    assert not any(is_open(hours, zone, at + (opens - at) * f) for f in fractions)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ZONES), st.data())
def test_a_wall_time_is_the_first_instant_the_clock_reads_it_or_later(zone_name: str, data: st.DataObject) -> None:
    zone = ZoneInfo(zone_name)
    day = data.draw(instants(zone_name)).astimezone(zone).date()
    minutes = sorted(data.draw(st.lists(st.integers(0, 2 * MINUTES_PER_DAY - 1), min_size=2, max_size=2)))
    first, second = (first_instant(day, m, zone) for m in minutes)
    wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes[0])

    assert first <= second  # monotone, across gaps and folds
    assert first.astimezone(zone).replace(tzinfo=None) >= wall
    assert (first - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None) < wall


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES), st.data())
def test_a_restaurant_open_around_the_clock_is_always_open(zone_name: str, data: st.DataObject) -> None:
    zone = ZoneInfo(zone_name)
    hours = OpeningHours.model_validate({"weekly": {d: [{"opens": "00:00", "closes": "24:00"}] for d in WEEKDAYS}})
    at = data.draw(instants(zone_name))
    assert is_open(hours, zone, at)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES), st.data())
def test_a_range_past_midnight_is_open_until_it_closes_the_next_day(zone_name: str, data: st.DataObject) -> None:
    zone = ZoneInfo(zone_name)
    opens = data.draw(st.integers(12 * 60, MINUTES_PER_DAY - 1))
    closes = data.draw(st.integers(1, 11 * 60))
    hours = OpeningHours.model_validate(
        {"weekly": {d: [{"opens": _clock(opens), "closes": _clock(closes)}] for d in WEEKDAYS}}
    )
    day = data.draw(instants(zone_name)).astimezone(zone).date()
    start = first_instant(day, opens, zone)
    end = first_instant(day, MINUTES_PER_DAY + closes, zone)
    if start < end:
        assert is_open(hours, zone, start)
        assert is_open(hours, zone, end - timedelta(seconds=1))
        assert not is_open(hours, zone, end)
        assert next_opening(hours, zone, end) == first_instant(day + timedelta(days=1), opens, zone)
