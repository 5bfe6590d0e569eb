"""API Gateway's own answers come out as the project's ``GatewayResponses`` say: every type the local gateway
answers, over HTTP, is the problem+json body template.yaml declares for it, with its status, its CORS header and the
request id.

The throwaway template below declares what produces each answer (an authorizer that denies, fails or knows nobody,
a usage plan with tiny limits, functions that fail, answer malformed or overrun their timeout) and takes its
``GatewayResponses`` verbatim from the project's template.yaml, so what is tested is the project's declaration.
"""

from __future__ import annotations

import json
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from local.gateway import serve_in_background
from local.gateway.boot import Local, start_local
from local.gateway.events import MAX_REQUEST_BYTES, GatewayError
from local.gateway.gateway_responses import ErrorContext, GatewayResponses
from tests.gateway_problems import PROJECT_RESPONSES, assert_gateway_problem

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: test
      Auth:
        DefaultAuthorizer: Keys
        Authorizers:
          Keys:
            FunctionArn: !GetAtt AuthorizerFunction.Arn
            FunctionPayloadType: REQUEST
            Identity: { Headers: [X-Api-Key], ReauthorizeEvery: 0 }
        UsagePlan:
          CreateUsagePlan: PER_API
          Throttle: { RateLimit: 1, BurstLimit: 1 }
          Quota: { Limit: 2, Period: DAY }
      ApiKeySourceType: AUTHORIZER
      GatewayResponses: {responses}
  AuthorizerFunction:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: authorizer/, Handler: app.handler, Runtime: python3.13 }
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reply/
      Handler: app.handler
      Runtime: python3.13
      Timeout: 1
      Events:
        Metered:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /metered, Method: get, Auth: { ApiKeyRequired: true } }
        Open:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: "/open/{kind}", Method: any, Auth: { Authorizer: NONE } }
"""

# X-Api-Key: "<allow|deny|boom>[:<usage identifier>]"; anything else is not a key the authorizer knows.
AUTHORIZER = """\
def handler(event, context):
    kind, _, usage = {k.lower(): v for k, v in event["headers"].items()}["x-api-key"].partition(":")
    effect = {"allow": "Allow", "deny": "Deny"}.get(kind)
    if kind == "boom":
        raise RuntimeError("the authorizer blew up")
    if effect is None:
        raise Exception("Unauthorized")
    api, stage = event["methodArn"].split("/")[:2]
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": f"{api}/{stage}/*/*"}
    return {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            "usageIdentifierKey": usage or None}
"""

# /open/<kind>: fine, a failure, a malformed result, or a run past the function's 1 s timeout.
REPLY = """\
import time


def handler(event, context):
    kind = (event["pathParameters"] or {}).get("kind", "ok")
    if kind == "raise":
        raise RuntimeError("the handler blew up")
    if kind == "malformed":
        return {"statusCode": "200"}
    if kind == "slow":
        time.sleep(2.5)
    return {"statusCode": 200, "body": "{}"}
"""


@dataclass
class Served:
    url: str
    local: Local

    def register_key(self, value: str) -> None:
        """An API key with ``value`` on the usage plan, as the API registers partner keys."""
        apigateway = self.local.stack.client("apigateway")
        key_id = apigateway.create_api_key(name=f"k-{value[:8]}", value=value, enabled=True)["id"]
        plan = self.local.stack.provisioned["ApiUsagePlan"].ref
        apigateway.create_usage_plan_key(usagePlanId=plan, keyId=key_id, keyType="API_KEY")


def write_app(root: Path) -> Path:
    for folder, code in {"authorizer": AUTHORIZER, "reply": REPLY}.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    # JSON is YAML: the project's GatewayResponses go in as they are.
    text = TEMPLATE.replace("{responses}", json.dumps(PROJECT_RESPONSES))
    (root / "template.yaml").write_text(text, encoding="utf-8")
    return root / "template.yaml"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    local = start_local(write_app(tmp_path_factory.mktemp("gateway-responses")), seed=False)
    url, stop = serve_in_background(local=local)
    yield Served(url, local)
    stop()


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=15) as client:
        yield client


# ---- every answer the local gateway makes itself ------------------------------------------------------------


def test_an_unknown_route_is_the_404_no_such_route(http: httpx.Client) -> None:
    assert_gateway_problem(http.get("/nowhere"), "MISSING_AUTHENTICATION_TOKEN")


def test_an_unknown_method_on_a_known_path_is_the_404_no_such_route(http: httpx.Client) -> None:
    assert_gateway_problem(http.delete("/metered"), "MISSING_AUTHENTICATION_TOKEN")


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "nobody"}], ids=["no key", "unknown key"])
def test_missing_or_unknown_credentials_are_the_401(http: httpx.Client, headers: dict[str, str]) -> None:
    assert_gateway_problem(http.get("/metered", headers=headers), "UNAUTHORIZED")


def test_an_authorizer_deny_is_the_403_access_denied(http: httpx.Client) -> None:
    assert_gateway_problem(http.get("/metered", headers={"X-Api-Key": "deny"}), "ACCESS_DENIED")


def test_a_key_the_usage_plan_does_not_know_is_the_403_invalid_api_key(http: httpx.Client) -> None:
    response = http.get("/metered", headers={"X-Api-Key": f"allow:{uuid.uuid4().hex}"})

    assert_gateway_problem(response, "INVALID_API_KEY")


def test_a_failing_authorizer_is_the_500_authorizer_configuration_error(http: httpx.Client) -> None:
    assert_gateway_problem(http.get("/metered", headers={"X-Api-Key": "boom"}), "AUTHORIZER_CONFIGURATION_ERROR")


def test_over_the_rate_is_throttled_and_over_the_quota_is_quota_exceeded(served: Served, http: httpx.Client) -> None:
    usage = uuid.uuid4().hex
    served.register_key(usage)
    key = {"X-Api-Key": f"allow:{usage}"}

    first = http.get("/metered", headers=key)
    over_rate = http.get("/metered", headers=key)
    time.sleep(1.05)  # the bucket refills one token per second
    second = http.get("/metered", headers=key)
    time.sleep(1.05)
    over_quota = http.get("/metered", headers=key)

    assert (first.status_code, second.status_code) == (200, 200)
    assert_gateway_problem(over_rate, "THROTTLED")
    assert_gateway_problem(over_quota, "QUOTA_EXCEEDED")


def test_a_body_over_api_gateways_limit_is_the_413(http: httpx.Client) -> None:
    response = http.post("/open/ok", content=b"x" * (MAX_REQUEST_BYTES + 1))

    assert_gateway_problem(response, "REQUEST_TOO_LARGE")


@pytest.mark.parametrize("kind", ["raise", "malformed"])
def test_a_failing_or_malformed_function_is_the_502(http: httpx.Client, kind: str) -> None:
    assert_gateway_problem(http.get(f"/open/{kind}"), "DEFAULT_5XX")


def test_a_function_past_its_timeout_is_the_504(http: httpx.Client) -> None:
    assert_gateway_problem(http.get("/open/slow"), "INTEGRATION_TIMEOUT")


# ---- rendering ------------------------------------------------------------------------------------------------


def test_substituted_values_are_json_escaped_and_the_message_string_is_quoted() -> None:
    template = '{"m": $context.error.messageString, "p": "$context.path"}'
    responses = GatewayResponses({"DEFAULT_4XX": {"Templates": {"application/json": template}}})
    error = GatewayError("UNAUTHORIZED", 401, 'say "no"')

    answer = responses.render(error, ErrorContext("r-1", path='/a"b\\c'))

    assert json.loads(answer.body) == {"m": 'say "no"', "p": '/a"b\\c'}


def test_a_template_naming_a_variable_the_local_gateway_cannot_fill_fails_at_start() -> None:
    with pytest.raises(ValueError, match=r"UNAUTHORIZED .*\$context\.authorizer\.claims"):
        GatewayResponses({"UNAUTHORIZED": {"Templates": {"application/json": '"$context.authorizer.claims"'}}})
