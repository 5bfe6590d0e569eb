"""The errors API Gateway answers itself, end to end: problem+json as template.yaml's GatewayResponses declare
them, with the request id and the CORS header (the rate and quota answers are in test_partner_keys.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway_problems import assert_gateway_problem

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/nowhere"), ("GET", "/"), ("PUT", "/v1/restaurants"), ("DELETE", "/v1/auth/login")],
    ids=["unknown path", "root", "unknown method", "another unknown method"],
)
def test_an_unknown_route_or_method_is_the_404_no_such_route(api: httpx.Client, method: str, path: str) -> None:
    assert_gateway_problem(api.request(method, path), "MISSING_AUTHENTICATION_TOKEN")


def test_a_route_for_signed_in_callers_without_a_token_is_the_401(api: httpx.Client) -> None:
    assert_gateway_problem(api.get("/v1/me"), "UNAUTHORIZED")


def test_a_garbled_token_is_the_401(api: httpx.Client) -> None:
    assert_gateway_problem(api.get("/v1/carts", headers={"Authorization": "Bearer not-a-jwt"}), "UNAUTHORIZED")


def test_a_body_over_api_gateways_limit_is_the_413(api: httpx.Client) -> None:
    response = api.post("/v1/auth/login", content=b"x" * (10 * 1024 * 1024 + 1))

    assert_gateway_problem(response, "REQUEST_TOO_LARGE")
