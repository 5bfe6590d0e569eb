"""A REST function's event builds its case-insensitive header maps once (``rest.ProxyEvent``, installed by
``rest.install``): every access still gets its own map, equal to what Powertools' own event builds, and a map a
reader writes into is not what the next reader gets."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from tests.support import LambdaContext, api_event
from waiter.adapters import rest


def _event() -> dict[str, Any]:
    event = api_event("POST", "/v1/things", headers={"Content-Type": "application/json", "X-Api-Key": "k1"})
    event["multiValueHeaders"] = {"Content-Type": ["application/json"], "Accept-Encoding": ["gzip", "br"]}
    return event


def test_the_header_maps_are_what_powertools_builds_in_any_case() -> None:
    event = _event()
    built, stock = rest.ProxyEvent(event), APIGatewayProxyEvent(event)
    for _ in range(2):  # the first access builds, the next copies
        assert built.headers == stock.headers
        assert built.multi_value_headers == stock.multi_value_headers
        assert built.resolved_headers_field == stock.resolved_headers_field
        assert built.headers.get("X-API-KEY") == "k1"
        assert built.resolved_headers_field.get("accept-encoding") == ["gzip", "br"]
        assert type(built.headers) is type(stock.headers)


def test_a_reader_writing_into_a_header_map_does_not_change_the_next_readers() -> None:
    event = rest.ProxyEvent(_event())
    first = event.headers
    first["content-type"] = "text/plain"
    del first["x-api-key"]
    event.multi_value_headers["content-type"] = ["text/plain"]
    assert event.headers.get("Content-Type") == "application/json"
    assert event.headers.get("X-Api-Key") == "k1"
    assert event.multi_value_headers.get("content-type") == ["application/json"]


def test_each_invocation_reads_its_own_events_headers() -> None:
    app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
    rest.install(app)
    seen: list[str | None] = []

    @app.get("/v1/things")
    def things() -> dict[str, str]:
        assert isinstance(app.current_event, rest.ProxyEvent)
        seen.append(app.current_event.headers.get("x-api-key"))
        return {}

    handler = rest.entrypoint(app)
    for key in ("k1", "k2"):
        handler(api_event("GET", "/v1/things", headers={"X-Api-Key": key}), LambdaContext())  # type: ignore[arg-type]
    assert seen == ["k1", "k2"]
