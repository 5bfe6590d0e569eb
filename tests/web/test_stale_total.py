"""A total that went stale while the cart was open: staff change an item's price after the customer saw the cart;
checking out with the total on screen is the backend's 409, shown in words with the fresh cart, and pressing again
places the order at the new total."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RESTAURANT_A
from tests.web.conftest import WebStack, sign_up
from tests.web.test_accounts import PASSWORD
from tests.web.test_customer_journey import customer_headers, money

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_a_price_changed_meanwhile_is_the_backends_409_and_checking_out_again_places_the_order(
    web_stack: WebStack, tabs: Any
) -> None:
    customer = tabs("stale")
    customer.open(web_stack.web_url)
    sign_up(customer, f"web-{uuid.uuid4().hex[:10]}@example.com", PASSWORD, "Stale Cart")

    customer.go(f"#/restaurants/{RESTAURANT_A}")
    burrata = customer.page.locator(
        "article.item", has=customer.page.get_by_role("heading", name=re.compile("^Burrata"))
    )
    burrata.get_by_label("Quantity").fill("2")
    burrata.get_by_role("button", name="Add to cart").click()
    expect(customer.page.locator(".cart-status")).to_contain_text("Added Burrata")
    customer.go(f"#/cart/{RESTAURANT_A}")
    shown = customer.page.locator("#cart-total").inner_text()
    customer.step("the cart as seen")

    menu = web_stack.api.get(f"/v1/restaurants/{RESTAURANT_A}/menu").json()
    item = next(i for c in menu["categories"] for i in c["items"] if i["name"] == "Burrata")
    staff = web_stack.staff()
    changed = web_stack.api.patch(
        f"/v1/restaurants/{RESTAURANT_A}/menu-items/{item['id']}",
        json={"price": item["price"] + 100},
        headers=staff.headers,
    )
    assert changed.status_code == 200, changed.text
    try:
        customer.page.get_by_role("button", name="Place order").click()
        problem = customer.page.locator("form.checkout .problem")
        expect(problem).to_have_attribute("data-status", "409")
        expect(problem).to_contain_text("the total is now")
        fresh = web_stack.api.get(
            f"/v1/carts/{RESTAURANT_A}", params={"fulfilment": "pickup"}, headers=customer_headers(customer)
        ).json()
        expect(customer.page.locator("#cart-total")).to_have_text(money(fresh["total"]))
        assert money(fresh["total"]) != shown
        expect(customer.page.locator(".warnings li[data-code=PRICE_CHANGED]")).to_contain_text("Burrata now costs")
        customer.step("the new total, from the backend's 409")

        customer.page.get_by_role("button", name="Place order").click()
        customer.page.wait_for_url(re.compile(r"#/orders/\w+"))
        expect(customer.page.locator("#order-status")).to_have_text("placed")
        order_id = customer.page.url.rsplit("/", 1)[1]
        placed = web_stack.api.get(f"/v1/orders/{order_id}", headers=customer_headers(customer)).json()
        assert placed["total"] == fresh["total"]
        customer.step("placed at the new total")
    finally:
        web_stack.api.patch(
            f"/v1/restaurants/{RESTAURANT_A}/menu-items/{item['id']}",
            json={"price": item["price"]},
            headers=staff.headers,
        )
