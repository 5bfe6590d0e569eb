"""PUT /v1/restaurants/{restaurantId}/availability and PUT /v1/partner/availability through their handlers, on moto;
and what a pause or the opening hours do to the cart, checkout and orders already placed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local import samples
from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Partner, Shop
from tests.support import ADMIN
from waiter.repository import keys

AVAILABILITY = api.RESTAURANT + "/availability"
PARTNER_AVAILABILITY = "/v1/partner/availability"
PAUSE = {"acceptingOrders": False, "reason": "Kitchen at capacity"}
STATUS_FIELDS = {"restaurantId", "openNow", "nextOpensAt", "acceptingOrders", "pausedUntil", "pauseReason"}


def set_availability(restaurant_id: str, body: Any, *, claims: api.Claims | None) -> api.Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("set_availability", "PUT", AVAILABILITY, at, claims=claims, body=body)


def partner_set_availability(body: Any, *, partner: Partner | None, claims: api.Claims | None = None) -> api.Reply:
    authorizer = partner.context() if partner else None
    return api.request(
        "partner_set_availability", "PUT", PARTNER_AVAILABILITY, authorizer=authorizer, claims=claims, body=body
    )


def closed_until_the_day_after_tomorrow() -> tuple[dict[str, Any], datetime]:
    """Hours (in UTC) with one range, two days from now: closed now whatever the time of day; when it opens."""
    opens = datetime.combine(datetime.now(UTC).date() + timedelta(days=2), datetime.min.time(), UTC)
    opens += timedelta(hours=10)
    hours = {
        "weekly": {},
        "exceptions": [{"date": opens.date().isoformat(), "ranges": [{"opens": "10:00", "closes": "12:00"}]}],
    }
    return hours, opens


def _filled_cart(shop: Shop) -> dict[str, Any]:
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    cart: dict[str, Any] = o.get_cart(shop.id).body
    return cart


# ---- pausing and resuming ------------------------------------------------------------------------------------------


def test_staff_pause_and_resume_their_restaurants_orders(shop: Shop) -> None:
    paused = set_availability(shop.id, PAUSE, claims=o.staff(shop.id))

    assert paused.status == 200, paused.body
    assert set(paused.body) == STATUS_FIELDS
    assert (paused.body["acceptingOrders"], paused.body["pauseReason"], paused.body["openNow"]) == (
        False, "Kitchen at capacity", True
    )  # fmt: skip
    shown = api.get_restaurant(shop.id).body
    assert (shown["acceptingOrders"], shown["pauseReason"]) == (False, "Kitchen at capacity")
    listed = next(r for r in api.list_restaurants().body["items"] if r["id"] == shop.id)
    assert (listed["acceptingOrders"], listed["pauseReason"]) == (False, "Kitchen at capacity")

    resumed = set_availability(shop.id, {"acceptingOrders": True}, claims=o.staff(shop.id))
    assert resumed.status == 200, resumed.body
    assert (resumed.body["acceptingOrders"], resumed.body["pausedUntil"], resumed.body["pauseReason"]) == (
        True, None, None
    )  # fmt: skip
    assert api.get_restaurant(shop.id).body["acceptingOrders"] is True


def test_a_pause_until_a_time_is_shown_in_utc(shop: Shop) -> None:
    until = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    body = {"acceptingOrders": False, "until": until.astimezone().isoformat()}

    reply = set_availability(shop.id, body, claims=ADMIN)

    assert reply.status == 200, reply.body
    assert reply.body["pausedUntil"] == until.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert reply.body["pauseReason"] is None


def test_the_partner_key_pauses_its_own_restaurant(shop: Shop, other_shop: Shop) -> None:
    reply = partner_set_availability(PAUSE, partner=Partner("k1", shop.id))

    assert reply.status == 200, reply.body
    assert reply.body["restaurantId"] == shop.id
    assert api.get_restaurant(shop.id).body["acceptingOrders"] is False
    assert api.get_restaurant(other_shop.id).body["acceptingOrders"] is True


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(o.customer(), id="customer"),
        pytest.param(o.staff("another-restaurant"), id="staff-elsewhere"),
    ],
)
def test_nobody_else_pauses_a_restaurant(shop: Shop, claims: api.Claims) -> None:
    reply = set_availability(shop.id, PAUSE, claims=claims)

    assert reply.status == 403, reply.body
    assert api.get_restaurant(shop.id).body["acceptingOrders"] is True


def test_the_partner_route_takes_a_partner_key_only(shop: Shop) -> None:
    reply = partner_set_availability(PAUSE, partner=None, claims=o.staff(shop.id))

    assert reply.status == 403, reply.body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"acceptingOrders": "no"}, "body.acceptingOrders", id="not-a-boolean"),
        pytest.param({}, "body.acceptingOrders", id="missing"),
        pytest.param({"acceptingOrders": False, "until": "tomorrow"}, "body.until", id="not-a-time"),
        pytest.param({"acceptingOrders": False, "until": "2030-01-01T10:00:00"}, "body.until", id="no-offset"),
        pytest.param({"acceptingOrders": False, "until": "2020-01-01T10:00:00Z"}, "body.until", id="past"),
        pytest.param({"acceptingOrders": False, "reason": "x" * 201}, "body.reason", id="long-reason"),
        pytest.param({"acceptingOrders": True, "reason": "back"}, "body.reason", id="reason-when-resuming"),
        pytest.param({"acceptingOrders": False, "pausedBy": "me"}, "body.pausedBy", id="unknown-field"),
    ],
)
def test_a_bad_availability_change_is_refused_naming_the_field(shop: Shop, body: Any, field: str) -> None:
    before = o.stored_item(keys.restaurant(shop.id))

    reply = set_availability(shop.id, body, claims=o.staff(shop.id))

    assert reply.status == 400, reply.body
    assert reply.field_errors() == [field]
    assert o.stored_item(keys.restaurant(shop.id)) == before


def test_pausing_an_unknown_restaurant_is_not_found(services: None) -> None:
    assert set_availability("nope", PAUSE, claims=ADMIN).status == 404


# ---- what a pause does ----------------------------------------------------------------------------------------------


def test_checkout_while_paused_is_refused_with_the_reason_and_nothing_is_written(shop: Shop) -> None:
    cart = _filled_cart(shop)
    assert set_availability(shop.id, PAUSE, claims=o.staff(shop.id)).status == 200
    before = o.without_rate_counters(api.table_snapshot())

    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key="paused-try")

    assert reply.status == 409, reply.body
    assert reply.body["type"] == "https://waiter.dev/problems/orders-paused"
    assert "Kitchen at capacity" in reply.body["detail"]
    assert (reply.body["acceptingOrders"], reply.body["pauseReason"]) == (False, "Kitchen at capacity")
    assert o.without_rate_counters(api.table_snapshot()) == before  # the cart, no order, no idempotency record
    warnings = o.get_cart(shop.id).body["warnings"]
    assert [w["code"] for w in warnings] == ["ORDERS_PAUSED"]

    # once resumed, the same Idempotency-Key places the order: the refusal left nothing behind
    assert set_availability(shop.id, {"acceptingOrders": True}, claims=o.staff(shop.id)).status == 200
    placed = o.checkout(o.checkout_body(shop.id, cart["total"]), key="paused-try")
    assert placed.status == 201, placed.body


def test_orders_placed_before_a_pause_are_untouched(shop: Shop) -> None:
    order = o.place_order(shop)
    assert set_availability(shop.id, PAUSE, claims=o.staff(shop.id)).status == 200

    assert o.get_order(order["id"]).body["status"] == "PLACED"
    moved = o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id))
    assert moved.status == 200, moved.body


# ---- opening hours ----------------------------------------------------------------------------------------------


def test_checkout_while_closed_is_refused_naming_when_it_opens(services: None) -> None:
    hours, opens = closed_until_the_day_after_tomorrow()
    shop = o.open_shop(timeZone="UTC", openingHours=hours)
    cart = _filled_cart(shop)
    before = o.without_rate_counters(api.table_snapshot())

    reply = o.checkout(o.checkout_body(shop.id, cart["total"]), key="closed-try")

    assert reply.status == 409, reply.body
    assert reply.body["type"] == "https://waiter.dev/problems/restaurant-closed"
    assert reply.body["nextOpensAt"] == opens.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"it opens at 10:00 on {opens:%A} {opens.day} {opens:%B} {opens.year} (UTC time)" in reply.body["detail"]
    assert o.without_rate_counters(api.table_snapshot()) == before


def test_the_cart_and_the_listing_say_when_a_closed_restaurant_opens(services: None) -> None:
    hours, opens = closed_until_the_day_after_tomorrow()
    shop = o.open_shop(timeZone="UTC", openingHours=hours)
    _filled_cart(shop)

    warnings = o.get_cart(shop.id).body["warnings"]
    listed = next(r for r in api.list_restaurants().body["items"] if r["id"] == shop.id)
    shown = api.get_restaurant(shop.id).body

    assert [(w["code"], w["nextOpensAt"]) for w in warnings] == [("RESTAURANT_CLOSED", iso(opens))]
    assert (listed["openNow"], listed["nextOpensAt"]) == (False, iso(opens))
    assert (shown["openNow"], shown["nextOpensAt"], shown["timeZone"]) == (False, iso(opens), "UTC")


def test_changing_the_hours_opens_the_restaurant(services: None) -> None:
    hours, _ = closed_until_the_day_after_tomorrow()
    shop = o.open_shop(timeZone="UTC", openingHours=hours)

    reply = api.update_restaurant(shop.id, {"openingHours": samples.AROUND_THE_CLOCK}, claims=ADMIN)

    assert reply.status == 200, reply.body
    assert (reply.body["openNow"], reply.body["nextOpensAt"]) == (True, None)
    listed = next(r for r in api.list_restaurants().body["items"] if r["id"] == shop.id)
    assert listed["openNow"] is True


def iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
