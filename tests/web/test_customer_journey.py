"""The whole customer journey in a browser, with the kitchen in a second one: browse with filters and paging, pick
a menu item's options (the form enforces the groups' limits), fill the cart (every amount the backend's), apply a
discount code, check out, and watch the order go to PICKED_UP live while the demo staff moves it on the kitchen
board; a move someone else made first shows as a conflict; a rejection needs its reason, which the customer reads."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from local.seed import DEMO_CUSTOMER, DEMO_STAFF
from tests.e2e.conftest import RESTAURANT_A
from tests.web.conftest import PHONE, Tab, WebStack, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def money(cents: int) -> str:
    return f"€{cents / 100:,.2f}"


def add_margherita(tab: Tab, *, extras: int = 0, quantity: int = 2) -> None:
    """On the demo pizzeria's menu: a Margherita with the first size and ``extras`` extras."""
    item = tab.page.locator("article.item", has=tab.page.get_by_role("heading", name=re.compile("^Margherita")))
    boxes = item.locator("fieldset[data-group=extras] input[type=checkbox]")
    for index in range(extras):
        boxes.nth(index).check()
    item.get_by_label("Quantity").fill(str(quantity))
    item.get_by_role("button", name="Add to cart").click()
    expect(tab.page.locator(".cart-status")).to_contain_text("Added Margherita")


def staff_discount(stack: WebStack, percent: int = 10) -> str:
    code = f"WEB{uuid.uuid4().hex[:6].upper()}"
    staff = stack.staff()
    now = datetime.now(UTC)
    response = stack.api.post(
        f"/v1/restaurants/{RESTAURANT_A}/discounts",
        json={
            "code": code,
            "kind": "percent",
            "percentBps": percent * 100,
            "validFrom": (now - timedelta(hours=1)).isoformat(),
            "validUntil": (now + timedelta(days=1)).isoformat(),
        },
        headers=staff.headers,
    )
    assert response.status_code == 201, response.text
    return code


def browse(stack: WebStack, customer: Tab) -> None:
    """Paging and the city and cuisine filters, signed out."""
    customer.open(stack.web_url, "#/?limit=2")
    customer.step("restaurants, two a page")
    expect(customer.page.locator("ul.cards > li")).to_have_count(2)
    customer.page.get_by_role("link", name="Next page").click()
    expect(customer.page.locator("ul.cards > li")).to_have_count(2)
    customer.step("the second page")
    customer.page.get_by_label("City").fill("Berlin")
    customer.page.get_by_label("Cuisine").fill("pizza")
    customer.page.get_by_role("button", name="Search").click()
    expect(customer.page.locator("ul.cards > li")).to_have_count(1)
    expect(customer.page.locator("ul.cards")).to_contain_text("Spree Pizza Werk")
    customer.step("filtered by city and cuisine")


def choose_options(customer: Tab) -> None:
    """The extras group allows at most four: the fifth box is disabled once four are ticked."""
    customer.go(f"#/restaurants/{RESTAURANT_A}")
    customer.step("the menu by category")
    item = customer.page.locator(
        "article.item", has=customer.page.get_by_role("heading", name=re.compile("^Margherita"))
    )
    boxes = item.locator("fieldset[data-group=extras] input[type=checkbox]")
    for index in range(4):
        boxes.nth(index).check()
    expect(boxes.nth(4)).to_be_disabled()
    customer.step("at most four extras")
    for index in range(4):
        boxes.nth(index).uncheck()
    add_margherita(customer, extras=1, quantity=2)
    customer.step("added to the cart")


def cart_with_discount(stack: WebStack, customer: Tab) -> None:
    """The cart shows the backend's total; an unknown code is refused in words; a real one lowers the total."""
    customer.page.get_by_role("link", name="View cart and check out").click()
    customer.wait_for(f"#/cart/{RESTAURANT_A}")
    expect(customer.page.locator("#cart-total")).to_have_text(money(priced_cart(stack, customer)["total"]))
    customer.step("the cart, priced by the backend")
    code_box = customer.page.get_by_role("textbox", name="Discount code")
    code_box.fill("NO-SUCH-CODE")
    customer.page.get_by_role("button", name="Apply").click()
    expect(customer.page.locator("form.discount .problem")).to_contain_text("code")
    customer.step("an unknown code, in words")
    code_box.fill(staff_discount(stack))
    customer.page.get_by_role("button", name="Apply").click()
    expect(customer.page.locator("#discount")).to_be_visible()
    priced = priced_cart(stack, customer)
    assert priced["discount"] > 0
    expect(customer.page.locator("#cart-total")).to_have_text(money(priced["total"]))
    customer.step("the discount applied")


def test_customer_orders_and_watches_the_kitchen_move_the_order_to_picked_up_live(
    web_stack: WebStack, tabs: Any
) -> None:
    customer = tabs("customer")
    sockets: list[Any] = []  # the customer's WebSocket connections, passed through so the test can drop one

    def through(ws: Any) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    customer.page.route_web_socket(re.compile(r"^ws://"), through)
    browse(web_stack, customer)
    sign_in(customer, DEMO_CUSTOMER.email)  # the local config prefills the demo customer
    choose_options(customer)
    cart_with_discount(web_stack, customer)

    kitchen = tabs("staff", viewport=PHONE)
    kitchen.open(web_stack.web_url, "#/signin")
    sign_in(kitchen, DEMO_STAFF.email)
    kitchen.go("#/kitchen")
    expect(kitchen.page.locator(".live-badge")).to_have_attribute("data-state", "live")
    kitchen.step("the kitchen board at phone width")

    before = len(web_stack.api.get("/v1/orders", headers=customer_headers(customer)).json()["items"])
    customer.page.get_by_role("button", name="Place order").dblclick()  # a double click places one order
    customer.page.wait_for_url(re.compile(r"#/orders/\w+"))
    order_id = customer.page.url.rsplit("/", 1)[1]
    expect(customer.page.locator("#order-status")).to_have_text("placed")
    expect(customer.page.locator(".live-badge")).to_have_attribute("data-state", "live")
    customer.step("the order, placed")
    mine = web_stack.api.get("/v1/orders", headers=customer_headers(customer)).json()["items"]
    assert len(mine) == before + 1
    assert mine[0]["id"] == order_id

    ticket = kitchen.page.locator(f"#order-{order_id}")
    expect(ticket).to_be_visible(timeout=20_000)  # pushed to the board, not reloaded
    kitchen.step("the new order, live on the board")
    assert sorted(ticket.locator(".actions button").evaluate_all("bs => bs.map(b => b.dataset.to)")) == [
        "ACCEPTED",
        "CANCELLED",
        "REJECTED",
    ]
    for button, status in [
        ("Accept", "accepted"),
        ("Start preparing", "preparing"),
        ("Mark ready", "ready"),
        ("Picked up", "picked up"),
    ]:
        kitchen.page.locator(f"#order-{order_id}").get_by_role("button", name=button).click()
        expect(customer.page.locator("#order-status")).to_have_text(status)  # pushed to the customer's page
        kitchen.step(f"moved to {status}")
        customer.step(f"seen live: {status}")
        if status == "accepted":  # the connection drops: the page reconnects by itself and subscribes again
            dropped = len(sockets)
            sockets[-1].close(code=1006)
            for _ in range(150):  # a new connection, made by the page after its backoff
                if len(sockets) > dropped:
                    break
                customer.page.wait_for_timeout(100)
            assert len(sockets) == dropped + 1
            expect(customer.page.locator(".live-badge")).to_have_attribute("data-state", "live", timeout=15_000)
            customer.step("reconnected after the socket dropped")
    expect(kitchen.page.locator(f"#order-{order_id}")).to_have_count(0)  # done: off the board
    customer.go("#/orders")
    expect(customer.page.locator(f"li[data-order='{order_id}'] .status")).to_have_text("picked up")
    customer.step("my orders")


def priced_cart(stack: WebStack, tab: Tab) -> dict[str, Any]:
    response = stack.api.get(
        f"/v1/carts/{RESTAURANT_A}", params={"fulfilment": "pickup"}, headers=customer_headers(tab)
    )
    assert response.status_code == 200, response.text
    cart: dict[str, Any] = response.json()
    return cart


def customer_headers(tab: Tab) -> dict[str, str]:
    token = tab.page.evaluate("() => JSON.parse(sessionStorage.getItem('waiter.session')).idToken")
    return {"Authorization": f"Bearer {token}"}
