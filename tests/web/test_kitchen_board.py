"""The kitchen board's rules in the browser: a rejection asks for its reason (the customer reads it), and a move
someone else made first is not overwritten: the board sends If-Match with the version it shows, and the backend's
412 is shown on the order's card with the order as it is now and the buttons of its current state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from local.seed import DEMO_CUSTOMER, DEMO_STAFF
from tests.e2e.conftest import RESTAURANT_A, log_in, place_order
from tests.web.conftest import WebStack, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_a_rejection_needs_its_reason_and_a_move_made_elsewhere_shows_as_a_conflict(
    web_stack: WebStack, tabs: Any
) -> None:
    customer = log_in(web_stack.api, DEMO_CUSTOMER.email)
    staff = web_stack.staff()
    to_reject = place_order(web_stack.api, customer, RESTAURANT_A)
    moved_elsewhere = place_order(web_stack.api, customer, RESTAURANT_A)

    kitchen = tabs("kitchen")
    # this board gets no live updates (its WebSocket never reaches the server), so it keeps showing what it loaded
    kitchen.page.route_web_socket(re.compile(r"^ws://"), lambda _ws: None)
    kitchen.open(web_stack.web_url, "#/signin")
    sign_in(kitchen, DEMO_STAFF.email)
    kitchen.go("#/kitchen")

    card = kitchen.page.locator(f"#order-{to_reject['id']}")
    card.get_by_role("button", name="Reject…").click()
    reason = card.get_by_label(re.compile("Why are you rejecting it"))
    expect(reason).to_be_focused()
    card.get_by_role("button", name="Reject order").click()  # no reason yet: refused in the form
    expect(reason).to_have_attribute("aria-invalid", "true")
    kitchen.step("a rejection asks for its reason")
    reason.fill("The oven is broken today")
    reason.press("Enter")  # the keyboard is enough
    expect(card).to_have_count(0)
    rejected = web_stack.api.get(f"/v1/orders/{to_reject['id']}", headers=customer.headers).json()
    assert (rejected["status"], rejected["statusReason"]) == ("REJECTED", "The oven is broken today")

    accepted = web_stack.api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{moved_elsewhere['id']}/transitions",
        json={"to": "ACCEPTED"},
        headers={**staff.headers, "If-Match": f'"{moved_elsewhere["version"]}"'},
    )
    assert accepted.status_code == 200, accepted.text
    stale = kitchen.page.locator(f"#order-{moved_elsewhere['id']}")
    expect(stale).to_have_attribute("data-status", "PLACED")  # still what the board loaded
    stale.get_by_role("button", name="Accept").click()
    fresh = kitchen.page.locator(f"#order-{moved_elsewhere['id']}")
    expect(fresh).to_have_attribute("data-status", "ACCEPTED")
    expect(fresh.locator(".problem")).to_contain_text("Someone else moved this order first: it is now accepted")
    expect(fresh.locator(".problem")).to_have_attribute("data-status", "412")
    expect(fresh.get_by_role("button", name="Start preparing")).to_be_visible()
    kitchen.step("a conflict, shown on the card")
    now = web_stack.api.get(f"/v1/orders/{moved_elsewhere['id']}", headers=staff.headers).json()
    assert (now["status"], now["version"]) == ("ACCEPTED", accepted.json()["version"])  # nothing overwritten
