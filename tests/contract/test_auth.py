"""Authentication as template.yaml sets it up: the Cognito user pool agrees with waiter.accounts (password policy,
groups, the staff attribute only admins write), the API authenticates every route with Cognito except the public
ones listed in tests/contract/access.py (docs/auth.md mirrors that list), partner routes take an API key through
the partner authorizer, and the usage plan meters each key with the limits the parameters set."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.contract.access import (
    DEFAULT_AUTHORIZER,
    NONE,
    PARTNER_AUTHORIZER,
    PUBLIC_OPERATIONS,
    expected_authorizer,
    is_partner_route,
)
from tests.contract.permissions import service_grants
from tests.contract.template_facts import (
    API,
    HTTP_METHODS,
    api_auth,
    function_environment,
    functions,
    get_att,
    route_auth,
    template,
    template_routes,
    translated,
)
from waiter.accounts.models import PASSWORD_MIN_LENGTH, PASSWORD_RULES
from waiter.identity import RESTAURANTS_CLAIM, Role


def _props(logical_id: str) -> dict[str, Any]:
    props: dict[str, Any] = template()["Resources"][logical_id]["Properties"]
    return props


# ---- the user pool --------------------------------------------------------------------------------------------

# A character of each class Cognito's password policy can require, by the policy flag that requires it.
_CHARACTER_CLASSES = {"RequireLowercase": "q", "RequireUppercase": "Q", "RequireNumbers": "7", "RequireSymbols": "!"}


def test_user_pool_password_policy_is_the_one_waiter_accounts_enforces() -> None:
    policy = _props("UserPool")["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == PASSWORD_MIN_LENGTH
    required = set()
    for pattern, message in PASSWORD_RULES:
        classes = {flag for flag, sample in _CHARACTER_CLASSES.items() if re.search(pattern, sample)}
        assert len(classes) == 1, f"the rule {message!r} ({pattern}) is not one Cognito character class"
        required |= classes
    assert {flag for flag in _CHARACTER_CLASSES if policy.get(flag) is True} == required
    assert {flag for flag in _CHARACTER_CLASSES if policy.get(flag) is False} == set(_CHARACTER_CLASSES) - required


def test_user_pool_signs_in_by_email_and_keeps_the_staff_restaurants_attribute() -> None:
    pool = _props("UserPool")
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    custom = RESTAURANTS_CLAIM.removeprefix("custom:")
    [restaurants] = [a for a in pool["Schema"] if a["Name"] == custom]
    assert restaurants["AttributeDataType"] == "String"
    assert restaurants["Mutable"] is True, "admins change it whenever they assign or remove staff"


def test_user_pool_groups_are_the_roles_waiter_identity_knows() -> None:
    groups = {
        props["GroupName"]
        for props in (
            r["Properties"] for r in template()["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolGroup"
        )
        if props["UserPoolId"] == {"Ref": "UserPool"}
    }
    assert groups == {role.value for role in Role if role is not Role.PARTNER}


def test_app_client_cannot_write_the_staff_attribute_but_passes_it_on_as_a_claim() -> None:
    client = _props("UserPoolClient")
    assert client["UserPoolId"] == {"Ref": "UserPool"}
    assert RESTAURANTS_CLAIM not in client["WriteAttributes"], "users would make themselves staff of any restaurant"
    assert RESTAURANTS_CLAIM in client["ReadAttributes"], "the authorizer passes it to the functions as a claim"


def test_app_client_hides_which_accounts_exist_and_offers_the_flows_the_code_uses() -> None:
    client = _props("UserPoolClient")
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["GenerateSecret"] is False, "waiter.accounts.cognito sends no SECRET_HASH"
    # waiter.accounts.cognito signs in with USER_PASSWORD_AUTH and refreshes with REFRESH_TOKEN_AUTH
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"} <= set(client["ExplicitAuthFlows"])
    assert client["EnableTokenRevocation"] is True, "POST /v1/auth/logout revokes refresh tokens"


# ---- the API's authorizers ----------------------------------------------------------------------------------


def test_api_authenticates_with_cognito_unless_a_route_says_otherwise() -> None:
    auth = api_auth()
    assert auth["DefaultAuthorizer"] == DEFAULT_AUTHORIZER
    cognito = auth["Authorizers"][DEFAULT_AUTHORIZER]
    assert get_att(cognito["UserPoolArn"]) == "UserPool"
    assert cognito["Identity"]["Header"] == "Authorization"
    assert auth.get("ApiKeyRequired", False) is False, "only partner routes take an API key"
    assert set(auth["Authorizers"]) == {DEFAULT_AUTHORIZER, PARTNER_AUTHORIZER}


def test_public_operations_are_exactly_the_routes_without_an_authorizer() -> None:
    public = {route for route, auth in route_auth().items() if auth.authorizer == NONE}
    assert public == PUBLIC_OPERATIONS, "change tests/contract/access.py (and docs/auth.md) with the template"
    assert set(template_routes()) >= PUBLIC_OPERATIONS, "every public operation exists"


@pytest.mark.parametrize("route", sorted(template_routes()), ids=[f"{m} {p}" for m, p in sorted(template_routes())])
def test_every_route_has_the_authorizer_its_kind_needs(route: tuple[str, str]) -> None:
    auth = route_auth()[route]
    assert auth.authorizer == expected_authorizer(route)
    assert auth.api_key_required == is_partner_route(route), "partner routes, and only they"


def test_partner_authorizer_is_a_request_authorizer_on_the_api_key_header() -> None:
    partner = api_auth()["Authorizers"][PARTNER_AUTHORIZER]
    assert get_att(partner["FunctionArn"]) == "PartnerAuthorizerFunction"
    assert partner["FunctionPayloadType"] == "REQUEST"
    assert partner["Identity"]["Headers"] == ["X-Api-Key"]
    assert 0 < partner["Identity"]["ReauthorizeEvery"] <= 300, "how long a revoked key keeps working (docs/auth.md)"


def test_usage_plan_meters_each_partner_key_with_the_limits_the_parameters_set() -> None:
    plan = api_auth()["UsagePlan"]
    assert plan["CreateUsagePlan"] == "PER_API"
    assert plan["Throttle"] == {"RateLimit": {"Ref": "PartnerRateLimit"}, "BurstLimit": {"Ref": "PartnerBurstLimit"}}
    assert plan["Quota"] == {"Limit": {"Ref": "PartnerDailyQuota"}, "Period": "DAY"}
    parameters = template()["Parameters"]
    for name in ("PartnerRateLimit", "PartnerBurstLimit", "PartnerDailyQuota"):
        assert parameters[name]["Type"] == "Number"
        assert int(parameters[name]["Default"]) > 0
    assert _props(API)["ApiKeySourceType"] == "AUTHORIZER", "keys are the authorizer's usage identifiers"


# ---- as SAM translates it -------------------------------------------------------------------------------------


def _translated_operations() -> dict[tuple[str, str], dict[str, Any]]:
    body = translated()["Resources"][API]["Properties"]["Body"]
    return {
        (method.upper(), path): operation
        for path, item in body["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_sam_puts_each_route_behind_the_authorizer_its_kind_needs() -> None:
    body = translated()["Resources"][API]["Properties"]["Body"]
    schemes = body["components"]["securitySchemes"]
    cognito = schemes[DEFAULT_AUTHORIZER]["x-amazon-apigateway-authorizer"]
    assert cognito["type"] == "cognito_user_pools"
    assert cognito["providerARNs"] == [{"Fn::GetAtt": ["UserPool", "Arn"]}]
    partner = schemes[PARTNER_AUTHORIZER]["x-amazon-apigateway-authorizer"]
    assert partner["type"] == "request"
    assert partner["identitySource"] == "method.request.header.X-Api-Key"
    operations = _translated_operations()
    assert {r for r in operations if r[0] != "OPTIONS"} == set(template_routes())
    expected_schemes = {
        NONE: set(),
        DEFAULT_AUTHORIZER: {DEFAULT_AUTHORIZER},
        PARTNER_AUTHORIZER: {PARTNER_AUTHORIZER, "api_key"},
    }
    for route, operation in operations.items():
        applied = {name for requirement in operation.get("security") or [] for name in requirement} & set(schemes)
        if route[0] == "OPTIONS":
            assert applied == set(), f"{route}: CORS preflights carry no credentials"
        else:
            assert applied == expected_schemes[expected_authorizer(route)], route


def test_sam_creates_the_usage_plan_on_the_api_stage_and_lets_api_gateway_invoke_the_authorizer() -> None:
    resources = translated()["Resources"]
    assert resources["Api"]["Properties"]["ApiKeySourceType"] == "AUTHORIZER"
    plan = resources["ApiUsagePlan"]
    assert plan["Type"] == "AWS::ApiGateway::UsagePlan"
    assert plan["Properties"]["ApiStages"][0]["ApiId"] == {"Ref": API}
    permissions = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Permission"
        and r["Properties"].get("FunctionName") == {"Fn::GetAtt": ["PartnerAuthorizerFunction", "Arn"]}
    ]
    assert [p["Principal"] for p in permissions] == ["apigateway.amazonaws.com"]


# ---- what the functions are told -------------------------------------------------------------------------------


@pytest.mark.parametrize("logical_id", sorted(functions()))
def test_functions_granted_cognito_or_api_gateway_actions_are_told_which_pool_or_usage_plan(logical_id: str) -> None:
    actions = {a for granted in service_grants(logical_id).values() for a in granted}
    environment = function_environment(logical_id)
    if any(a.startswith("cognito-idp:") for a in actions):
        assert environment["USER_POOL_ID"] == {"Ref": "UserPool"}
        assert environment["USER_POOL_CLIENT_ID"] == {"Ref": "UserPoolClient"}
    if any(a.startswith("apigateway:") for a in actions):
        assert environment["USAGE_PLAN_ID"] == {"Ref": "ApiUsagePlan"}
    else:
        assert "USAGE_PLAN_ID" not in environment
