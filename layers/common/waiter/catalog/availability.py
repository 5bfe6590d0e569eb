"""Whether a restaurant takes orders at an instant: its opening hours (``waiter.catalog.hours``) and a pause its
staff set. Computed at read time from what is stored, for every view (listing, restaurant, cart, checkout), so no
flag goes stale; the clock is passed in.

>>> from datetime import UTC, datetime
>>> from waiter.catalog.hours import around_the_clock
>>> now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
>>> paused = Pause(since=now, until=datetime(2026, 3, 10, 13, 0, tzinfo=UTC), reason="Kitchen at capacity")
>>> ordering_status("Europe/Berlin", around_the_clock(), paused, now).accepting_orders
False
>>> later = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # the pause has run out
>>> ordering_status("Europe/Berlin", around_the_clock(), paused, later).accepting_orders
True
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from datetime import datetime
from typing import Annotated, Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from pydantic import Field, StringConstraints

from waiter.catalog.hours import OpeningHours, is_open, next_opening
from waiter.errors import Conflict
from waiter.model_base import InputModel, Instant, WireModel

PauseReason = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MAX_PAUSE_DAYS = 30


class Pause(WireModel):
    """Staff stopped incoming orders at ``since``, until ``until`` (None: until they resume)."""

    since: datetime
    until: datetime | None = None
    reason: str | None = None


class AvailabilityChange(InputModel):
    """Pause (``acceptingOrders: false``, optionally ``until`` a time and with a ``reason``) or resume
    (``acceptingOrders: true``, nothing else) a restaurant's incoming orders."""

    # what ``service._pause`` refuses on a resume, stated (that ``until`` is ahead, and by how much, depends on now)
    schema_rules: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {
                "properties": {
                    "acceptingOrders": {"const": True},
                    "until": {"type": "null"},
                    "reason": {"type": "null"},
                },
                "required": ["acceptingOrders"],
            },
            {"properties": {"acceptingOrders": {"const": False}}, "required": ["acceptingOrders"]},
        ]
    }

    accepting_orders: Annotated[bool, Field(strict=True)]
    until: Instant | None = None
    reason: PauseReason | None = None


class OrderingStatus(WireModel):
    """What callers are told about taking orders now: computed at read time, never stored."""

    open_now: bool
    next_opens_at: datetime | None = None  # when closed: the next opening (UTC); null while open or with none ahead
    accepting_orders: bool
    paused_until: datetime | None = None  # while paused until a set time
    pause_reason: str | None = None  # while paused, when staff gave one


class RestaurantAvailability(OrderingStatus):
    """The answer to a pause or resume."""

    restaurant_id: str


class Schedule(Protocol):
    """What the status is computed from (a ``Restaurant`` or a listing entry)."""

    @property
    def name(self) -> str: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def opening_hours(self) -> OpeningHours: ...
    @property
    def pause(self) -> Pause | None: ...


def ordering_status(time_zone: str, hours: OpeningHours, pause: Pause | None, now: datetime) -> OrderingStatus:
    """Open now (and if not, when next), and whether orders are paused (a pause whose ``until`` passed is over)."""
    zone = ZoneInfo(time_zone)
    open_now = is_open(hours, zone, now)
    paused = pause is not None and (pause.until is None or now < pause.until)
    return OrderingStatus(
        open_now=open_now,
        next_opens_at=None if open_now else next_opening(hours, zone, now),
        accepting_orders=not paused,
        paused_until=pause.until if paused and pause else None,
        pause_reason=pause.reason if paused and pause else None,
    )


def status_of(restaurant: Schedule, now: datetime) -> OrderingStatus:
    return ordering_status(restaurant.time_zone, restaurant.opening_hours, restaurant.pause, now)


class RestaurantClosed(Conflict):
    """Checkout outside opening hours; the problem carries the status (``nextOpensAt``)."""

    title, slug = "Restaurant Closed", "restaurant-closed"


class OrdersPaused(Conflict):
    """Checkout while staff paused incoming orders; the problem carries the status (``pausedUntil``,
    ``pauseReason``)."""

    title, slug = "Orders Paused", "orders-paused"


def check_taking_orders(restaurant: Schedule, now: datetime) -> None:
    """The checkout rule: refuse (409) while orders are paused or the restaurant is closed, saying until when.

    >>> from datetime import UTC, datetime
    >>> from waiter.catalog.hours import OpeningHours
    >>> class Shop:
    ...     name, time_zone, pause = "Pizza Roma", "Europe/Berlin", None
    ...     opening_hours = OpeningHours.model_validate({"weekly": {"tue": [{"opens": "11:30", "closes": "22:00"}]}})
    >>> try:
    ...     check_taking_orders(Shop(), datetime(2026, 3, 10, 6, 0, tzinfo=UTC))
    ... except RestaurantClosed as closed:
    ...     print(closed.detail); print(closed.extra["nextOpensAt"])
    Pizza Roma is closed now; it opens at 11:30 on Tuesday 10 March 2026 (Europe/Berlin time).
    2026-03-10T10:30:00Z
    """
    status = status_of(restaurant, now)
    if not status.accepting_orders:
        reason = f" ({status.pause_reason})" if status.pause_reason else ""
        until = (
            f"until {_in_words(status.paused_until, restaurant.time_zone)}"
            if status.paused_until
            else "until its staff resume them"
        )
        raise OrdersPaused(f"{restaurant.name} is not taking orders{reason} {until}.", extra=_problem_fields(status))
    if not status.open_now:
        raise RestaurantClosed(
            f"{restaurant.name} is closed now; {_reopening(status, restaurant.time_zone)}.",
            extra=_problem_fields(status),
        )


def closed_message(status: OrderingStatus, time_zone: str) -> str:
    """The cart's warning when the restaurant is closed."""
    return f"the restaurant is closed now; {_reopening(status, time_zone)}"


def paused_message(status: OrderingStatus, time_zone: str) -> str:
    """The cart's warning while orders are paused."""
    reason = f" ({status.pause_reason})" if status.pause_reason else ""
    until = f"until {_in_words(status.paused_until, time_zone)}" if status.paused_until else "for now"
    return f"the restaurant is not taking orders{reason} {until}"


def _reopening(status: OrderingStatus, time_zone: str) -> str:
    if status.next_opens_at is None:
        return "it has no opening hours ahead"
    return f"it opens at {_in_words(status.next_opens_at, time_zone)}"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


def _in_words(instant: datetime, time_zone: str) -> str:
    """``11:30 on Tuesday 10 March 2026 (Europe/Berlin time)``: English whatever the process locale."""
    local = instant.astimezone(ZoneInfo(time_zone))
    return (
        f"{local:%H:%M} on {_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"
        f" ({time_zone} time)"
    )


def _problem_fields(status: OrderingStatus) -> dict[str, Any]:
    """The status as the problem document's extra members (the same names as on the restaurant)."""
    fields: dict[str, Any] = status.model_dump(mode="json", by_alias=True)
    return fields
