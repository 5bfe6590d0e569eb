"""A JSON body is parsed once per request: the check before routing (``rest._reject_unreadable_json``) keeps its
document for Powertools (``rest.json_body``, every REST function's ``json_body_deserializer``), for that invocation
and that text only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body

from tests.support import LambdaContext, api_event
from waiter.adapters import rest
from waiter.model_base import WireModel

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


class Thing(WireModel):
    name: str


def _entrypoint(seen: list[Any]) -> rest.LambdaHandler:
    app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
    rest.install(app)

    def create(data: Thing) -> dict[str, str]:
        seen.append(app.current_event.json_body)
        return {"name": data.name}

    create.__annotations__ = {"data": Annotated[Thing, Body()], "return": dict[str, str]}
    app.post("/v1/things")(create)
    return rest.entrypoint(app)


def test_the_body_is_parsed_once_and_the_route_reads_that_document(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real_loads = json.loads

    def counting_loads(text: str | bytes, **options: Any) -> Any:
        parsed.append(str(text))
        return real_loads(text, **options)

    seen: list[Any] = []
    handler = _entrypoint(seen)
    event = api_event("POST", "/v1/things", body={"name": "pizza"})
    monkeypatch.setattr(json, "loads", counting_loads)
    result = handler(event, LambdaContext())  # type: ignore[arg-type]
    assert result["statusCode"] == 200
    assert json.loads(result["body"]) == {"name": "pizza"}
    assert parsed.count(event["body"]) == 1
    assert seen == [{"name": "pizza"}]


def test_the_kept_document_is_gone_once_the_invocation_ends() -> None:
    handler = _entrypoint([])
    event = api_event("POST", "/v1/things", body={"name": "pizza"})
    handler(event, LambdaContext())  # type: ignore[arg-type]
    assert rest._PARSED_BODY == []


def test_another_text_is_parsed_on_its_own() -> None:
    rest._PARSED_BODY[:] = [('{"name": "kept"}', {"name": "kept"})]
    try:
        assert rest.json_body('{"name": "other"}') == {"name": "other"}
    finally:
        rest._PARSED_BODY.clear()


def test_an_equal_text_that_is_not_the_checked_one_is_parsed_anew() -> None:
    checked = "".join(['{"name": ', '"kept"}'])
    rest._PARSED_BODY[:] = [(checked, {"name": "kept"})]
    try:
        again = "".join(['{"name": ', '"kept"}'])
        assert again is not checked
        document = rest.json_body(again)
        assert document == {"name": "kept"}
        assert document is not rest._PARSED_BODY[0][1]
    finally:
        rest._PARSED_BODY.clear()


def test_a_rejected_body_leaves_nothing_kept() -> None:
    handler = _entrypoint([])
    result = handler(api_event("POST", "/v1/things", body="[1, 2]"), LambdaContext())  # type: ignore[arg-type]
    assert result["statusCode"] == 400
    assert rest._PARSED_BODY == []


def test_every_validating_rest_function_takes_the_shared_parse() -> None:
    missing = [
        path.parent.name
        for path in sorted(FUNCTIONS.glob("*/app.py"))
        if "APIGatewayRestResolver(enable_validation=True" in (text := path.read_text(encoding="utf-8"))
        and "json_body_deserializer=rest.json_body" not in text
    ]
    assert missing == []
