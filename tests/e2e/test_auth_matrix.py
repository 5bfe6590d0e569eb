"""Who may call what, for every operation the template declares (generated from template.yaml and openapi.json,
so a new route is covered without touching this file):

- every operation behind the Cognito authorizer refuses a missing, expired, forged, ``alg: none``, other-pool,
  other-client, tampered or non-ID token with API Gateway's own 401 (the function never runs);
- every staff/admin operation (a Cognito operation whose OpenAPI tags are not customer tags) called by the demo
  customer is a 403. Path parameters are filled with real ids (the seeded restaurant and item, the demo partner
  key, the demo staff member, an order of another customer) and bodies are small valid examples, so the answer
  is the domain's authorization decision, not a validation error. An order of someone else may be a 404
  instead: ownership is not probeable (docs/auth.md);
- the staff of restaurant A get 403 (or 404 for ids that are not B's) on restaurant B's management operations,
  and 403 on the admin-only operations of their own restaurant.

Forged tokens are signed with moto's key, so these run against the local gateway only (except "no token").
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RESTAURANT_A, RESTAURANT_B, Caller, skip_when_deployed
from tests.e2e.surface import (
    Operation,
    cognito_operations,
    example_body,
    operations,
    partner_operations,
    staff_or_admin_operations,
)
from tests.e2e.tokens import forged_variants
from tests.gateway_problems import assert_gateway_problem

pytestmark = pytest.mark.e2e

VARIANTS = ["no token", "expired", "bad signature", "alg none", "another pool", "another client", "tampered claims",
            "access token", "garbage"]  # fmt: skip

# docs/auth.md: only admins create and delete restaurants and assign or remove staff.
ADMIN_ONLY = {"createRestaurant", "deleteRestaurant", "assignStaff", "removeStaff"}


def call(api: httpx.Client, operation: Operation, values: dict[str, str], caller: Caller | None) -> httpx.Response:
    return api.request(
        operation.method,
        operation.url(values),
        json=example_body(operation),
        headers=caller.headers if caller else {},
    )


def first_item(api: httpx.Client, restaurant_id: str) -> str:
    menu = api.get(f"/v1/restaurants/{restaurant_id}/menu").json()
    return str(menu["categories"][0]["items"][0]["id"])


@pytest.fixture(scope="session")
def forged(customer: Caller) -> dict[str, str | None]:
    return forged_variants(customer.token)


@pytest.fixture(scope="session")
def demo_key_id(api: httpx.Client, staff: Caller) -> str:
    keys = api.get(f"/v1/restaurants/{RESTAURANT_A}/api-keys", headers=staff.headers)
    assert keys.status_code == 200, keys.text
    return str(keys.json()["items"][0]["id"])


@pytest.fixture(scope="session")
def ids_at_a(api: httpx.Client, staff: Caller, order_b: dict[str, Any], demo_key_id: str) -> dict[str, str]:
    """Path parameter values at restaurant A; the order is customer B's."""
    return {
        "restaurantId": RESTAURANT_A,
        "itemId": first_item(api, RESTAURANT_A),
        "orderId": str(order_b["id"]),
        "keyId": demo_key_id,
        "userId": staff.sub,
        "lineId": "no-such-line",
    }


@pytest.fixture(scope="session")
def ids_at_b(api: httpx.Client, staff: Caller, order_a: dict[str, Any], demo_key_id: str) -> dict[str, str]:
    """Path parameter values naming restaurant B (the order and the key are A's)."""
    return {
        "restaurantId": RESTAURANT_B,
        "itemId": first_item(api, RESTAURANT_B),
        "orderId": str(order_a["id"]),
        "keyId": demo_key_id,
        "userId": staff.sub,
        "lineId": "no-such-line",
    }


def test_the_surface_is_classified() -> None:
    """Every route is public, Cognito-protected or partner-key-protected; guards against an empty matrix."""
    assert all(op.authorizer is None or op.authorizer_kind in ("cognito", "lambda") for op in operations())
    assert len(cognito_operations()) >= 20
    assert len(staff_or_admin_operations()) >= 10
    assert {op.operation_id for op in partner_operations()} == {
        "partnerListOrders", "partnerTransitionOrder", "partnerSetAvailability", "partnerGetMenu",
        "partnerSetItemAvailability",
    }  # fmt: skip
    assert all(op.api_key_required for op in partner_operations())


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("operation", cognito_operations(), ids=str)
def test_protected_operation_refuses_a_bad_token_at_the_gateway(
    api: httpx.Client, operation: Operation, variant: str, request: pytest.FixtureRequest
) -> None:
    token = None
    if variant != "no token":
        skip_when_deployed("forged tokens are signed with moto's key")
        token = request.getfixturevalue("forged")[variant]
    values = {name: "x" for name in operation.path_parameters}

    response = api.request(
        operation.method,
        operation.url(values),
        json=example_body(operation),
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )

    assert_gateway_problem(response, "UNAUTHORIZED")


@pytest.mark.parametrize("operation", staff_or_admin_operations(), ids=str)
def test_customer_is_refused_every_staff_and_admin_operation(
    api: httpx.Client, customer: Caller, ids_at_a: dict[str, str], operation: Operation
) -> None:
    response = call(api, operation, ids_at_a, customer)

    allowed = {403, 404} if "orderId" in operation.path_parameters else {403}
    assert response.status_code in allowed, f"{operation}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "operation", [op for op in staff_or_admin_operations() if "restaurantId" in op.path_parameters], ids=str
)
def test_staff_of_one_restaurant_cannot_manage_another(
    api: httpx.Client, staff: Caller, ids_at_b: dict[str, str], operation: Operation
) -> None:
    response = call(api, operation, ids_at_b, staff)

    assert response.status_code in (403, 404), f"{operation}: {response.status_code} {response.text}"


@pytest.mark.parametrize(
    "operation", [op for op in staff_or_admin_operations() if op.operation_id in ADMIN_ONLY], ids=str
)
def test_staff_cannot_do_what_only_admins_do_even_at_their_restaurant(
    api: httpx.Client, staff: Caller, ids_at_a: dict[str, str], operation: Operation
) -> None:
    assert call(api, operation, ids_at_a, staff).status_code == 403
