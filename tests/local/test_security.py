"""The gateway's authorizers, API keys and usage plans, against a throwaway template that declares each of them:
a Cognito user pool authorizer (the default), a Lambda REQUEST authorizer with a result cache, a per-API usage
plan metering the identifier the authorizer returns. The template's resources are provisioned in moto (pool, app
client, group, usage plan), and API Gateway's own answers (401, 403, 429, 500) come from the gateway."""

from __future__ import annotations

import json
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.gateway import serve_in_background
from local.gateway.boot import Local, start_local
from tests.e2e.tokens import claims_of, forged_variants, sign

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Rate: { Type: Number, Default: 100 }
  Burst: { Type: Number, Default: 100 }
  Quota: { Type: Number, Default: 1000 }
  AutoConfirmSignUps: { Type: String, Default: "false" }
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: secured
      UsernameAttributes: [email]
      Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } }
      Schema:
        - { Name: email, AttributeDataType: String, Required: true, Mutable: true }
        - { Name: tier, AttributeDataType: String, Mutable: true }
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      ReadAttributes: [email, custom:tier]
      IdTokenValidity: 60
      TokenValidityUnits: { IdToken: minutes }
  Members:
    Type: AWS::Cognito::UserPoolGroup
    Properties: { UserPoolId: !Ref Pool, GroupName: members, Precedence: 5 }
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: test
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users:
            UserPoolArn: !GetAtt Pool.Arn
          Keys:
            FunctionArn: !GetAtt KeyAuthorizerFunction.Arn
            FunctionPayloadType: REQUEST
            Identity: { Headers: [X-Api-Key], ReauthorizeEvery: 60 }
          Tokens:
            FunctionArn: !GetAtt KeyAuthorizerFunction.Arn
            Identity: { Header: X-Token, ValidationExpression: "^(allow|deny).*", ReauthorizeEvery: 0 }
        UsagePlan:
          CreateUsagePlan: PER_API
          Throttle: { RateLimit: !Ref Rate, BurstLimit: !Ref Burst }
          Quota: { Limit: !Ref Quota, Period: DAY }
      ApiKeySourceType: AUTHORIZER
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo/
      Handler: app.handler
      Runtime: python3.13
      Environment:
        Variables:
          POOL: !Ref Pool
          POOL_ARN: !GetAtt Pool.Arn
          CLIENT: !Ref Client
          PLAN: !Ref ApiUsagePlan
          AUTO_CONFIRM: !Ref AutoConfirmSignUps
      Events:
        Me: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /me, Method: get } }
        Public:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /public, Method: get, Auth: { Authorizer: NONE } }
        Scoped:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /scoped
            Method: get
            Auth: { Authorizer: Users, AuthorizationScopes: [aws.cognito.signin.user.admin] }
        Partner:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /partner/{thing}
            Method: get
            Auth: { Authorizer: Keys, ApiKeyRequired: true }
        Keyed:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /keyed, Method: post, Auth: { Authorizer: Keys } }
        Token:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /token, Method: get, Auth: { Authorizer: Tokens } }
  KeyAuthorizerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: authorizer/
      Handler: app.handler
      Runtime: python3.13
"""

ECHO = """\
import json
import os


def handler(event, context):
    env = {k: os.environ.get(k) for k in ("POOL", "POOL_ARN", "CLIENT", "PLAN", "AUTO_CONFIRM")}
    return {"statusCode": 200, "body": json.dumps({"context": event["requestContext"], "env": env})}
"""

# X-Api-Key: "<kind>[:<usage identifier>]" picks the answer; the context tells what the authorizer received.
AUTHORIZER = """\
CALLS = {"n": 0}


def policy(event, effect, resource, **extra):
    return {
        "principalId": "partner-1",
        "policyDocument": {"Version": "2012-10-17",
                           "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
        **extra,
    }


def handler(event, context):
    CALLS["n"] += 1
    if event["type"] == "TOKEN":
        kind, _, usage = event["authorizationToken"].partition(":")
        seen = {"calls": CALLS["n"], "type": event["type"], "keys": ",".join(sorted(event))}
    else:
        headers = {k.lower(): v for k, v in event["headers"].items()}
        kind, _, usage = headers["x-api-key"].partition(":")
        seen = {"calls": CALLS["n"], "type": event["type"], "methodArn": event["methodArn"],
                "resource": event["resource"], "thing": (event["pathParameters"] or {}).get("thing", ""),
                "query": (event["queryStringParameters"] or {}).get("q", ""), "flag": True}
    api, stage = event["methodArn"].split("/")[:2]
    everything = f"{api}/{stage}/*/*"
    if kind == "allow":
        return policy(event, "Allow", everything, context=seen, usageIdentifierKey=usage or None)
    if kind == "deny":
        return policy(event, "Deny", everything)
    if kind == "narrow":
        return policy(event, "Allow", f"{api}/{stage}/GET/partner/*", context=seen, usageIdentifierKey=usage or None)
    if kind == "boom":
        raise RuntimeError("the authorizer blew up")
    if kind == "malformed":
        return {"principalId": "partner-1"}
    if kind == "nested":
        return policy(event, "Allow", everything, context={"nested": {"a": 1}})
    raise Exception("Unauthorized")
"""

PASSWORD = "Correct-horse-9"
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"


@dataclass
class Secured:
    url: str
    local: Local

    def ref(self, logical_id: str) -> str:
        return self.local.stack.provisioned[logical_id].ref

    def client(self, service: str) -> Any:
        return self.local.stack.client(service)

    def user(self, *, groups: tuple[str, ...] = ("members",), tier: str = "gold") -> dict[str, str]:
        """A confirmed user's tokens (signed in through moto's USER_PASSWORD_AUTH)."""
        cognito, pool = self.client("cognito-idp"), self.ref("Pool")
        email = f"u{uuid.uuid4().hex[:10]}@example.com"
        created = cognito.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "custom:tier", "Value": tier}],
            MessageAction="SUPPRESS",
        )["User"]
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=created["Username"], Password=PASSWORD, Permanent=True
        )
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=created["Username"], GroupName=group)
        auth = cognito.initiate_auth(
            ClientId=self.ref("Client"),
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return {"email": email, "id": auth["IdToken"], "access": auth["AccessToken"]}

    def register_key(self, value: str) -> str:
        """An API key with ``value`` on the usage plan (as code registers keys); returns its id."""
        apigateway = self.client("apigateway")
        key_id = str(apigateway.create_api_key(name=f"k-{value[:8]}", value=value, enabled=True)["id"])
        apigateway.create_usage_plan_key(usagePlanId=self.ref("ApiUsagePlan"), keyId=key_id, keyType="API_KEY")
        return key_id


def write_secured_app(root: Path) -> Path:
    for folder, code in {"echo": ECHO, "authorizer": AUTHORIZER}.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    (root / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    return root / "template.yaml"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    template = write_secured_app(tmp_path_factory.mktemp("secured-app"))
    local = start_local(template, parameters={"Rate": "1", "Burst": "1", "Quota": "3"}, seed=False)
    url, stop = serve_in_background(local=local)
    yield Secured(url, local)
    stop()


@pytest.fixture
def http(secured: Secured) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=secured.url, timeout=15) as client:
        yield client


@pytest.fixture(scope="module")
def member(secured: Secured) -> dict[str, str]:
    return secured.user()


def seen(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_gateway_answer(response: httpx.Response, status: int, message: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"message": message}
    assert response.headers["content-type"] == "application/json"


# ---- resources ----------------------------------------------------------------------------------------------


def test_user_pool_client_and_group_are_created_as_declared(secured: Secured) -> None:
    cognito, pool_id = secured.client("cognito-idp"), secured.ref("Pool")

    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=secured.ref("Client"))["UserPoolClient"]
    group = cognito.get_group(UserPoolId=pool_id, GroupName="members")["Group"]

    assert pool["Name"] == "secured"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert "custom:tier" in {a["Name"] for a in pool["SchemaAttributes"]}
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["ReadAttributes"] == ["email", "custom:tier"]
    assert client["IdTokenValidity"] == 60
    assert group["Precedence"] == 5


def test_generated_usage_plan_has_the_resolved_limits(secured: Secured) -> None:
    plan = secured.client("apigateway").get_usage_plan(usagePlanId=secured.ref("ApiUsagePlan"))

    assert plan["throttle"] == {"rateLimit": 1.0, "burstLimit": 1}
    assert plan["quota"]["limit"] == 3
    assert plan["quota"]["period"] == "DAY"


def test_refs_and_attributes_reach_the_environment_and_sign_ups_are_confirmed_locally(
    secured: Secured, http: httpx.Client
) -> None:
    env = seen(http.get("/public"))["env"]

    assert env["POOL"] == secured.ref("Pool")
    assert env["POOL_ARN"].endswith(f":userpool/{secured.ref('Pool')}")
    assert env["CLIENT"] == secured.ref("Client")
    assert env["PLAN"] == secured.ref("ApiUsagePlan")
    assert env["AUTO_CONFIRM"] == "true"


# ---- the Cognito authorizer ---------------------------------------------------------------------------------


def test_public_route_needs_no_token_and_gets_no_authorizer_context(http: httpx.Client) -> None:
    assert "authorizer" not in seen(http.get("/public"))["context"]


@pytest.mark.parametrize("scheme", ["Bearer ", "bearer ", ""])
def test_valid_id_token_passes_with_its_claims_as_strings(
    http: httpx.Client, member: dict[str, str], scheme: str
) -> None:
    context = seen(http.get("/me", headers={"Authorization": scheme + member["id"]}))["context"]

    claims = context["authorizer"]["claims"]
    assert set(context["authorizer"]) == {"claims"}
    assert claims["sub"] == claims_of(member["id"])["sub"]
    assert claims["email"] == member["email"]
    assert claims["cognito:groups"] == "members"
    assert claims["custom:tier"] == "gold"
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())
    assert claims["exp"].endswith(time.strftime("UTC %Y", time.gmtime()))


@pytest.mark.parametrize(
    "variant",
    ["no token", "expired", "bad signature", "alg none", "another pool", "another client", "tampered claims",
     "access token", "garbage"],
)  # fmt: skip
def test_bad_tokens_are_refused_by_the_gateway(http: httpx.Client, member: dict[str, str], variant: str) -> None:
    token = forged_variants(member["id"])[variant]

    response = http.get("/me", headers={"Authorization": f"Bearer {token}"} if token else {})

    assert_gateway_answer(response, 401, "Unauthorized")
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"


def test_token_expired_within_the_clock_skew_still_passes_and_beyond_it_does_not(
    http: httpx.Client, member: dict[str, str]
) -> None:
    claims = claims_of(member["id"])
    just_now = sign({**claims, "exp": int(time.time()) - 1})
    too_late = sign({**claims, "exp": int(time.time()) - 10})

    assert http.get("/me", headers={"Authorization": just_now}).status_code == 200
    assert http.get("/me", headers={"Authorization": too_late}).status_code == 401


def test_a_token_accepted_before_is_refused_once_it_expires(http: httpx.Client, member: dict[str, str]) -> None:
    expiring = sign({**claims_of(member["id"]), "exp": int(time.time())})  # valid for the clock skew only

    assert http.get("/me", headers={"Authorization": expiring}).status_code == 200
    time.sleep(3.1)
    assert_gateway_answer(http.get("/me", headers={"Authorization": expiring}), 401, "Unauthorized")


def test_route_with_scopes_takes_an_access_token_with_the_scope_and_not_an_id_token(
    http: httpx.Client, member: dict[str, str]
) -> None:
    claims = seen(http.get("/scoped", headers={"Authorization": member["access"]}))["context"]["authorizer"]["claims"]

    assert claims["token_use"] == "access"
    assert http.get("/scoped", headers={"Authorization": member["id"]}).status_code == 401
    assert http.get("/me", headers={"Authorization": member["access"]}).status_code == 401


# ---- the Lambda REQUEST authorizer --------------------------------------------------------------------------


def test_missing_identity_source_is_a_401_without_calling_the_authorizer(http: httpx.Client) -> None:
    calls_before = seen(http.post("/keyed", headers={"X-Api-Key": f"allow:{uuid.uuid4()}"}))["context"]["authorizer"]

    assert_gateway_answer(http.post("/keyed"), 401, "Unauthorized")
    assert_gateway_answer(http.post("/keyed", headers={"X-Api-Key": ""}), 401, "Unauthorized")
    calls_after = seen(http.post("/keyed", headers={"X-Api-Key": f"allow:{uuid.uuid4()}"}))["context"]["authorizer"]
    assert int(calls_after["calls"]) == int(calls_before["calls"]) + 1


def test_allow_merges_the_context_as_strings_with_the_principal(http: httpx.Client) -> None:
    response = http.post("/keyed?q=1", headers={"X-Api-Key": f"allow:{uuid.uuid4()}"})
    authorizer = seen(response)["context"]["authorizer"]

    assert authorizer["principalId"] == "partner-1"
    assert authorizer["type"] == "REQUEST"
    assert authorizer["resource"] == "/keyed"
    assert authorizer["query"] == "1"
    assert authorizer["flag"] == "true"
    assert authorizer["methodArn"] == "arn:aws:execute-api:us-east-1:123456789012:local/local/POST/keyed"
    assert isinstance(authorizer["integrationLatency"], int)


def test_the_policy_is_cached_per_identity_and_evaluated_for_each_method(secured: Secured, http: httpx.Client) -> None:
    usage = uuid.uuid4().hex
    secured.register_key(usage)
    key = {"X-Api-Key": f"narrow:{usage}"}

    first = seen(http.get("/partner/a", headers=key))["context"]["authorizer"]
    time.sleep(1.1)  # the usage plan allows one request per second
    second = seen(http.get("/partner/b", headers=key))["context"]["authorizer"]
    refused = http.post("/keyed", headers=key)  # the cached policy does not allow POST /keyed

    assert first["calls"] == second["calls"]
    assert first["thing"] == "a"  # the cached context is the first call's, as in API Gateway
    assert_gateway_answer(refused, 403, "User is not authorized to access this resource")


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("deny", 403, EXPLICIT_DENY),
        ("unknown", 401, "Unauthorized"),
        ("boom", 500, None),
        ("malformed", 500, None),
        ("nested", 500, None),
    ],
)
def test_authorizer_answers_become_api_gateways(
    http: httpx.Client, kind: str, status: int, message: str | None
) -> None:
    assert_gateway_answer(http.post("/keyed", headers={"X-Api-Key": f"{kind}:{uuid.uuid4()}"}), status, message)


def test_token_authorizer_gets_the_header_value_after_its_validation_expression(http: httpx.Client) -> None:
    allowed = seen(http.get("/token", headers={"X-Token": "allow"}))["context"]["authorizer"]
    again = seen(http.get("/token", headers={"X-Token": "allow"}))["context"]["authorizer"]

    assert allowed["type"] == "TOKEN"
    assert allowed["keys"] == "authorizationToken,methodArn,type"
    assert int(again["calls"]) == int(allowed["calls"]) + 1  # ReauthorizeEvery: 0 caches nothing
    assert_gateway_answer(http.get("/token"), 401, "Unauthorized")
    assert_gateway_answer(http.get("/token", headers={"X-Token": "boom"}), 401, "Unauthorized")  # fails the regex
    assert_gateway_answer(http.get("/token", headers={"X-Token": "deny"}), 403, EXPLICIT_DENY)


# ---- API keys and the usage plan ----------------------------------------------------------------------------


def test_required_key_must_be_registered_on_the_usage_plan(secured: Secured, http: httpx.Client) -> None:
    usage = uuid.uuid4().hex

    assert_gateway_answer(http.get("/partner/x", headers={"X-Api-Key": "allow"}), 403, "Forbidden")
    assert_gateway_answer(http.get("/partner/x", headers={"X-Api-Key": f"allow:{usage}"}), 403, "Forbidden")
    key_id = secured.register_key(usage)
    identity = seen(http.get("/partner/x", headers={"X-Api-Key": f"allow:{usage}"}))["context"]["identity"]

    assert identity["apiKey"] == usage
    assert identity["apiKeyId"] == key_id


def test_requests_over_the_rate_are_throttled_per_key(secured: Secured, http: httpx.Client) -> None:
    one, two = uuid.uuid4().hex, uuid.uuid4().hex
    secured.register_key(one)
    secured.register_key(two)

    assert http.get("/partner/x", headers={"X-Api-Key": f"allow:{one}"}).status_code == 200
    throttled = http.get("/partner/x", headers={"X-Api-Key": f"allow:{one}"})
    other_key = http.get("/partner/x", headers={"X-Api-Key": f"allow:{two}"})

    assert_gateway_answer(throttled, 429, "Too Many Requests")
    assert other_key.status_code == 200


def test_a_deleted_key_stops_working_within_a_second(secured: Secured, http: httpx.Client) -> None:
    usage = uuid.uuid4().hex
    key_id = secured.register_key(usage)
    assert http.get("/partner/x", headers={"X-Api-Key": f"allow:{usage}"}).status_code == 200

    secured.client("apigateway").delete_api_key(apiKey=key_id)
    time.sleep(1.1)

    assert_gateway_answer(http.get("/partner/x", headers={"X-Api-Key": f"allow:{usage}"}), 403, "Forbidden")


def test_gateway_answers_are_json_with_cors_headers_like_the_others(http: httpx.Client) -> None:
    response = http.get("/me")

    assert json.loads(response.text) == {"message": "Unauthorized"}
    assert "x-amzn-RequestId" in response.headers
