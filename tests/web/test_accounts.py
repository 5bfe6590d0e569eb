"""Accounts in the browser: a sign-up the identity provider refuses shows each broken rule on the password field; a
sign-up that works signs the person in; signing out revokes the refresh token at the API and leaves no token in the
browser."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PHONE, WebStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PASSWORD = "Web-client-test-1!"


def test_sign_up_shows_the_refused_field_then_sign_out_clears_every_token(web_stack: WebStack, tabs: Any) -> None:
    person = tabs("new-customer", viewport=PHONE)
    person.open(web_stack.web_url, "#/signup")
    email = f"web-{uuid.uuid4().hex[:10]}@example.com"
    person.page.get_by_label("Name").fill("Web Customer")
    person.page.get_by_label("E-mail").fill(email)
    person.page.get_by_label("Password").fill("short")
    person.page.get_by_role("button", name="Sign up").click()
    problem = person.page.locator(".problem:visible")
    expect(problem).to_contain_text("password")
    expect(person.page.locator("#f-password")).to_have_attribute("aria-invalid", "true")
    person.step("a refused password, named")

    person.page.get_by_label("Password").fill(PASSWORD)
    person.page.get_by_role("button", name="Sign up").click()
    person.wait_for("#/")
    expect(person.page.locator("#whoami")).to_have_text(f"Signed in as {email}")
    person.step("signed up and in")
    stored = person.page.evaluate("() => JSON.parse(sessionStorage.getItem('waiter.session'))")
    assert stored["idToken"]
    assert stored["refreshToken"]

    person.page.get_by_role("button", name="Sign out").click()
    person.wait_for("#/signin")
    person.step("signed out")
    left = person.page.evaluate(
        "() => ({session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookies: document.cookie})"
    )
    assert left == {"session": [], "local": [], "cookies": ""}
    refreshed = web_stack.api.post("/v1/auth/refresh", json={"refreshToken": stored["refreshToken"]})
    assert refreshed.status_code in (400, 401), refreshed.text  # revoked at the API, not only forgotten here
