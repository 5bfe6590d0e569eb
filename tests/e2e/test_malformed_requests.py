"""A battery of malformed requests against every operation (generated from template.yaml and openapi.json, so a new
route is covered without editing this file): odd path parameters, query parameters of the wrong type or size,
bodies that are not JSON, not UTF-8, not an object, too deep or too big, bodies of other media types, missing and
garbage credentials.

Every one must be refused with a 4xx (never a 5xx, never a success), and no error body may reveal internals:
a traceback or a stack frame, an ARN, the table's name, the SDK's name (``local.fuzz.leaks``). Callers are signed
in where the operation needs it, so the requests reach the function, not only the authorizer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from local.fuzz import TABLES, leaks
from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway
from tests.e2e.surface import Operation, example_body, openapi, operations

pytestmark = pytest.mark.e2e

ODD_IDS = {
    "question mark": "%3F",
    "NUL": "%00",
    "control character": "%18x",
    "encoded slash": "a%2Fb",
    "space": "a%20b",
    "percent": "%25",
    "dot dot": "%2E%2E",  # encoded: a client resolves a literal ".." before sending
    "emoji": "%F0%9F%8D%95",
    "private-use character": "5%F2%91%82%80i",
    "over-long": "x" * 65,
    "invalid UTF-8": "%FF%FE",
}

ODD_QUERY_VALUES = {
    "integer": ["abc", "-1", "1e3", "1.5", "99999999999999999999999999", "", "\x00"],
    "string": ["x" * 5000],  # longer than any string parameter may be (any other string is a valid filter)
    "enum": ["x" * 5000, "\x00", "NOT_A_VALUE", ""],
}

ODD_BODIES: dict[str, tuple[str, bytes]] = {
    "truncated JSON": ("application/json", b'{"a": '),
    "not UTF-8": ("application/json", b'{"name": "\xff\xfe"}'),
    "UTF-8 byte order mark": ("application/json", b'\xef\xbb\xbf{"name": "x"}'),
    "NUL in a string": ("application/json", b'{"name": "a\\u0000b", "unknownField": 1}'),
    "lone surrogate": ("application/json", b'{"name": "\\ud800", "unknownField": 1}'),
    "null": ("application/json", b"null"),
    "a string": ("application/json", b'"hello"'),
    "a number": ("application/json", b"1e999999"),
    "an array": ("application/json", b"[{}]"),
    "deeply nested": ("application/json", b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
    "huge number": ("application/json", b'{"quantity": 1' + b"0" * 5000 + b"}"),
    "over 64 KB": ("application/json", b'{"name": "' + b"x" * 70_000 + b'"}'),
    "text": ("text/plain", b'{"name": "x"}'),
    "XML": ("application/xml", b"<name>x</name>"),
    "a form": ("application/x-www-form-urlencoded", b"name=x&quantity=1"),
    "multipart": ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'),
}  # fmt: skip

GARBAGE_CREDENTIALS = {
    "no credentials": {},
    "a garbage bearer token": {"Authorization": "Bearer not.a.jwt"},
    "basic auth": {"Authorization": "Basic dXNlcjpwYXNz"},
    "a garbage API key": {"X-Api-Key": "wtr_0000000000000000_garbage"},
}


@dataclass
class Outcome:
    """Every request that was not refused properly, and every error body that revealed something."""

    table_names: list[str]
    problems: list[str] = field(default_factory=list)

    def check(self, what: str, response: httpx.Response) -> None:
        status = response.status_code
        if status >= 500 or status < 400:
            self.problems.append(f"{what}: {status} (expected a 4xx) {response.text[:200]}")
        found = leaks(response.text, self.table_names)
        if found:
            self.problems.append(f"{what}: the body reveals {found}: {response.text[:300]}")


@pytest.fixture(scope="module")
def table_names(gateway: Gateway) -> list[str]:
    return [t.strip() for line in gateway.banner for found in TABLES.findall(line) for t in found.split(",")]


def _query_parameters(operation: Operation) -> list[tuple[str, str]]:
    """(name, "integer" | "enum" | "string") of the operation's query parameters."""
    spec = openapi()["paths"][operation.path][operation.method.lower()]
    found = []
    for parameter in spec.get("parameters", []):
        if parameter["in"] == "query":
            schema = parameter["schema"]
            kind = "integer" if schema.get("type") == "integer" else "enum" if "$ref" in str(schema) else "string"
            found.append((str(parameter["name"]), kind))
    return found


def _credentials(operation: Operation, caller: Caller, partner_key: str) -> dict[str, str]:
    if operation.authorizer_kind == "cognito":
        return caller.headers
    if operation.authorizer_kind == "lambda":
        return {"X-Api-Key": partner_key}
    return {}


def _requests(operation: Operation) -> Iterator[tuple[str, str, Mapping[str, str], Mapping[str, str], bytes | None]]:
    """(what, path, query, headers, body) of every malformed request for ``operation``; none is valid."""
    names = operation.path_parameters
    valid_ids = {name: RESTAURANT_A if name == "restaurantId" else "0123456789abcdef" for name in names}
    body = example_body(operation)
    valid_body = None if body is None else httpx.Request("POST", "/", json=body).content
    json_type = {"Content-Type": "application/json"} if valid_body is not None else {}
    for name in names:
        for label, value in ODD_IDS.items():
            path = operation.url({**valid_ids, name: value})
            yield f"path {name} {label}", path, {}, json_type, valid_body
    path = operation.url(valid_ids)
    for name, kind in _query_parameters(operation):
        for value in ODD_QUERY_VALUES[kind]:
            yield f"query {name}={value[:20]!r}", path, {name: value}, {}, None
    if valid_body is not None:
        for label, (media_type, raw) in ODD_BODIES.items():
            yield f"body {label}", path, {}, {"Content-Type": media_type}, raw


@pytest.mark.parametrize("operation", operations(), ids=str)
def test_malformed_requests_are_refused_with_a_4xx_that_reveals_nothing(
    operation: Operation,
    api: httpx.Client,
    customer: Caller,
    gateway: Gateway,
    table_names: list[str],
) -> None:
    outcome = Outcome(table_names)
    credentials = _credentials(operation, customer, gateway.demo_partner_key())
    for what, path, query, headers, body in _requests(operation):
        response = api.request(operation.method, path, params=query, headers={**credentials, **headers}, content=body)
        outcome.check(what, response)
    if operation.authorizer_kind is not None:
        path = operation.url(dict.fromkeys(operation.path_parameters, RESTAURANT_A))
        for label, headers in GARBAGE_CREDENTIALS.items():
            response = api.request(operation.method, path, headers=headers, json=example_body(operation))
            outcome.check(label, response)
    assert not outcome.problems, "\n".join(outcome.problems)


def test_the_battery_covers_every_kind_of_input(gateway: Gateway) -> None:
    """Guards the generator: it must not silently produce nothing for an operation shape."""
    shapes: dict[str, Any] = {"path": 0, "query": 0, "body": 0}
    for operation in operations():
        for what, *_ in _requests(operation):
            shapes[what.split(" ", 1)[0]] += 1
    assert all(count > 0 for count in shapes.values()), shapes
