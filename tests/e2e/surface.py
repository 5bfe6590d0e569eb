"""The API's operations, generated from the sources of truth so a new route is covered without editing a test:
template.yaml says which authorizer guards each route (derived here independently of the gateway, as SAM derives
it), openapi.json gives each route its operation id, tags and request body schema.

``example_body`` builds a small valid request body from the schema (required fields only, the first enum value, a
string that fits the pattern), so an authorization test reaches the code that decides, not the body validation.
Schemas with cross-field rules a JSON schema cannot state get an explicit example in ``BODY_EXAMPLES``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from local.template import ROOT, api_properties, api_routes, load_template
from tests.contract.access import GRAPHQL_PATH, SOAP_PATH

# Tags of operations a customer (any signed-in user) may call; every other Cognito-protected operation is for
# staff or admins. A new tag is therefore treated as staff/admin until listed here.
CUSTOMER_TAGS = frozenset({"Auth", "Carts", "Orders"})

_IN_A_DAY = (datetime.now(UTC) + timedelta(days=1)).isoformat()
_AN_HOUR_AGO = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
BODY_EXAMPLES: dict[str, dict[str, Any]] = {
    # a percent code carries percentBps and no amount, and validFrom < validUntil (model validators)
    "DiscountCodeCreate": {"code": "E2E-DEMO", "kind": "percent", "percentBps": 1000, "validFrom": _AN_HOUR_AGO,
                           "validUntil": _IN_A_DAY},
}  # fmt: skip

# Strings tried, in order, for a string field with a pattern or format.
_STRING_CANDIDATES = (
    "demo", "DEMO", "DE", "12:00", "someone@example.com", "2026-01-15T12:00:00Z", "1", "123456", "Europe/Berlin",
    "Waiter-demo-1!",  # a password the policy takes (its pattern: a lowercase, an uppercase, a digit, a symbol)
)  # fmt: skip


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    function: str
    operation_id: str
    tags: frozenset[str]
    authorizer: str | None  # the effective authorizer's name; None for public routes
    authorizer_kind: str | None  # "cognito" | "lambda" | None
    api_key_required: bool
    body_schema: Mapping[str, Any] | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"\{([^}+]+)\+?\}", self.path)

    def url(self, values: Mapping[str, str]) -> str:
        """The path with its parameters filled from ``values`` (a KeyError names a parameter nobody fills)."""
        return re.sub(r"\{([^}+]+)\+?\}", lambda m: values[m.group(1)], self.path)

    @property
    def is_staff_or_admin(self) -> bool:
        return self.authorizer_kind == "cognito" and not self.tags & CUSTOMER_TAGS


@cache
def openapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    return document


@cache
def operations() -> tuple[Operation, ...]:
    """Every route of the template with its OpenAPI operation (a route the document lacks fails here)."""
    template = load_template()
    found = []
    for route in api_routes(template):
        # the SOAP facade's contract is its WSDL (tests/e2e/test_soap_clients.py), GraphQL's schema.graphql (its
        # token matrix and probes: tests/e2e/test_graphql_clients.py)
        if route.path in (SOAP_PATH, GRAPHQL_PATH):
            continue
        auth = api_properties(route.api, template).get("Auth") or {}
        event_auth = route.event.get("Auth") or {}
        name = event_auth.get("Authorizer", auth.get("DefaultAuthorizer"))
        name = None if name in (None, "NONE") else str(name)
        spec = (auth.get("Authorizers") or {}).get(name) or {}
        kind = "cognito" if "UserPoolArn" in spec else "lambda" if "FunctionArn" in spec else None
        operation = openapi()["paths"].get(route.path, {}).get(route.method.lower())
        assert operation is not None, f"{route.method} {route.path} is in the template but not in openapi.json"
        body = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
        found.append(
            Operation(
                method=route.method,
                path=route.path,
                function=route.function,
                operation_id=str(operation.get("operationId")),
                tags=frozenset(operation.get("tags") or ()),
                authorizer=name,
                authorizer_kind=kind,
                api_key_required=bool(event_auth.get("ApiKeyRequired", auth.get("ApiKeyRequired", False))),
                body_schema=body,
            )
        )
    return tuple(found)


def cognito_operations() -> list[Operation]:
    return [op for op in operations() if op.authorizer_kind == "cognito"]


def staff_or_admin_operations() -> list[Operation]:
    return [op for op in operations() if op.is_staff_or_admin]


def partner_operations() -> list[Operation]:
    return [op for op in operations() if op.authorizer_kind == "lambda"]


# ---- request bodies -------------------------------------------------------------------------------------------


def example_body(operation: Operation) -> Any:
    """A small valid body for the operation (None when it takes none)."""
    if operation.body_schema is None:
        return None
    return example(operation.body_schema)


def example(schema: Mapping[str, Any]) -> Any:
    """A small instance of a JSON schema (the OpenAPI 3.1 subset pydantic generates)."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return BODY_EXAMPLES.get(name) or example(openapi()["components"]["schemas"][name])
    if "anyOf" in schema:
        return example(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    build = _BUILDERS.get(str(schema.get("type")))
    if build is None:
        raise AssertionError(f"no example for schema {schema}: add one to BODY_EXAMPLES")
    return build(schema)


def _object(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {name: example(properties[name]) for name in schema.get("required") or ()}


def _array(schema: Mapping[str, Any]) -> list[Any]:
    return [example(schema["items"]) for _ in range(int(schema.get("minItems", 0)))]


def _number(schema: Mapping[str, Any]) -> int:
    return int(schema.get("minimum", 0)) or (1 if "exclusiveMinimum" in schema else 0)


def _string(schema: Mapping[str, Any]) -> str:
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10_000))
    pattern = schema.get("pattern")
    if schema.get("format") == "date-time":
        return _IN_A_DAY
    if pattern is None and schema.get("format") is None:
        return "demo".ljust(low, "o")[: max(high, 1)]
    for candidate in _STRING_CANDIDATES:
        if low <= len(candidate) <= high and (pattern is None or re.search(pattern, candidate)):
            return candidate
    raise AssertionError(f"no example string fits {schema}: add a candidate or a BODY_EXAMPLES entry")


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "object": _object,
    "array": _array,
    "integer": _number,
    "number": _number,
    "boolean": lambda _: True,
    "string": _string,
}
