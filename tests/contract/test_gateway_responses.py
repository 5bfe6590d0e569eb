"""Every error API Gateway answers itself is problem+json: template.yaml declares a gateway response for each type the
API can meet, each with its status, the problem+json media type, the CORS header and a body that is a complete
problem document (the same ``Problem`` the functions answer with) carrying the request id; and SAM carries them into
the API it deploys unchanged."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from local.gateway import events
from local.gateway.gateway_responses import ErrorContext, GatewayResponses
from local.template import api_properties, gateway_responses
from tests.contract.template_facts import translated
from waiter.adapters.rest import Problem

# What the README and issue 9 promise, and every type the local gateway answers (local.gateway.events).
REQUIRED = {
    "MISSING_AUTHENTICATION_TOKEN": 404,  # unknown routes and methods: API Gateway's 403 made the 404 it means
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "INVALID_API_KEY": 403,
    "THROTTLED": 429,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "AUTHORIZER_FAILURE": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "INTEGRATION_FAILURE": 502,
    "INTEGRATION_TIMEOUT": 504,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 502,
}
DECLARED: dict[str, Any] = api_properties("Api")["GatewayResponses"]
LOCAL_ANSWERS = [value for value in vars(events).values() if isinstance(value, events.GatewayError)]
REQUEST_ID = "0b5e9c1e-1f0a-4c8e-9a55-6c1d2f3e4a5b"


def body_of(response_type: str) -> dict[str, Any]:
    template = DECLARED[response_type]["ResponseTemplates"]["application/json"]
    body: dict[str, Any] = json.loads(template.replace("$context.requestId", REQUEST_ID))
    return body


def test_every_required_type_is_declared_with_its_status() -> None:
    assert {kind: int(DECLARED[kind]["StatusCode"]) for kind in REQUIRED if kind in DECLARED} == REQUIRED


@pytest.mark.parametrize("response_type", sorted(REQUIRED))
def test_each_type_answers_problem_json_with_the_cors_header(response_type: str) -> None:
    headers = DECLARED[response_type]["ResponseParameters"]["Headers"]

    assert headers["Content-Type"] == "'application/problem+json'"
    assert headers["Access-Control-Allow-Origin"] == "'*'"
    assert list(DECLARED[response_type]["ResponseTemplates"]) == ["application/json"]


@pytest.mark.parametrize("response_type", sorted(REQUIRED))
def test_each_body_is_a_complete_problem_with_its_status_and_the_request_id(response_type: str) -> None:
    body = body_of(response_type)
    problem = Problem.model_validate(body)

    assert set(body) == {"type", "title", "status", "detail", "errors", "requestId"}
    assert problem.status == int(DECLARED[response_type]["StatusCode"])
    assert re.fullmatch(r"https://waiter\.dev/problems/[a-z-]+", problem.type)
    assert problem.title
    assert problem.detail
    assert problem.errors == []
    assert problem.request_id == REQUEST_ID


@pytest.mark.parametrize("response_type", sorted(REQUIRED))
def test_bodies_substitute_only_the_request_id(response_type: str) -> None:
    """API Gateway substitutes gateway response variables unescaped: only values that never need escaping go in."""
    template = DECLARED[response_type]["ResponseTemplates"]["application/json"]

    assert re.findall(r"\$[A-Za-z{][\w.}]*", template) == ["$context.requestId"]


@pytest.mark.parametrize("error", LOCAL_ANSWERS, ids=lambda e: f"{e.response_type}-{e.status}")
def test_every_answer_of_the_local_gateway_renders_the_declared_body(error: events.GatewayError) -> None:
    rendered = GatewayResponses(gateway_responses("Api")).render(error, ErrorContext(REQUEST_ID))

    assert error.response_type in DECLARED, f"{error.response_type} would fall to a default"
    assert json.loads(rendered.body) == body_of(error.response_type)
    assert rendered.status == int(DECLARED[error.response_type]["StatusCode"])
    assert ("Content-Type", "application/problem+json") in rendered.headers


def test_sam_deploys_the_declared_gateway_responses_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # SAM's pseudo parameters need a region (no credentials)
    api = translated()["Resources"]["Api"]["Properties"]["Body"]

    deployed = api["x-amazon-apigateway-gateway-responses"]

    assert set(deployed) == set(DECLARED)
    for kind, declared in DECLARED.items():
        assert deployed[kind]["statusCode"] == declared["StatusCode"]
        assert deployed[kind]["responseTemplates"] == declared["ResponseTemplates"]
        assert deployed[kind]["responseParameters"]["gatewayresponse.header.Content-Type"] == (
            "'application/problem+json'"
        )
