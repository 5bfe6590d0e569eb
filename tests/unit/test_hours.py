"""Opening hours, one example each: the shape refuses what cannot be meant, ranges past midnight belong to the day
they open on, dated exceptions replace a weekday, clock changes move openings by the rule in waiter.catalog.hours;
and the ordering status says whether a restaurant takes orders now (hours and pause), in words and as fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from tests.unit.builders import restaurant_body
from waiter.catalog.availability import (
    OrdersPaused,
    Pause,
    RestaurantClosed,
    check_taking_orders,
    ordering_status,
)
from waiter.catalog.hours import OpeningHours, TimeRange, around_the_clock, is_open, next_opening
from waiter.catalog.models import RestaurantCreate

BERLIN, LISBON = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/Lisbon")


def opening_hours(weekly: dict[str, Any], exceptions: list[dict[str, Any]] | None = None) -> OpeningHours:
    return OpeningHours.model_validate({"weekly": weekly, "exceptions": exceptions or []})


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def span(opens: str, closes: str) -> dict[str, str]:
    return {"opens": opens, "closes": closes}


# ---- the shape ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weekly",
    [
        pytest.param({"mon": [span("11:00", "15:00"), span("14:59", "22:00")]}, id="overlapping"),
        pytest.param({"mon": [span("20:00", "03:00"), span("22:00", "23:00")]}, id="overlapping-past-midnight"),
        pytest.param({"mon": [span("12:00", "12:00")]}, id="empty"),
        pytest.param({"mon": [span("24:00", "02:00")]}, id="opens-at-24"),
        pytest.param({"mon": [span("9:00", "17:00")]}, id="one-digit-hour"),
        pytest.param({"mon": [span("10:00", "11:00")] * 5}, id="too-many-ranges"),
        pytest.param({"monday": []}, id="unknown-day"),
    ],
)
def test_hours_that_cannot_be_meant_are_refused(weekly: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        opening_hours(weekly)


def test_two_exceptions_for_one_date_are_refused() -> None:
    with pytest.raises(ValidationError, match="one entry per date"):
        opening_hours({}, [{"date": "2026-12-25"}, {"date": "2026-12-25", "ranges": [span("10:00", "12:00")]}])


def test_a_range_closing_at_or_before_it_opens_runs_past_midnight() -> None:
    assert TimeRange(opens="18:00", closes="02:00").span == (18 * 60, 26 * 60)
    assert TimeRange(opens="00:00", closes="24:00").span == (0, 24 * 60)
    assert TimeRange(opens="12:00", closes="11:59").span == (12 * 60, (24 + 11) * 60 + 59)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/Lisbon", "America/Argentina/Buenos_Aires", "UTC"])
def test_an_iana_time_zone_is_accepted(zone: str) -> None:
    assert RestaurantCreate.model_validate(restaurant_body(timeZone=zone)).time_zone == zone


@pytest.mark.parametrize(
    "zone",
    ["Mars/Olympus_Mons", "localtime", "Factory", "/etc/localtime", "../zoneinfo/UTC", "europe/berlin", "+02:00"],
)
def test_anything_but_an_iana_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValidationError) as refused:
        RestaurantCreate.model_validate(restaurant_body(timeZone=zone))
    assert [e["loc"] for e in refused.value.errors()] == [("timeZone",)]


# ---- open now, opens next -------------------------------------------------------------------------------------

LUNCH_AND_LATE = opening_hours(
    {"tue": [span("11:30", "14:30"), span("18:00", "01:00")], "wed": [span("11:30", "14:30")]},
)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(utc(2026, 3, 10, 10, 29), False, id="tue-11:29-before-lunch"),
        pytest.param(utc(2026, 3, 10, 10, 30), True, id="tue-11:30-opens"),
        pytest.param(utc(2026, 3, 10, 13, 29), True, id="tue-14:29"),
        pytest.param(utc(2026, 3, 10, 13, 30), False, id="tue-14:30-closed-again"),
        pytest.param(utc(2026, 3, 10, 23, 59), True, id="wed-00:59-tuesday-range-past-midnight"),
        pytest.param(utc(2026, 3, 11, 0, 0), False, id="wed-01:00-closes"),
        pytest.param(utc(2026, 3, 11, 10, 30), True, id="wed-lunch"),
        pytest.param(utc(2026, 3, 12, 0, 30), False, id="thu-01:30-wednesday-has-no-late-range"),
    ],
)
def test_open_now_follows_the_ranges_in_the_restaurants_time_zone(at: datetime, expected: bool) -> None:
    assert is_open(LUNCH_AND_LATE, BERLIN, at) is expected


def test_the_next_opening_is_the_next_range_in_utc() -> None:
    assert next_opening(LUNCH_AND_LATE, BERLIN, utc(2026, 3, 10, 14, 0)) == utc(2026, 3, 10, 17, 0)  # 18:00 CET
    assert next_opening(LUNCH_AND_LATE, BERLIN, utc(2026, 3, 11, 14, 0)) == utc(2026, 3, 17, 10, 30)  # next Tue


def test_an_exception_replaces_the_weekday_but_not_the_night_before_spilling_into_it() -> None:
    closed_wednesday = opening_hours(LUNCH_AND_LATE.weekly.model_dump(), [{"date": "2026-03-11", "note": "Holiday"}])

    assert is_open(closed_wednesday, BERLIN, utc(2026, 3, 10, 23, 30))  # 00:30 Wed: Tuesday's range still runs
    assert not is_open(closed_wednesday, BERLIN, utc(2026, 3, 11, 10, 30))  # Wednesday lunch is off
    assert next_opening(closed_wednesday, BERLIN, utc(2026, 3, 11, 0, 0)) == utc(2026, 3, 17, 10, 30)


def test_an_exception_can_open_a_day_the_week_keeps_closed() -> None:
    special = opening_hours({}, [{"date": "2026-03-15", "ranges": [span("10:00", "16:00")], "note": "Market day"}])

    assert next_opening(special, LISBON, utc(2026, 3, 1)) == utc(2026, 3, 15, 10, 0)  # Lisbon is on UTC in March
    assert is_open(special, LISBON, utc(2026, 3, 15, 12, 0))
    assert next_opening(special, LISBON, utc(2026, 3, 16)) is None


def test_a_restaurant_without_ranges_never_opens() -> None:
    assert not is_open(opening_hours({}), BERLIN, utc(2026, 3, 10, 12))
    assert next_opening(opening_hours({}), BERLIN, utc(2026, 3, 10, 12)) is None


# ---- clock changes (Europe/Berlin: forward 02:00 -> 03:00 on 29 March 2026, back 03:00 -> 02:00 on 25 October)


def test_an_opening_the_clocks_skip_happens_when_they_jump() -> None:
    night = opening_hours({"sun": [span("02:30", "06:00")]})

    assert not is_open(night, BERLIN, utc(2026, 3, 29, 0, 59))  # 01:59 CET
    assert is_open(night, BERLIN, utc(2026, 3, 29, 1, 0))  # 03:00 CEST, the jump
    assert next_opening(night, BERLIN, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1, 0)


def test_a_range_the_clocks_skip_entirely_does_not_happen_that_day() -> None:
    skipped = opening_hours({"sun": [span("02:10", "02:50")]})

    assert next_opening(skipped, BERLIN, utc(2026, 3, 28, 12)) == utc(2026, 4, 5, 0, 10)  # the Sunday after, CEST


def test_a_closing_time_the_clocks_repeat_is_its_first_occurrence() -> None:
    late = opening_hours({"sat": [span("22:00", "02:30")]})

    assert is_open(late, BERLIN, utc(2026, 10, 25, 0, 29))  # 02:29 CEST, the first time round
    assert not is_open(late, BERLIN, utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert not is_open(late, BERLIN, utc(2026, 10, 25, 1, 0))  # 02:00 CET: the clock reads the hour again


def test_a_range_over_the_repeated_hour_lasts_one_hour_longer() -> None:
    night = opening_hours({"sat": [span("23:00", "05:00")]})
    start, end = (utc(2026, 10, 24, 21, 0), utc(2026, 10, 25, 4, 0))  # 23:00 CEST to 05:00 CET

    assert is_open(night, BERLIN, start)
    assert is_open(night, BERLIN, end - timedelta(seconds=1))
    assert not is_open(night, BERLIN, end)
    assert end - start == timedelta(hours=7)


# ---- the ordering status --------------------------------------------------------------------------------------

NOW = utc(2026, 3, 10, 12, 0)


class _Shop:
    """What the status is computed from, as a restaurant holds it."""

    def __init__(self, hours: OpeningHours | None = None, pause: Pause | None = None) -> None:
        self.name, self.time_zone, self.pause = "Pizza Roma", "Europe/Berlin", pause
        self.opening_hours = hours if hours is not None else around_the_clock()


def test_an_open_restaurant_without_a_pause_takes_orders() -> None:
    status = ordering_status("Europe/Berlin", around_the_clock(), None, NOW)

    assert (status.open_now, status.next_opens_at, status.accepting_orders) == (True, None, True)
    check_taking_orders(_Shop(), NOW)  # does not raise


def test_a_pause_until_a_time_ends_by_itself_at_that_time() -> None:
    pause = Pause(since=NOW, until=NOW + timedelta(minutes=30), reason="Kitchen at capacity")

    during = ordering_status("Europe/Berlin", around_the_clock(), pause, NOW + timedelta(minutes=29))
    after = ordering_status("Europe/Berlin", around_the_clock(), pause, NOW + timedelta(minutes=30))

    assert (during.accepting_orders, during.paused_until, during.pause_reason) == (
        False, NOW + timedelta(minutes=30), "Kitchen at capacity"
    )  # fmt: skip
    assert (after.accepting_orders, after.paused_until, after.pause_reason) == (True, None, None)


def test_checkout_while_paused_is_refused_with_the_reason_and_until_when() -> None:
    pause = Pause(since=NOW, until=utc(2026, 3, 10, 13, 15), reason="Kitchen at capacity")

    with pytest.raises(OrdersPaused) as refused:
        check_taking_orders(_Shop(pause=pause), NOW)

    assert refused.value.status == 409
    assert refused.value.detail == (
        "Pizza Roma is not taking orders (Kitchen at capacity) until 14:15 on Tuesday 10 March 2026 "
        "(Europe/Berlin time)."
    )
    assert refused.value.extra["pausedUntil"] == "2026-03-10T13:15:00Z"
    assert refused.value.extra["pauseReason"] == "Kitchen at capacity"
    assert refused.value.extra["acceptingOrders"] is False


def test_checkout_while_paused_without_an_end_says_until_staff_resume() -> None:
    with pytest.raises(OrdersPaused, match="until its staff resume them"):
        check_taking_orders(_Shop(pause=Pause(since=NOW)), NOW)


def test_checkout_while_closed_is_refused_naming_when_it_opens_next() -> None:
    with pytest.raises(RestaurantClosed) as refused:
        check_taking_orders(_Shop(LUNCH_AND_LATE), utc(2026, 3, 10, 14, 0))

    assert refused.value.status == 409
    assert refused.value.type_uri == "https://waiter.dev/problems/restaurant-closed"
    assert refused.value.detail == (
        "Pizza Roma is closed now; it opens at 18:00 on Tuesday 10 March 2026 (Europe/Berlin time)."
    )
    assert refused.value.extra["nextOpensAt"] == "2026-03-10T17:00:00Z"
    assert refused.value.extra["openNow"] is False


def test_checkout_at_a_restaurant_with_no_hours_ahead_says_so() -> None:
    with pytest.raises(RestaurantClosed, match="it has no opening hours ahead"):
        check_taking_orders(_Shop(opening_hours({})), NOW)
