"""The WebSocket API as template.yaml declares it: routes selected by the message's action, each wired to its own
function, only $connect authorized (by the token query parameter, docs/auth.md), message routes answering through
a route response, a throttled and access-logged stage that never logs the token, its URL as an output; the
notifier's posts limited to this API's connections; and events/ holding a valid WebSocket event for each function."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
)

from local.template import ROOT, resources_of_type
from tests.contract.access import NONE, WEBSOCKET_AUTHORIZER, WEBSOCKET_ROUTES
from tests.contract.template_facts import (
    event_files,
    get_att,
    template,
    websocket_authorizer_functions,
    websocket_functions,
    websocket_routes,
)

API = "WebSocketApi"


def _props(logical_id: str) -> dict[str, Any]:
    props: dict[str, Any] = template()["Resources"][logical_id]["Properties"]
    return props


def _routes() -> dict[str, dict[str, Any]]:
    return {
        str(r["Properties"]["RouteKey"]): r["Properties"]
        for r in resources_of_type("AWS::ApiGatewayV2::Route").values()
    }


def test_the_api_is_a_websocket_api_selecting_routes_by_the_messages_action() -> None:
    assert _props(API)["ProtocolType"] == "WEBSOCKET"
    assert _props(API)["RouteSelectionExpression"] == "$request.body.action"


def test_the_routes_are_the_documented_ones_each_with_its_own_function() -> None:
    routes = websocket_routes()
    assert set(routes) == set(WEBSOCKET_ROUTES)
    assert len(set(routes.values())) == len(routes), "one function per route"


@pytest.mark.parametrize("route_key", sorted(WEBSOCKET_ROUTES))
def test_every_route_is_authorized_as_docs_auth_md_says(route_key: str) -> None:
    route = _routes()[route_key]
    if WEBSOCKET_ROUTES[route_key] == NONE:
        assert route["AuthorizationType"] == "NONE"
    else:
        assert route["AuthorizationType"] == "CUSTOM"
        assert route["AuthorizerId"] == {"Ref": WEBSOCKET_ROUTES[route_key]}
    documented = (ROOT / "docs" / "auth.md").read_text(encoding="utf-8")
    assert f"`{route_key}`" in documented


@pytest.mark.parametrize("route_key", sorted(set(WEBSOCKET_ROUTES) - {"$connect", "$disconnect"}))
def test_message_routes_answer_the_client_through_a_route_response(route_key: str) -> None:
    route = _routes()[route_key]
    assert route["RouteResponseSelectionExpression"] == "$default"
    responses = resources_of_type("AWS::ApiGatewayV2::RouteResponse").values()
    assert any(
        r["Properties"]["RouteResponseKey"] == "$default"
        and r["Properties"]["RouteId"] == {"Ref": _route_id(route_key)}
        for r in responses
    )


def _route_id(route_key: str) -> str:
    [found] = [
        i for i, r in resources_of_type("AWS::ApiGatewayV2::Route").items() if r["Properties"]["RouteKey"] == route_key
    ]
    return found


def test_connect_is_authorized_by_a_request_authorizer_on_the_token_query_parameter() -> None:
    authorizer = _props(WEBSOCKET_AUTHORIZER)
    assert authorizer["AuthorizerType"] == "REQUEST"
    assert authorizer["IdentitySource"] == ["route.request.querystring.token"]
    assert set(websocket_authorizer_functions()) == {"WsAuthorizerFunction"}


def test_api_gateway_may_invoke_each_function_for_its_own_route_of_this_api_only() -> None:
    permissions = [p["Properties"] for p in resources_of_type("AWS::Lambda::Permission").values()]
    for route_key, function in websocket_routes().items():
        [permission] = [p for p in permissions if get_att(p["FunctionName"]) == function]
        assert permission["Principal"] == "apigateway.amazonaws.com"
        assert permission["SourceArn"]["Fn::Sub"].endswith(f":${{{API}}}/*/{route_key}")


def test_the_stage_is_throttled_and_access_logged_without_the_query_string() -> None:
    [stage] = resources_of_type("AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == {"Ref": "Environment"}
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert props["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
    logs = props["AccessLogSettings"]
    assert get_att(logs["DestinationArn"]) == "WebSocketAccessLogs"
    assert "KmsKeyId" in _props("WebSocketAccessLogs")
    assert not re.search(r"querystring|token|requestOverride|\$input", logs["Format"], re.IGNORECASE), "never the token"


def test_the_stack_outputs_the_websocket_url_of_the_environment_stage() -> None:
    value = template()["Outputs"]["WebSocketUrl"]["Value"]["Fn::Sub"]
    assert value == "wss://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Environment}"


def test_the_notifier_posts_through_this_apis_stage_and_is_fed_the_order_events() -> None:
    endpoint = _props("LiveNotifierFunction")["Environment"]["Variables"]["WEBSOCKET_ENDPOINT"]["Fn::Sub"]
    assert endpoint == "https://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Environment}"
    rule = _props("LiveRule")
    assert rule["EventPattern"]["detail-type"] == ["OrderPlaced", "OrderStatusChanged", "OrderCancelled"]
    assert get_att(rule["Targets"][0]["Arn"]) == "LiveQueue"


_MODELS = {
    "CONNECT": APIGatewayWebSocketConnectEventModel,
    "DISCONNECT": APIGatewayWebSocketDisconnectEventModel,
    "MESSAGE": APIGatewayWebSocketMessageEventModel,
}
_EVENTS = [e for e in event_files() if e.function in websocket_functions()]


def test_every_websocket_function_has_a_sample_event() -> None:
    assert {e.function for e in _EVENTS if e.case is None} == websocket_functions()


@pytest.mark.parametrize("event_file", _EVENTS, ids=[e.name for e in _EVENTS])
def test_sample_events_are_valid_events_of_their_route(event_file: Any) -> None:
    event = event_file.load()
    context = event["requestContext"]
    if event_file.function in websocket_authorizer_functions():
        assert event["type"] == "REQUEST"
        assert event["methodArn"].endswith(f"/{context['stage']}/$connect")
        assert "token" in event["queryStringParameters"]
        assert "authorizer" not in context, "the authorizer runs before there is any authorizer context"
        return
    _MODELS[context["eventType"]].model_validate(event)  # Powertools' schema of API Gateway's WebSocket events
    assert websocket_routes()[context["routeKey"]] == event_file.function
