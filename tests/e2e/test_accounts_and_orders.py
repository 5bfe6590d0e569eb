"""Accounts and ownership end to end: the demo accounts, the sign-in rate limit, and one customer's orders being
invisible to another (a 404, never a 403, and nothing changes)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, RESTAURANT_A, Caller, sign_up, skip_when_deployed

pytestmark = pytest.mark.e2e


def me(api: httpx.Client, caller: Caller) -> dict[str, Any]:
    response = api.get("/v1/me", headers=caller.headers)
    assert response.status_code == 200, response.text
    profile: dict[str, Any] = response.json()
    return profile


def test_demo_customer_signs_in_and_is_a_customer(api: httpx.Client, customer: Caller) -> None:
    profile = me(api, customer)

    assert profile["email"] == customer.email
    assert profile["roles"] == ["customers"]
    assert profile["restaurants"] == []


def test_demo_staff_works_for_the_first_demo_restaurant(api: httpx.Client, staff: Caller) -> None:
    profile = me(api, staff)

    assert profile["roles"] == ["staff"]
    assert profile["restaurants"] == [RESTAURANT_A]


def test_demo_admin_is_an_admin(api: httpx.Client, admin: Caller) -> None:
    assert me(api, admin)["roles"] == ["admins"]


def test_failed_sign_ins_are_limited_per_account_with_retry_after(api: httpx.Client) -> None:
    skip_when_deployed("signs up a customer, which a deployed stage confirms by e-mail")
    account = sign_up(api, "Rate Limited")  # its own account: 5 failed attempts per 15 minutes
    wrong = [
        api.post("/v1/auth/login", json={"email": account.email, "password": "Wrong-password-1!"}) for _ in range(5)
    ]  # sign_up's own successful sign-in does not count

    refused = api.post("/v1/auth/login", json={"email": account.email, "password": PASSWORD})

    assert [r.status_code for r in wrong] == [401] * 5
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) > 0


def test_another_customer_cannot_see_or_cancel_an_order(
    api: httpx.Client, customer: Caller, customer_b: Caller, order_a: dict[str, Any]
) -> None:
    before = api.get(f"/v1/orders/{order_a['id']}", headers=customer.headers)
    assert before.status_code == 200, before.text

    seen = api.get(f"/v1/orders/{order_a['id']}", headers=customer_b.headers)
    cancelled = api.post(f"/v1/orders/{order_a['id']}/cancel", headers=customer_b.headers)
    listed = api.get("/v1/orders", params={"limit": 100}, headers=customer_b.headers)
    after = api.get(f"/v1/orders/{order_a['id']}", headers=customer.headers)

    assert seen.status_code == 404, seen.text
    assert cancelled.status_code == 404, cancelled.text
    assert order_a["id"] not in {o["id"] for o in listed.json()["items"]}
    assert after.json() == before.json()
    assert after.json()["status"] == "PLACED"


def test_an_unknown_order_looks_the_same_as_someone_elses(api: httpx.Client, customer_b: Caller) -> None:
    response = api.get(f"/v1/orders/{uuid.uuid4().hex}", headers=customer_b.headers)

    assert response.status_code == 404
