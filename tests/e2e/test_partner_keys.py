"""Partner (POS) API keys end to end: the PartnerKeyAuthorizer in front of /v1/partner/*, the key's restaurant
scope, revocation, and the usage plan (rate, burst, daily quota) metering each key.

The rate and quota tests start a second local gateway with tiny limits (``--parameter-overrides
PartnerRateLimit=1 PartnerBurstLimit=1 PartnerDailyQuota=2``) and use its demo partner key.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway, skip_when_deployed, start_gateway
from tests.gateway_problems import assert_gateway_problem

pytestmark = pytest.mark.e2e


def key_headers(key: str) -> dict[str, str]:
    return {"X-Api-Key": key}


@pytest.fixture(scope="module")
def demo_key(gateway: Gateway) -> str:
    skip_when_deployed("the demo partner key exists in the local stack only")
    return gateway.demo_partner_key()


def create_key(api: httpx.Client, staff: Caller, name: str) -> dict[str, Any]:
    created = api.post(f"/v1/restaurants/{RESTAURANT_A}/api-keys", json={"name": name}, headers=staff.headers)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def revoke_key(api: httpx.Client, staff: Caller, key_id: str) -> None:
    revoked = api.delete(f"/v1/restaurants/{RESTAURANT_A}/api-keys/{key_id}", headers=staff.headers)
    assert revoked.status_code in (200, 204), revoked.text


def test_partner_routes_need_a_key(api: httpx.Client) -> None:
    for headers in ({}, key_headers(""), key_headers("wtr_0123456789abcdef_not-a-real-secret"), key_headers("x")):
        response = api.get("/v1/partner/orders", headers=headers)
        assert_gateway_problem(response, "UNAUTHORIZED")


def test_a_cognito_token_is_no_partner_key(api: httpx.Client, staff: Caller) -> None:
    assert api.get("/v1/partner/orders", headers=staff.headers).status_code == 401


def test_the_key_sees_only_its_restaurants_orders(
    api: httpx.Client, demo_key: str, order_a: dict[str, Any], order_b: dict[str, Any], order_at_b: dict[str, Any]
) -> None:
    response = api.get("/v1/partner/orders", params={"limit": 100}, headers=key_headers(demo_key))

    assert response.status_code == 200, response.text
    orders = response.json()["items"]
    assert {o["restaurantId"] for o in orders} == {RESTAURANT_A}
    assert {order_a["id"], order_b["id"]} <= {o["id"] for o in orders}
    assert order_at_b["id"] not in {o["id"] for o in orders}


def test_the_key_of_one_restaurant_cannot_move_anothers_order(
    api: httpx.Client, demo_key: str, order_at_b: dict[str, Any], customer_b: Caller
) -> None:
    response = api.post(
        f"/v1/partner/orders/{order_at_b['id']}/transitions", json={"to": "ACCEPTED"}, headers=key_headers(demo_key)
    )

    assert response.status_code in (403, 404), response.text
    assert api.get(f"/v1/orders/{order_at_b['id']}", headers=customer_b.headers).json()["status"] == "PLACED"


def test_a_revoked_key_is_refused(api: httpx.Client, staff: Caller) -> None:
    created = create_key(api, staff, "E2E revoked before use")
    revoke_key(api, staff, created["id"])

    response = api.get("/v1/partner/orders", headers=key_headers(created["key"]))

    assert_gateway_problem(response, "ACCESS_DENIED")


def test_a_key_revoked_after_use_stops_at_the_usage_plan_before_the_cached_allow_expires(
    api: httpx.Client, staff: Caller
) -> None:
    """The authorizer's Allow stays cached for 60 s, but revoking deletes the key's usage identifier from the usage
    plan, which the gateway checks on every call (it re-reads the plan's keys at most a second later)."""
    skip_when_deployed("how fast a deleted API key stops working is API Gateway's business")
    created = create_key(api, staff, "E2E revoked after use")
    assert api.get("/v1/partner/orders", headers=key_headers(created["key"])).status_code == 200

    revoke_key(api, staff, created["id"])
    time.sleep(1.1)

    response = api.get("/v1/partner/orders", headers=key_headers(created["key"]))
    assert_gateway_problem(response, "INVALID_API_KEY")


# ---- usage plan limits (a gateway with tiny ones) ----------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_limits() -> Iterator[Gateway]:
    skip_when_deployed("starts a local gateway with its own usage plan limits")
    started, stop = start_gateway(
        "--parameter-overrides", "PartnerRateLimit=1", "PartnerBurstLimit=1", "PartnerDailyQuota=2"
    )
    try:
        yield started
    finally:
        stop()


def test_usage_plan_throttles_then_enforces_the_daily_quota(tiny_limits: Gateway) -> None:
    headers = key_headers(tiny_limits.demo_partner_key())
    with httpx.Client(base_url=tiny_limits.url, timeout=30) as api:
        first = api.get("/v1/partner/orders", headers=headers)
        over_rate = api.get("/v1/partner/orders", headers=headers)
        time.sleep(1.05)  # the bucket refills one token per second
        second = api.get("/v1/partner/orders", headers=headers)
        time.sleep(1.05)
        over_quota = api.get("/v1/partner/orders", headers=headers)

    assert first.status_code == 200, first.text
    assert_gateway_problem(over_rate, "THROTTLED")
    assert second.status_code == 200, second.text
    assert_gateway_problem(over_quota, "QUOTA_EXCEEDED")
