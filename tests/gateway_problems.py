"""What API Gateway's own answers must look like, read from template.yaml's ``GatewayResponses``: the problem+json
body declared for a response type, with the request id in it, its status and its CORS header."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from local import template as tpl

PROJECT_RESPONSES: dict[str, Any] = tpl.api_properties("Api")["GatewayResponses"]


def expected_problem(response_type: str, request_id: str) -> dict[str, Any]:
    """The body template.yaml declares for ``response_type``, rendered for the request ``request_id``."""
    template = PROJECT_RESPONSES[response_type]["ResponseTemplates"]["application/json"]
    problem: dict[str, Any] = json.loads(template.replace("$context.requestId", request_id))
    return problem


def assert_gateway_problem(response: httpx.Response, response_type: str) -> None:
    """``response`` is the gateway response template.yaml declares for ``response_type``."""
    request_id = response.headers["x-amzn-RequestId"]
    assert uuid.UUID(request_id)
    assert response.status_code == int(PROJECT_RESPONSES[response_type]["StatusCode"]), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body == expected_problem(response_type, request_id)
    assert body["status"] == response.status_code
    assert body["requestId"] == request_id
