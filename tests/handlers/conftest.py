"""Fixtures of the handler tests: an empty moto table (``table``, from tests/conftest.py) and catalog data
created through the API itself; for ordering, accounts and partners also freshly wired services, restaurants with
a menu, and moto's Cognito user pool and API Gateway usage plan shaped as template.yaml declares them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.handlers import api
from tests.handlers.ordering_fixtures import Shop, UserPool, clear_service_caches, open_shop, wire_services
from tests.unit.builders import menu_item_body, restaurant_body


@pytest.fixture
def restaurant(table: str) -> dict[str, Any]:
    """An active restaurant created by an admin (EUR, Berlin, pizza + italian), as the API returned it."""
    reply = api.create_restaurant(restaurant_body())
    assert reply.status == 201, reply.body
    body: dict[str, Any] = reply.body
    return body


@pytest.fixture
def menu_item(restaurant: dict[str, Any]) -> dict[str, Any]:
    """A menu item of ``restaurant`` with an option group, as the API returned it."""
    reply = api.create_menu_item(restaurant["id"], menu_item_body())
    assert reply.status == 201, reply.body
    body: dict[str, Any] = reply.body
    return body


# ---- ordering, accounts and partners ------------------------------------------------------------------------------


@pytest.fixture
def services(table: str) -> Iterator[None]:
    """Services wired to this test's moto state (see ``_wire_services``), forgotten afterwards."""
    wire_services()
    yield
    clear_service_caches()


@pytest.fixture
def shop(services: None) -> Shop:
    """A restaurant (EUR, 7 % tax, 2.50 delivery, minimum order 10.00) with a pizza (size required, up to two
    toppings) and a drink."""
    return open_shop()


@pytest.fixture
def other_shop(services: None) -> Shop:
    """A second restaurant with the same menu."""
    return open_shop(name="Trattoria Due")


def _literal(properties: dict[str, Any]) -> dict[str, Any]:
    """Template properties without intrinsic functions (``!Ref``, ``!Sub``, ``!If``): those are deploy-time."""
    return {
        k: v
        for k, v in properties.items()
        if not (isinstance(v, dict) and any(key == "Ref" or key.startswith("Fn::") for key in v))
    }


@pytest.fixture
def user_pool(services: None, monkeypatch: pytest.MonkeyPatch) -> UserPool:
    """The Cognito user pool, app client and groups template.yaml declares, in moto; sign-ups are confirmed at once."""
    import boto3

    from local.template import load_template

    resources = load_template()["Resources"]
    client = boto3.client("cognito-idp")
    pool = _literal(resources["UserPool"]["Properties"])
    pool_id = client.create_user_pool(PoolName="waiter-test", **pool)["UserPool"]["Id"]
    app_client = _literal(resources["UserPoolClient"]["Properties"])
    client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="waiter-api-test", **app_client)[
        "UserPoolClient"
    ]["ClientId"]
    for group in ("CustomersGroup", "StaffGroup", "AdminsGroup"):
        client.create_group(UserPoolId=pool_id, **_literal(resources[group]["Properties"]))
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    monkeypatch.setenv("AUTO_CONFIRM_SIGNUPS", "true")
    wire_services()
    return UserPool(pool_id, client_id)


@pytest.fixture
def usage_plan(services: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """An API Gateway REST API with a usage plan in moto (the one SAM creates for the partner keys)."""
    import boto3

    client = boto3.client("apigateway")
    api_id = client.create_rest_api(name="waiter-test")["id"]
    plan = client.create_usage_plan(
        name="waiter-partners",
        apiStages=[{"apiId": api_id, "stage": "dev"}],
        throttle={"rateLimit": 10.0, "burstLimit": 20},
        quota={"limit": 10_000, "period": "DAY"},
    )
    monkeypatch.setenv("USAGE_PLAN_ID", plan["id"])
    wire_services()
    return str(plan["id"])
