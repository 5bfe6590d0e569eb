"""What openapi.json promises about responses and parameters, so a client (and the fuzzer, ``make fuzz``) can hold
the API to it: every operation's success response with its schema, no body on a 204, the refusals every body-taking
operation can answer, and the id pattern ``waiter.adapters.rest`` enforces on every path parameter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local.openapi import _responses
from local.template import ROOT
from waiter.adapters.rest import PATH_ID_PATTERN


def _operations() -> Iterator[tuple[str, dict[str, Any]]]:
    spec = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    for path, path_item in spec["paths"].items():
        for method, operation in path_item.items():
            yield f"{method.upper()} {path}", operation


OPERATIONS = dict(_operations())


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_documents_its_success_response_with_a_body_schema(name: str) -> None:
    responses = OPERATIONS[name]["responses"]
    successes = {status: response for status, response in responses.items() if status.startswith("2")}

    assert successes, f"{name} documents no success response (rest.success / rest.created)"
    for status, response in successes.items():
        if status == "204":
            assert "content" not in response, f"{name}: a 204 has no body"
        else:
            assert all("schema" in media for media in response["content"].values()), f"{name} {status}"


@pytest.mark.parametrize("name", sorted(n for n, op in OPERATIONS.items() if "requestBody" in op))
def test_every_operation_taking_a_body_documents_its_size_and_media_type_refusals(name: str) -> None:
    responses = OPERATIONS[name]["responses"]

    for status in ("400", "413", "415"):
        assert "application/problem+json" in responses[status]["content"], f"{name} {status}"


def test_every_path_parameter_is_documented_with_the_id_pattern_the_api_enforces() -> None:
    parameters = [
        (name, parameter)
        for name, operation in OPERATIONS.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]

    assert parameters
    assert [(n, p["name"]) for n, p in parameters if p["schema"].get("pattern") != PATH_ID_PATTERN] == []


def test_generation_refuses_an_operation_without_a_success_response() -> None:
    spec = {"paths": {"/v1/things": {"get": {"responses": {"400": {"description": "Bad"}}}}}}

    with pytest.raises(ValueError, match="GET /v1/things documents no success response"):
        _responses(spec)


def test_generation_drops_the_body_powertools_documents_for_a_204() -> None:
    no_content = {"description": "Gone", "content": {"application/json": {"schema": {"type": "null"}}}}
    spec = {"paths": {"/v1/things": {"delete": {"responses": {"204": no_content}}}}}

    _responses(spec)

    assert spec["paths"]["/v1/things"]["delete"]["responses"]["204"] == {"description": "Gone"}


def test_swagger_ui_is_documented_as_the_html_page_it_is() -> None:
    assert list(OPERATIONS["GET /v1/docs"]["responses"]["200"]["content"]) == ["text/html"]


CATALOG_READS = ["GET /v1/restaurants", "GET /v1/restaurants/{restaurantId}", "GET /v1/restaurants/{restaurantId}/menu"]


@pytest.mark.parametrize("name", CATALOG_READS)
def test_public_catalog_reads_document_their_validators_and_the_304(name: str) -> None:
    operation = OPERATIONS[name]
    responses = operation["responses"]

    assert {"ETag", "Cache-Control"} <= set(responses["200"]["headers"])
    assert {"ETag", "Cache-Control"} <= set(responses["304"]["headers"])
    assert "content" not in responses["304"], "a 304 has no body"
    assert "If-None-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}


def test_only_the_public_catalog_reads_answer_304() -> None:
    assert sorted(name for name, op in OPERATIONS.items() if "304" in op["responses"]) == sorted(CATALOG_READS)


@pytest.mark.parametrize("name", sorted(n for n, op in OPERATIONS.items() if op.get("security")))
def test_the_gateways_own_refusals_are_documented_as_problem_json(name: str) -> None:
    responses = OPERATIONS[name]["responses"]

    for status in ("401", "403", "429"):
        if status in responses:
            assert list(responses[status]["content"]) == ["application/problem+json"], f"{name} {status}"
