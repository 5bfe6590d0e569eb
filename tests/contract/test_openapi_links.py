"""The links in openapi.json: every id an operation takes in its path is given out by another operation, which
links to it, so a client (and the fuzzer's stateful phase, ``make fuzz``) can go from what one call made to what
uses it. The links are generated from the ids each handler declares (``rest.success``/``rest.created``
``ids=``), so a new route taking an id gets its link without anyone writing one."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from local.openapi import _links
from local.template import ROOT

SPEC: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    operation["operationId"]: (path, operation)
    for path, path_item in SPEC["paths"].items()
    for operation in path_item.values()
}
EXPRESSION = re.compile(r"^\$(request\.path\.[A-Za-z]+|response\.body#(/[A-Za-z0-9]+)+)$")


def _links_into(target: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (source, link)
        for source, (_, operation) in OPERATIONS.items()
        for response in operation["responses"].values()
        for link in (response.get("links") or {}).values()
        if link["operationId"] == target
    ]


def _path_parameters(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]


@pytest.mark.parametrize("target", sorted(op for op, (_, o) in OPERATIONS.items() if _path_parameters(o)))
def test_every_id_an_operation_takes_in_its_path_is_linked_from_an_operation_that_gives_it_out(target: str) -> None:
    _, operation = OPERATIONS[target]
    links = _links_into(target)

    supplied = {name.removeprefix("path.") for _, link in links for name in link.get("parameters", {})}
    assert set(_path_parameters(operation)) <= supplied, f"{target}: no link gives {_path_parameters(operation)}"
    for source, link in links:
        assert {f"path.{name}" for name in _path_parameters(operation)} == set(link.get("parameters", {})), (
            f"{source} -> {target} must fill every path parameter"
        )


@pytest.mark.parametrize(
    ("source", "targets"),
    [
        ("createRestaurant", {"getRestaurant", "updateRestaurant", "createMenuItem", "getMenu", "addCartItem"}),
        ("createMenuItem", {"updateMenuItem", "deleteMenuItem", "addCartItem"}),
        ("addCartItem", {"updateCartItem", "removeCartItem"}),
        ("checkout", {"getOrder", "cancelOrder", "transitionOrder", "partnerTransitionOrder"}),
        ("createApiKey", {"revokeApiKey"}),
        ("createDiscount", {"applyDiscount"}),
        ("assignStaff", {"removeStaff"}),
    ],
)
def test_operations_that_create_things_link_to_those_that_use_them(source: str, targets: set[str]) -> None:
    _, operation = OPERATIONS[source]
    linked = {link["operationId"] for r in operation["responses"].values() for link in r.get("links", {}).values()}

    assert targets <= linked


def test_every_link_names_an_operation_and_uses_expressions_its_source_can_answer() -> None:
    for source, (_, operation) in OPERATIONS.items():
        for status, response in operation["responses"].items():
            for link in (response.get("links") or {}).values():
                assert status.startswith("2"), f"{source}: links leave success responses only"
                assert link["operationId"] in OPERATIONS
                values = [*link.get("parameters", {}).values(), *(link.get("requestBody") or {}).values()]
                for expression in values:
                    assert EXPRESSION.match(expression), f"{source} -> {link['operationId']}: {expression}"
                    if expression.startswith("$request.path."):
                        assert expression.removeprefix("$request.path.") in _path_parameters(operation)


def test_a_body_id_links_only_to_operations_under_one_of_the_producers_path_parameters() -> None:
    body = {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string"}}}}}
    ok = {"description": "ok"}
    spec: dict[str, Any] = {
        "components": {"schemas": {}},
        "paths": {
            "/r/{restaurantId}/codes": {
                "post": {
                    "operationId": "createCode",
                    "parameters": [{"name": "restaurantId", "in": "path"}],
                    "responses": {"201": {**ok, "x-ids": {"body.code": "/code"}}},
                }
            },
            "/carts/{restaurantId}/code": {
                "put": {
                    "operationId": "applyCode",
                    "parameters": [{"name": "restaurantId", "in": "path"}],
                    "requestBody": {"content": body},
                    "responses": {"200": ok},
                }
            },
            "/confirm": {
                "post": {"operationId": "confirm", "requestBody": {"content": body}, "responses": {"204": ok}},
            },
        },
    }

    _links(spec, "x-ids")

    created = spec["paths"]["/r/{restaurantId}/codes"]["post"]["responses"]["201"]
    assert "x-ids" not in created
    assert created["links"] == {
        "applyCode": {
            "operationId": "applyCode",
            "parameters": {"path.restaurantId": "$request.path.restaurantId"},
            "requestBody": {"code": "$response.body#/code"},
        }
    }
