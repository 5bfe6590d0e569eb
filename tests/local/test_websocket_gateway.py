"""The local WebSocket API and its Management API, in-process, over a throwaway template with tiny functions: what
API Gateway does at the handshake, with messages, at the limits and on close, and what botocore's
``apigatewaymanagementapi`` client gets back (the shapes of its model, 410 for a gone connection)."""

from __future__ import annotations

import base64
import json
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from local.gateway.boot import start_local
from local.gateway.server import LocalApi
from local.gateway.websocket import (
    MAX_FRAME_BYTES,
    LiveConnection,
    WebSocketApiDefinition,
    connect_event,
    disconnect_event,
    message_event,
)

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: test
Globals:
  Function:
    Runtime: python3.13
    Timeout: 5
    Environment:
      Variables:
        RECORD: "{record}"
Resources:
  Live:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: live
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  LiveStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {{ApiId: !Ref Live, StageName: !Ref Stage}}
  Gatekeeper:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Live
      Name: token
      AuthorizerType: REQUEST
      AuthorizerUri: !Sub {lambda_path}/${{AuthFunction.Arn}}/invocations
      IdentitySource: [route.request.querystring.token]
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties: {{CodeUri: fns/auth/, Handler: app.handler}}
  ConnectFunction:
    Type: AWS::Serverless::Function
    Properties: {{CodeUri: fns/connect/, Handler: app.handler}}
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties: {{CodeUri: fns/echo/, Handler: app.handler}}
  DisconnectFunction:
    Type: AWS::Serverless::Function
    Properties: {{CodeUri: fns/disconnect/, Handler: app.handler}}
{routes}
  EchoResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {{ApiId: !Ref Live, RouteId: !Ref EchoRoute, RouteResponseKey: $default}}
"""

ROUTE = """\
  {name}Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Live
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub {lambda_path}/${{{function}.Arn}}/invocations
  {name}Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Live
      RouteKey: "{key}"
      {auth}
      Target: !Sub integrations/${{{name}Integration}}
"""

LAMBDA_PATH = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions"

FUNCTIONS = {
    "auth": """
        def handler(event, context):
            token = event["queryStringParameters"]["token"]
            if token == "boom":
                raise ValueError("broken authorizer")
            if token not in ("allow", "deny"):
                raise Exception("Unauthorized")
            effect = "Allow" if token == "allow" else "Deny"
            statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
            return {"principalId": "u1", "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
                    "context": {"who": "u1", "admin": False}}
    """,
    "connect": """
        import json, os
        def handler(event, context):
            with open(os.environ["RECORD"], "a") as record:
                record.write(json.dumps(event) + "\\n")
            query = event.get("queryStringParameters") or {}
            if query.get("refuse"):
                return {"statusCode": int(query["refuse"])}
            offered = event["headers"].get("sec-websocket-protocol", "")
            if "graphql-transport-ws" in offered:
                return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "graphql-transport-ws"}}
            return {"statusCode": 200}
    """,
    "echo": """
        import json
        def handler(event, context):
            if event.get("body") == '{"action": "echo", "fail": true}':
                raise RuntimeError("boom")
            return {"statusCode": 200, "body": json.dumps(event)}
    """,
    "disconnect": """
        import json, os
        def handler(event, context):
            with open(os.environ["RECORD"], "a") as record:
                record.write(json.dumps(event) + "\\n")
            return {"statusCode": 200}
    """,
}


@dataclass
class Served:
    api: LocalApi
    record: Path

    @property
    def ws_url(self) -> str:
        assert self.api.ws_url is not None
        return self.api.ws_url

    def recorded(self, route_key: str) -> list[dict[str, Any]]:
        lines = self.record.read_text().splitlines() if self.record.exists() else []
        events = [json.loads(line) for line in lines]
        return [e for e in events if e["requestContext"]["routeKey"] == route_key]

    def management(self) -> Any:
        assert self.api.management_url is not None
        session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
        return session.client("apigatewaymanagementapi", endpoint_url=f"{self.api.management_url}/test")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("websocket-app")
    record = root / "record.jsonl"
    routes = [
        ("Connect", "$connect", "ConnectFunction", "AuthorizationType: CUSTOM\n      AuthorizerId: !Ref Gatekeeper"),
        ("Echo", "echo", "EchoFunction", "AuthorizationType: NONE"),
        ("Silent", "silent", "EchoFunction", "AuthorizationType: NONE"),
        ("Disconnect", "$disconnect", "DisconnectFunction", "AuthorizationType: NONE"),
    ]
    text = TEMPLATE.format(
        record=record,
        lambda_path=LAMBDA_PATH,
        routes="".join(
            ROUTE.format(name=n, key=k, function=f, auth=a, lambda_path=LAMBDA_PATH) for n, k, f, a in routes
        ),
    )
    (root / "template.yaml").write_text(text)
    for name, code in FUNCTIONS.items():
        (root / "fns" / name).mkdir(parents=True)
        (root / "fns" / name / "app.py").write_text(textwrap.dedent(code))
    local = start_local(root / "template.yaml", seed=False, hot_reload=False)
    api = LocalApi(local, port=0)
    api.start()
    try:
        yield Served(api, record)
    finally:
        api.stop()


def open_socket(served: Served, query: str = "token=allow", **options: Any) -> ClientConnection:
    socket: ClientConnection = connect(f"{served.ws_url}/?{query}", open_timeout=10, **options)
    return socket


def echo(socket: ClientConnection, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    socket.send(json.dumps({"action": "echo", **(extra or {})}))
    event: dict[str, Any] = json.loads(socket.recv(timeout=10))
    return event


def _eventually(probe: Any, within_s: float = 10) -> Any:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.05)
    raise AssertionError("did not happen in time")


# ---- the template's API -------------------------------------------------------------------------------------


def test_the_api_is_read_from_the_templates_routes_integrations_authorizer_and_route_responses(served: Served) -> None:
    api = served.api.websocket
    assert api is not None

    routes = api.api.routes
    assert sorted(routes) == ["$connect", "$disconnect", "echo", "silent"]
    assert routes["$connect"].function == "ConnectFunction"
    assert routes["$connect"].authorizer is not None
    assert routes["$connect"].authorizer.function == "AuthFunction"
    assert routes["$connect"].authorizer.identity_sources == ("route.request.querystring.token",)
    assert (routes["echo"].responds, routes["silent"].responds) == (True, False)
    assert (api.api.stage, api.api.selection_expression) == ("test", "$request.body.action")


# ---- the handshake --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status"), [("", 401), ("token=nobody", 401), ("token=deny", 403), ("token=boom", 500)]
)
def test_the_authorizer_refuses_the_handshake_as_api_gateway_does(served: Served, query: str, status: int) -> None:
    before = len(served.recorded("$connect"))

    with pytest.raises(InvalidStatus) as refused, open_socket(served, query):
        pass

    assert refused.value.response.status_code == status
    assert len(served.recorded("$connect")) == before, "$connect ran for a refused connection"


def test_a_non_2xx_from_connect_refuses_the_handshake_with_that_status(served: Served) -> None:
    with pytest.raises(InvalidStatus) as refused, open_socket(served, "token=allow&refuse=429"):
        pass

    assert refused.value.response.status_code == 429


def test_the_subprotocol_connect_answers_with_is_the_one_accepted(served: Served) -> None:
    with open_socket(served, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        assert socket.subprotocol == "graphql-transport-ws"
    with open_socket(served) as socket:
        assert socket.subprotocol is None


def test_connect_gets_the_query_headers_and_the_authorizer_context(served: Served) -> None:
    with open_socket(served, "token=allow&lang=de", user_agent_header="probe/1.0"):
        pass
    event = served.recorded("$connect")[-1]

    context = event["requestContext"]
    assert event["queryStringParameters"] == {"token": "allow", "lang": "de"}
    assert event["headers"]["user-agent"] == "probe/1.0"
    assert (context["eventType"], context["stage"], context["identity"]["userAgent"]) == (
        "CONNECT",
        "test",
        "probe/1.0",
    )
    assert context["authorizer"]["principalId"] == "u1"
    assert (context["authorizer"]["who"], context["authorizer"]["admin"]) == ("u1", "false")
    assert isinstance(context["connectedAt"], int)
    assert len(context["connectionId"]) == 16


# ---- messages ---------------------------------------------------------------------------------------------------


def test_a_message_reaches_its_route_with_api_gateways_event_and_the_body_comes_back(served: Served) -> None:
    with open_socket(served) as socket:
        event = echo(socket, {"n": 1})

    context = event["requestContext"]
    assert json.loads(event["body"]) == {"action": "echo", "n": 1}
    assert event["isBase64Encoded"] is False
    assert (context["routeKey"], context["eventType"], context["messageDirection"]) == ("echo", "MESSAGE", "IN")
    assert context["authorizer"]["who"] == "u1"  # every route sees what the authorizer said at $connect
    assert context["messageId"] != context["connectionId"]
    assert context["apiId"] == served.api.local.stack.provisioned["Live"].ref
    assert context["requestTimeEpoch"] >= context["connectedAt"]


def test_a_route_without_a_route_response_sends_nothing_back(served: Served) -> None:
    with open_socket(served) as socket:
        socket.send(json.dumps({"action": "silent"}))
        after = echo(socket)  # the next frame is the echo's: the silent route's body was dropped

    assert json.loads(after["body"])["action"] == "echo"


def test_an_unroutable_message_without_a_default_route_gets_api_gateways_forbidden_frame(served: Served) -> None:
    with open_socket(served) as socket:
        socket.send("not json at all")
        frame = json.loads(socket.recv(timeout=10))

    assert frame["message"] == "Forbidden"
    assert set(frame) == {"message", "connectionId", "requestId"}


def test_a_failing_route_function_gets_api_gateways_internal_error_frame(served: Served) -> None:
    with open_socket(served) as socket:
        socket.send('{"action": "echo", "fail": true}')
        frame = json.loads(socket.recv(timeout=10))
        still = echo(socket)

    assert frame["message"] == "Internal server error"
    assert json.loads(still["body"])["action"] == "echo"


def test_a_binary_frame_arrives_base64_encoded(served: Served) -> None:
    with open_socket(served) as socket:
        socket.send(b'{"action": "echo"}')
        event = json.loads(socket.recv(timeout=10))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b'{"action": "echo"}'


def _send_then_receive(socket: Any, message: Any) -> None:
    socket.send(message)
    socket.recv(timeout=10)


@pytest.mark.parametrize(
    "fragments",
    [
        [b"x" * (MAX_FRAME_BYTES + 1)],  # one frame over 32 KB
        [b"x" * MAX_FRAME_BYTES] * 5,  # frames within it, a message over 128 KB
    ],
    ids=["frame over 32 KB", "message over 128 KB"],
)
def test_over_api_gateways_limits_the_connection_is_closed_with_1009(served: Served, fragments: list[bytes]) -> None:
    # the gateway may close while the fragments are still being sent: then the send itself sees the close
    with open_socket(served, max_size=None) as socket, pytest.raises(ConnectionClosed) as closed:
        _send_then_receive(socket, iter(fragments) if len(fragments) > 1 else fragments[0])

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_a_message_of_exactly_32_kb_in_one_frame_is_routed(served: Served) -> None:
    padding = "x" * (MAX_FRAME_BYTES - len('{"action": "echo", "p": ""}'))
    with open_socket(served) as socket:
        event = echo(socket, {"p": padding})

    assert len(event["body"]) <= MAX_FRAME_BYTES


# ---- closing ----------------------------------------------------------------------------------------------------


def test_disconnect_runs_when_the_client_closes_with_its_code_and_reason(served: Served) -> None:
    with open_socket(served) as socket:
        connection_id = echo(socket)["requestContext"]["connectionId"]
        socket.close(code=4000, reason="bye")

    event = _eventually(lambda: [e for e in served.recorded("$disconnect") if _id(e) == connection_id])[0]
    context = event["requestContext"]
    assert (context["eventType"], context["disconnectStatusCode"], context["disconnectReason"]) == (
        "DISCONNECT",
        4000,
        "bye",
    )
    assert context["authorizer"]["who"] == "u1"


def _id(event: dict[str, Any]) -> str:
    return str(event["requestContext"]["connectionId"])


# ---- the Management API ----------------------------------------------------------------------------------------


def test_post_to_connection_sends_the_data_as_one_frame(served: Served) -> None:
    with open_socket(served) as socket:
        connection_id = echo(socket)["requestContext"]["connectionId"]
        answer = served.management().post_to_connection(ConnectionId=connection_id, Data=b'{"type":"order"}')
        frame = socket.recv(timeout=10)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert frame == '{"type":"order"}'


def test_get_connection_describes_it_in_the_models_shapes(served: Served) -> None:
    with open_socket(served, user_agent_header="probe/2.0") as socket:
        connection_id = echo(socket)["requestContext"]["connectionId"]
        described = served.management().get_connection(ConnectionId=connection_id)

    assert isinstance(described["ConnectedAt"], datetime)
    assert described["LastActiveAt"] >= described["ConnectedAt"]
    assert described["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "probe/2.0"}


def test_delete_connection_closes_the_socket_and_disconnect_runs(served: Served) -> None:
    with open_socket(served) as socket:
        connection_id = echo(socket)["requestContext"]["connectionId"]
        answer = served.management().delete_connection(ConnectionId=connection_id)
        with pytest.raises(ConnectionClosed):
            socket.recv(timeout=10)

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    _eventually(lambda: [e for e in served.recorded("$disconnect") if _id(e) == connection_id])


@pytest.mark.parametrize("operation", ["post_to_connection", "get_connection", "delete_connection"])
def test_a_closed_or_unknown_connection_is_gone_410(served: Served, operation: str) -> None:
    with open_socket(served) as socket:
        closed = echo(socket)["requestContext"]["connectionId"]
    _eventually(lambda: [e for e in served.recorded("$disconnect") if _id(e) == closed])
    client = served.management()

    for connection_id in (closed, "NeverOpened0000="):
        arguments: dict[str, Any] = {"ConnectionId": connection_id}
        if operation == "post_to_connection":
            arguments["Data"] = b"{}"
        with pytest.raises(ClientError) as gone:
            getattr(client, operation)(**arguments)
        assert gone.value.response["Error"]["Code"] == "GoneException"
        assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410
        assert isinstance(gone.value, client.exceptions.GoneException)


def test_posting_more_than_128_kb_is_payload_too_large(served: Served) -> None:
    with open_socket(served) as socket:
        connection_id = echo(socket)["requestContext"]["connectionId"]
        with pytest.raises(ClientError) as refused:
            served.management().post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))

    assert refused.value.response["Error"]["Code"] == "PayloadTooLargeException"


def test_waiters_api_is_read_whole_and_its_functions_get_the_local_management_api_and_jwks() -> None:
    from local.template import TEMPLATE as WAITER

    local = start_local(WAITER, seed=False, hot_reload=False)
    try:
        [api] = WebSocketApiDefinition.all_in(local.stack)
        endpoint = local.functions["LiveNotifierFunction"].environment["WEBSOCKET_ENDPOINT"]
        assert local.management_socket is not None
        port = local.management_socket.getsockname()[1]
        jwks = local.functions["WsAuthorizerFunction"].environment["COGNITO_JWKS_URL"]
    finally:
        local.close()

    assert set(api.routes) == {"$connect", "$disconnect", "$default", "subscribe", "unsubscribe", "ping"}
    assert {k for k, r in api.routes.items() if r.responds} == {"$default", "subscribe", "unsubscribe", "ping"}
    assert api.routes["$connect"].authorizer is not None
    assert api.routes["$connect"].authorizer.function == "WsAuthorizerFunction"
    assert endpoint == f"http://127.0.0.1:{port}/dev"  # the template's https://<api>.execute-api...amazonaws.com/dev
    assert jwks.startswith(local.moto.endpoint_url)
    assert jwks.endswith("/.well-known/jwks.json")


# ---- events, without a server ----------------------------------------------------------------------------------


def _api() -> WebSocketApiDefinition:
    return WebSocketApiDefinition("Api", "a1b2c3d4e5", "dev", "$request.body.action", {})


def test_events_carry_what_api_gateway_puts_in_them() -> None:
    from local.gateway.websocket import Handshake

    handshake = Handshake("/", [("host", "127.0.0.1:3001"), ("user-agent", "ua")], "token=t", "10.1.2.3", 3001)
    connection = LiveConnection("Conn0000000000A=", handshake, 1_700_000_000_000, authorizer={"principalId": "p"})

    connected = connect_event(_api(), connection, request_id="r1", now_ms=1_700_000_000_001)
    message = message_event(_api(), connection, "ping", "{}", request_id="r2", now_ms=1_700_000_000_002)
    left = disconnect_event(_api(), connection, 1006, "gone", request_id="r3", now_ms=1_700_000_000_003)

    assert connected["headers"]["X-Forwarded-For"] == "10.1.2.3"
    assert "body" not in connected
    assert connected["requestContext"]["domainName"] == "127.0.0.1:3001"
    assert "messageId" not in connected["requestContext"]
    assert message["requestContext"]["messageId"]
    assert "queryStringParameters" not in message
    for event, kind in ((connected, "CONNECT"), (message, "MESSAGE"), (left, "DISCONNECT")):
        context = event["requestContext"]
        assert context["eventType"] == kind
        assert (context["connectionId"], context["apiId"], context["stage"]) == (
            "Conn0000000000A=",
            "a1b2c3d4e5",
            "dev",
        )
        assert context["connectedAt"] == 1_700_000_000_000
        assert context["authorizer"] == {"principalId": "p"}
        assert context["identity"] == {"sourceIp": "10.1.2.3", "userAgent": "ua"}
    assert (left["requestContext"]["disconnectStatusCode"], left["requestContext"]["disconnectReason"]) == (
        1006,
        "gone",
    )


def test_a_function_invoked_by_hand_gets_410_for_every_connection() -> None:
    import asyncio

    from local.gateway.management_api import serving_alone
    from local.gateway.sockets import listening_socket, url_of

    sock = listening_socket("127.0.0.1", 0)
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    client = session.client("apigatewaymanagementapi", endpoint_url=f"{url_of(sock, 'http')}/dev")

    async def post() -> str:
        async with serving_alone(sock):
            try:
                await asyncio.to_thread(client.post_to_connection, ConnectionId="Anyone000000000=", Data=b"{}")
            except ClientError as error:
                return str(error.response["Error"]["Code"])
        return "sent"

    try:
        assert asyncio.run(post()) == "GoneException"
    finally:
        sock.close()
