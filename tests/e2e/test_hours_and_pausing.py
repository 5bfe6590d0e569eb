"""Opening hours and paused orders end to end: a closed restaurant refuses checkout naming when it opens, a paused
one refuses with the staff's reason, and once resumed the same checkout goes through. The restaurants are the
test's own (made by the demo admin, named to list after the demo ones), so the demo data keeps taking orders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from local import samples
from local.seed import CLOSED_DEMO, DEMO_RESTAURANTS
from tests.e2e.conftest import Caller, check_out, skip_when_deployed

pytestmark = pytest.mark.e2e


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def own_restaurant(api: httpx.Client, admin: Caller, **overrides: Any) -> str:
    """A restaurant of this test with one pizza on its menu; its id."""
    body = samples.restaurant_body(name=f"Zz Hours Test {uuid.uuid4().hex[:8]}", **overrides)
    rid = str(ok(api.post("/v1/restaurants", json=body, headers=admin.headers), 201)["id"])
    ok(api.post(f"/v1/restaurants/{rid}/menu-items", json=samples.menu_item_body(), headers=admin.headers), 201)
    return rid


def fill_cart(api: httpx.Client, caller: Caller, rid: str) -> None:
    menu = ok(api.get(f"/v1/restaurants/{rid}/menu"))
    item = menu["categories"][0]["items"][0]
    line = {"menuItemId": item["id"], "quantity": 2, "options": [{"groupId": "size", "choiceIds": ["l"]}]}
    ok(api.post(f"/v1/carts/{rid}/items", json=line, headers=caller.headers))


def test_a_closed_restaurant_warns_in_the_cart_and_refuses_checkout_naming_when_it_opens(
    api: httpx.Client, admin: Caller, customer_b: Caller
) -> None:
    opens = datetime.combine(datetime.now(UTC).date() + timedelta(days=2), datetime.min.time(), UTC)
    opens += timedelta(hours=10)
    hours = {
        "weekly": {},
        "exceptions": [{"date": opens.date().isoformat(), "ranges": [{"opens": "10:00", "closes": "14:00"}]}],
    }
    rid = own_restaurant(api, admin, timeZone="UTC", openingHours=hours)
    when = opens.strftime("%Y-%m-%dT%H:%M:%SZ")

    shown = ok(api.get(f"/v1/restaurants/{rid}"))
    assert (shown["openNow"], shown["nextOpensAt"], shown["acceptingOrders"]) == (False, when, True)
    fill_cart(api, customer_b, rid)
    cart = ok(api.get(f"/v1/carts/{rid}", headers=customer_b.headers))
    assert [(w["code"], w["nextOpensAt"]) for w in cart["warnings"]] == [("RESTAURANT_CLOSED", when)]

    refused = check_out(api, customer_b, rid)

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["type"] == "https://waiter.dev/problems/restaurant-closed"
    assert problem["nextOpensAt"] == when
    assert "it opens at 10:00 on" in problem["detail"]
    assert ok(api.get(f"/v1/carts/{rid}", headers=customer_b.headers))["lines"], "the cart is kept"


def test_a_paused_restaurant_refuses_checkout_with_the_reason_until_it_resumes(
    api: httpx.Client, admin: Caller, customer_b: Caller
) -> None:
    rid = own_restaurant(api, admin)
    fill_cart(api, customer_b, rid)
    until = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    pause = {"acceptingOrders": False, "until": until.isoformat(), "reason": "Kitchen at capacity"}

    paused = ok(api.put(f"/v1/restaurants/{rid}/availability", json=pause, headers=admin.headers))
    assert (paused["acceptingOrders"], paused["pauseReason"]) == (False, "Kitchen at capacity")
    listed = ok(api.get("/v1/restaurants", params={"limit": 100}))["items"]
    assert next(r for r in listed if r["id"] == rid)["pausedUntil"] == until.strftime("%Y-%m-%dT%H:%M:%SZ")

    key = str(uuid.uuid4())
    refused = check_out(api, customer_b, rid, key=key)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"] == "https://waiter.dev/problems/orders-paused"
    assert "Kitchen at capacity" in refused.json()["detail"]

    ok(api.put(f"/v1/restaurants/{rid}/availability", json={"acceptingOrders": True}, headers=admin.headers))
    placed = check_out(api, customer_b, rid, key=key)
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "PLACED"


def test_the_demo_shows_one_closed_restaurant_and_when_it_opens(listing: list[dict[str, Any]]) -> None:
    skip_when_deployed("a deployed stage was seeded on another day")
    name = DEMO_RESTAURANTS[CLOSED_DEMO]["restaurant"]["name"]
    closed = next(r for r in listing if r["name"] == name)
    others = [r for r in listing if r["name"] != name and not r["name"].startswith("Zz ")]

    assert closed["openNow"] is False
    assert closed["nextOpensAt"] is not None
    assert datetime.fromisoformat(closed["nextOpensAt"]) > datetime.now(UTC) + timedelta(hours=12)
    assert {r["name"] for r in others if r["openNow"]} >= {DEMO_RESTAURANTS[0]["restaurant"]["name"]}
