"""Each route's authorizer, API key requirement and usage plan, derived from the template as SAM derives them,
and the two pipeline steps that enforce them (``security_steps``).

- The authorizer of an ``Api`` event is its ``Auth.Authorizer``, else the API's ``Auth.DefaultAuthorizer``;
  ``NONE`` means none. An authorizer with ``UserPoolArn`` is a Cognito one, one with ``FunctionArn`` a Lambda
  authorizer (``FunctionPayloadType`` TOKEN, the default, or REQUEST); ``AWS_IAM`` cannot be checked locally and
  is refused as an unsigned request is (403 "Missing Authentication Token").
- ``ApiKeyRequired`` comes from the event's ``Auth``, else the API's ``Auth``. The API's usage plans are the
  ``AWS::ApiGateway::UsagePlan`` resources whose ``ApiStages`` name it, SAM's generated one included
  (``Auth.UsagePlan``); ``ApiKeySourceType`` says where the key comes from.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local import template as tpl
from local.gateway import events
from local.gateway.authorizers import (
    DEFAULT_TTL_S,
    Authorizer,
    CognitoAuthorizer,
    IdentitySources,
    LambdaAuthorizer,
)
from local.gateway.pipeline import API_ID, STAGE, Answer, Exchange, Step
from local.gateway.resources import aws_client, sam_generated_resources
from local.gateway.routing import Route
from local.gateway.usage_plans import KeyRegistry, PlanLimits, UsagePlanMeter

if TYPE_CHECKING:
    from local.gateway.boot import Local

log = logging.getLogger("local.gateway")


class ConfigurationError(ValueError):
    """The template's API auth configuration is something the local gateway cannot enforce."""


@dataclass(frozen=True)
class RouteSecurity:
    authorizer: Authorizer | None = None
    api_key_required: bool = False


async def _iam_unsigned(exchange: Exchange) -> Answer | None:  # noqa: ARG001 - the same answer for every request
    """AWS_IAM: requests cannot be SigV4-verified locally, so they are refused as unsigned ones are."""
    return events.MISSING_ROUTE


@dataclass
class AuthorizeStep:
    """Runs the route's authorizer, if it has one."""

    routes: Mapping[Route, RouteSecurity]

    async def __call__(self, exchange: Exchange) -> Answer | None:
        security = self.routes.get(exchange.route)
        if security is None or security.authorizer is None:
            return None
        return await security.authorizer(exchange)


@dataclass
class MeterStep:
    """Checks the API key and meters it against its usage plan on routes that require a key."""

    routes: Mapping[Route, RouteSecurity]
    meters: Mapping[str, UsagePlanMeter]  # by API logical id

    async def __call__(self, exchange: Exchange) -> Answer | None:
        security = self.routes.get(exchange.route)
        if security is None or not security.api_key_required:
            return None
        return await self.meters[exchange.route.api](exchange)


@dataclass
class _ApiSecurity:
    """One API's auth configuration (resolved), its authorizers (built once) and its usage plan meter."""

    logical_id: str
    auth: dict[str, Any]
    local: Local
    authorizers: dict[str, Authorizer] = field(default_factory=dict)

    def route(self, route: Route) -> RouteSecurity:
        event_auth = route.event.get("Auth") or {}
        name = event_auth.get("Authorizer", self.auth.get("DefaultAuthorizer"))
        required = event_auth.get("ApiKeyRequired", self.auth.get("ApiKeyRequired", False))
        return RouteSecurity(
            authorizer=self.authorizer(str(name), tuple(event_auth.get("AuthorizationScopes") or ()))
            if name and name != "NONE"
            else None,
            api_key_required=str(required).lower() == "true",
        )

    def authorizer(self, name: str, scopes: tuple[str, ...]) -> Authorizer:
        if name == "AWS_IAM":
            return _iam_unsigned
        if name not in self.authorizers:
            self.authorizers[name] = self._build(name)
        built = self.authorizers[name]
        return built.for_scopes(scopes) if isinstance(built, CognitoAuthorizer) else built

    def _build(self, name: str) -> Authorizer:
        spec = (self.auth.get("Authorizers") or {}).get(name)
        if not isinstance(spec, Mapping):
            raise ConfigurationError(f"{self.logical_id}: authorizer {name} is not among Auth.Authorizers")
        identity = spec.get("Identity") or {}
        if "UserPoolArn" in spec:
            arns = spec["UserPoolArn"] if isinstance(spec["UserPoolArn"], list) else [spec["UserPoolArn"]]
            cognito = CognitoAuthorizer(
                pool_ids=[str(arn).rsplit("/", 1)[-1] for arn in arns],
                endpoint_url=self.local.stack.endpoint_url,
                header=str(identity.get("Header", "Authorization")),
                validation_expression=identity.get("ValidationExpression"),
            )
            cognito.load()
            return cognito
        if "FunctionArn" in spec:
            return self._lambda_authorizer(name, spec, identity)
        raise ConfigurationError(f"{self.logical_id}: authorizer {name} has neither UserPoolArn nor FunctionArn")

    def _lambda_authorizer(self, name: str, spec: Mapping[str, Any], identity: Mapping[str, Any]) -> Authorizer:
        arn = str(spec["FunctionArn"])
        function = next((f for f in self.local.functions.values() if f.arn == arn), None)
        if function is None:
            raise ConfigurationError(f"{self.logical_id}: authorizer {name}'s function {arn} is not in the template")
        payload = str(spec.get("FunctionPayloadType", "TOKEN")).upper()
        if payload == "TOKEN":
            sources = IdentitySources(headers=(str(identity.get("Header", "Authorization")),))
        else:
            sources = IdentitySources(
                headers=tuple(str(h) for h in identity.get("Headers") or ()),
                query_strings=tuple(str(q) for q in identity.get("QueryStrings") or ()),
                stage_variables=tuple(str(v) for v in identity.get("StageVariables") or ()),
            )
        return LambdaAuthorizer(
            name=name,
            function=function,
            runtime=self.local.runtime,
            payload_type=payload,
            sources=sources,
            ttl_s=int(identity.get("ReauthorizeEvery", DEFAULT_TTL_S)),
            validation_expression=identity.get("ValidationExpression") if payload == "TOKEN" else None,
            api_id=API_ID,
            stage=STAGE,
        )

    def meter(self) -> UsagePlanMeter:
        stack = self.local.stack
        declared = {**(stack.template.get("Resources") or {}), **sam_generated_resources(stack.template)}
        plans = {
            stack.provisioned[name].ref: PlanLimits.from_properties(stack.provisioned[name].properties)
            for name, res in declared.items()
            if res.get("Type") == "AWS::ApiGateway::UsagePlan"
            and name in stack.provisioned
            and any(
                stage.get("ApiId") == {"Ref": self.logical_id}
                for stage in (res.get("Properties") or {}).get("ApiStages") or []
            )
        }
        source = tpl.api_properties(self.logical_id, stack.template).get("ApiKeySourceType", "HEADER")
        registry = KeyRegistry(aws_client("apigateway", stack.endpoint_url), tuple(plans))
        return UsagePlanMeter(registry, plans, source=str(source).upper())


def security_steps(local: Local, routes: Sequence[Route]) -> list[Step]:
    """The authorize and meter steps for ``routes`` of ``local``'s template (authorizers are built, and Cognito
    signing keys read, now: a misconfiguration fails the start, not a request)."""
    apis: dict[str, _ApiSecurity] = {}
    table: dict[Route, RouteSecurity] = {}
    for route in routes:
        if route.api not in apis:
            auth = tpl.api_properties(route.api, local.stack.template).get("Auth") or {}
            apis[route.api] = _ApiSecurity(route.api, local.stack.resolver.resolve(auth) or {}, local)
        table[route] = apis[route.api].route(route)
    meters = {
        api: security.meter()
        for api, security in apis.items()
        if any(s.api_key_required for r, s in table.items() if r.api == api)
    }
    return [AuthorizeStep(table), MeterStep(table, meters)]
