"""Paying by card in the browser with the local provider's test cards: the order waits for its payment, a declined
card says so and can be tried again on the same order, and a good card gets the order paid and PLACED, seen live
once the provider's webhook reached the backend. The card number goes to the provider's route, never to Waiter's API."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RESTAURANT_A
from tests.web.conftest import WebStack, sign_up
from tests.web.test_accounts import PASSWORD
from tests.web.test_customer_journey import add_margherita, customer_headers

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

DECLINED, PAYS = "4000000000000002", "4242424242424242"


def test_a_declined_card_then_a_good_one_pays_the_order_and_it_is_placed_live(web_stack: WebStack, tabs: Any) -> None:
    customer = tabs("card")
    card_numbers_sent_to_waiter: list[str] = []

    def watch(request: Any) -> None:
        body = request.post_data or ""
        if request.url.startswith(web_stack.api_url + "/v1/") and (DECLINED in body or PAYS in body):
            card_numbers_sent_to_waiter.append(request.url)

    customer.page.on("request", watch)
    customer.open(web_stack.web_url)
    sign_up(customer, f"web-{uuid.uuid4().hex[:10]}@example.com", PASSWORD, "Card Customer")
    customer.go(f"#/restaurants/{RESTAURANT_A}")
    add_margherita(customer, quantity=2)
    customer.go(f"#/cart/{RESTAURANT_A}")
    customer.page.get_by_label("Card (pay now)").check()
    customer.step("paying by card")
    customer.page.get_by_role("button", name="Place order").click()
    customer.page.wait_for_url(re.compile(r"#/orders/\w+"))
    order_id = customer.page.url.rsplit("/", 1)[1]
    expect(customer.page.locator("#order-status")).to_have_text("awaiting payment")
    expect(customer.page.locator(".live-badge")).to_have_attribute("data-state", "live")
    customer.step("the order awaits its payment")

    customer.page.get_by_label("Card number").fill(DECLINED)
    customer.page.locator("#pay").click()
    expect(customer.page.locator("#pay-status")).to_contain_text("declined")
    expect(customer.page.locator(".status-line")).to_contain_text("payment failed", timeout=20_000)  # pushed
    customer.step("a declined card")
    order = web_stack.api.get(f"/v1/orders/{order_id}", headers=customer_headers(customer)).json()
    assert (order["status"], order["paymentStatus"]) == ("AWAITING_PAYMENT", "FAILED")

    customer.page.get_by_label("Card number").fill(PAYS)
    customer.page.locator("#pay").click()
    expect(customer.page.locator("#pay-status")).to_contain_text("Payment accepted")
    expect(customer.page.locator("#order-status")).to_have_text("placed", timeout=20_000)
    expect(customer.page.locator(".status-line")).to_contain_text("payment paid", timeout=20_000)
    expect(customer.page.locator("section.payment")).to_have_count(0)
    customer.step("paid and placed, live")
    order = web_stack.api.get(f"/v1/orders/{order_id}", headers=customer_headers(customer)).json()
    assert (order["status"], order["paymentStatus"]) == ("PLACED", "PAID")
    assert card_numbers_sent_to_waiter == []
