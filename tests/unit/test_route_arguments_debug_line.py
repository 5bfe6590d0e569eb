"""Powertools' router logs the route's arguments at DEBUG before calling the route; ``rest.install`` makes them cost
nothing to format at any other level, without changing what the route receives or what a DEBUG run logs."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from tests.support import api_event
from waiter.adapters import rest
from waiter.model_base import WireModel

ROUTER_LOG = "aws_lambda_powertools.event_handler.api_gateway"


class Thing(WireModel):
    name: str
    count: int


FORMATTED: list[str] = []


class Counted(WireModel):
    """A body model that notes every time it is formatted."""

    name: str

    def __repr__(self) -> str:
        FORMATTED.append(self.name)
        return super().__repr__()


def _app(model: type[WireModel], seen: list[WireModel]) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS)
    rest.install(app)

    def create(restaurant_id: str, data: WireModel) -> dict[str, str]:
        seen.append(data)
        return {"restaurantId": restaurant_id}

    # the model as a real object (this module's annotations are strings): Powertools reads them to validate the body
    create.__annotations__ = {"restaurant_id": str, "data": Annotated[model, Body()], "return": dict[str, str]}

    app.post("/v1/things/<restaurant_id>")(create)
    return app


def _event(body: dict[str, Any]) -> dict[str, Any]:
    return api_event("POST", "/v1/things/{restaurant_id}", path_params={"restaurant_id": "r1"}, body=body)


def test_the_route_gets_its_arguments_as_validated() -> None:
    seen: list[WireModel] = []
    result = _app(Thing, seen).resolve(_event({"name": "pizza", "count": 2}), LambdaContext())
    assert result["statusCode"] == 200
    assert seen == [Thing(name="pizza", count=2)]


def test_at_info_the_body_is_not_formatted_for_the_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    FORMATTED.clear()
    seen: list[WireModel] = []
    caplog.set_level(logging.INFO, logger=ROUTER_LOG)
    router_log = logging.getLogger(ROUTER_LOG)
    router_log.addHandler(caplog.handler)
    try:
        result = _app(Counted, seen).resolve(_event({"name": "pizza"}), LambdaContext())
    finally:
        router_log.removeHandler(caplog.handler)
    assert result["statusCode"] == 200
    assert FORMATTED == []
    assert not [r for r in caplog.records if "Calling API Route Handler" in r.getMessage()]


def test_at_debug_the_line_still_carries_every_argument(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[WireModel] = []
    caplog.set_level(logging.DEBUG, logger=ROUTER_LOG)
    router_log = logging.getLogger(ROUTER_LOG)
    router_log.addHandler(caplog.handler)  # Powertools' package logger may not propagate to the root
    try:
        _app(Thing, seen).resolve(_event({"name": "pizza", "count": 2}), LambdaContext())
    finally:
        router_log.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if "Calling API Route Handler" in r.getMessage()]
    assert lines == [f"Calling API Route Handler: { {'restaurant_id': 'r1', 'data': Thing(name='pizza', count=2)} }"]
