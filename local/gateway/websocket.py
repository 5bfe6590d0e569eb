"""The template's WebSocket API (``AWS::ApiGatewayV2::Api`` with ``ProtocolType: WEBSOCKET``) served over
``ws://``, behaving like API Gateway in front of its route functions.

What API Gateway does, and so does this:

- **Routes** come from the template's ``AWS::ApiGatewayV2::Route`` resources (route key → integration → function);
  a message is routed by the API's ``RouteSelectionExpression`` (``$request.body.<field>``): a message that is not
  JSON, lacks the field or names no route goes to ``$default`` (without one, the client gets API Gateway's
  ``Forbidden`` frame).
- **``$connect``** runs the route's REQUEST authorizer first (its identity sources must all be present, or the
  handshake is refused with 401 uncalled), evaluating the policy against the route's ARN: ``Unauthorized`` → 401,
  a Deny (or no Allow) → 403, anything else failing → 500. Then the route's function: a non-2xx status refuses
  the handshake with that status; a ``Sec-WebSocket-Protocol`` header in its response is the accepted subprotocol.
  Nothing is registered for a refused connection.
- **Events** have API Gateway's shape: ``requestContext`` with ``connectionId``, ``routeKey``, ``eventType``
  (CONNECT, MESSAGE, DISCONNECT), ``messageId``, ``connectedAt``, ``requestTimeEpoch``, ``domainName``, ``stage``,
  ``apiId`` and the authorizer's context flattened beside ``principalId`` (on every route of the connection);
  headers and query parameters on ``$connect``, the body on messages (base64 for binary frames), the close code
  and reason on ``$disconnect``.
- **Route responses**: for a route with an ``AWS::ApiGatewayV2::RouteResponse`` the integration's ``body`` is sent
  back to the client; otherwise it is dropped. A failed integration sends ``{"message": "Internal server error",
  "connectionId": ..., "requestId": ...}``.
- **Limits**: a frame over 32 KB or a message over 128 KB closes the connection with 1009; an idle connection is
  closed after 10 minutes and every connection after 2 hours (1001, "Going away").
- **``$disconnect``** runs when the socket closes, whichever side closed it.

The Management API that posts to these connections is ``local.gateway.management_api``; both share one
``Connections`` registry and run in the REST server's event loop (``local.gateway.server.LocalApi``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame

from local.gateway.authorizers import AUTHORIZER_LIMIT_S, MalformedPolicyError, Policy
from local.gateway.intrinsics import ACCOUNT_ID, REGION
from local.gateway.runtime import Raised, Returned, Runtime, TimedOut
from local.template import websocket_apis

if TYPE_CHECKING:
    from local.gateway.boot import Local
    from local.gateway.functions import LambdaFunction
    from local.gateway.resources import Stack

log = logging.getLogger("local.gateway")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_FRAME_BYTES = 32 * 1024  # API Gateway's WebSocket frame size quota
MAX_MESSAGE_BYTES = 128 * 1024  # ... and message payload quota; either closes the connection with 1009
IDLE_TIMEOUT_S = 10 * 60.0  # API Gateway closes a connection idle this long
MAX_CONNECTION_S = 2 * 3600.0  # ... and every connection after this long
INTEGRATION_LIMIT_S = 29.0
GOING_AWAY = 1001
MESSAGE_TOO_BIG = 1009
CONNECT, DISCONNECT, DEFAULT = "$connect", "$disconnect", "$default"
_QUERY_SOURCE, _HEADER_SOURCE = "route.request.querystring.", "route.request.header."


# ---- what the template declares --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebSocketAuthorizerSpec:
    """A REQUEST authorizer of the API: its function and identity sources (``route.request.querystring.token``)."""

    logical_id: str
    function: str
    identity_sources: tuple[str, ...]


@dataclass(frozen=True)
class WebSocketRoute:
    """A route: its key, the function its integration invokes, its authorizer and whether it has a route
    response (the integration's body goes back to the client)."""

    key: str
    function: str
    authorizer: WebSocketAuthorizerSpec | None = None
    responds: bool = False


@dataclass(frozen=True)
class WebSocketApiDefinition:
    """One WebSocket API of the template, with its local identity (API id, stage)."""

    logical_id: str
    api_id: str
    stage: str
    selection_expression: str
    routes: dict[str, WebSocketRoute]

    @classmethod
    def all_in(cls, stack: Stack) -> list[WebSocketApiDefinition]:
        """Every WebSocket API of the stack's template, its routes read from the template's route resources."""
        resources = stack.template.get("Resources") or {}
        apis = []
        for logical_id in sorted(websocket_apis(stack.template)):
            props = resources[logical_id].get("Properties") or {}
            stages = [
                r.get("Properties") or {}
                for r in resources.values()
                if r.get("Type") == "AWS::ApiGatewayV2::Stage"
                and _ref(r.get("Properties", {}).get("ApiId")) == logical_id
            ]
            stage = str(stack.resolver.resolve(stages[0].get("StageName"))) if stages else "$default"
            apis.append(
                cls(
                    logical_id=logical_id,
                    api_id=stack.provisioned[logical_id].ref if logical_id in stack.provisioned else logical_id,
                    stage=stage,
                    selection_expression=str(props.get("RouteSelectionExpression", "$request.body.action")),
                    routes=_routes(logical_id, resources),
                )
            )
        return apis

    def route_arn(self, route_key: str) -> str:
        """The ARN an authorizer's policy must allow: ``arn:aws:execute-api:<region>:<account>:<api>/<stage>/<key>``."""
        return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{self.api_id}/{self.stage}/{route_key}"

    def select(self, body: str | bytes) -> WebSocketRoute | None:
        """The route of a message, by the selection expression; ``$default`` when none matches (or None)."""
        key = select_route_key(self.selection_expression, body)
        return self.routes.get(key or "") or self.routes.get(DEFAULT)


def _routes(api: str, resources: Mapping[str, Any]) -> dict[str, WebSocketRoute]:
    def of_api(kind: str) -> dict[str, dict[str, Any]]:
        return {
            name: res.get("Properties") or {}
            for name, res in resources.items()
            if res.get("Type") == kind and _ref((res.get("Properties") or {}).get("ApiId")) == api
        }

    integrations, authorizers = of_api("AWS::ApiGatewayV2::Integration"), of_api("AWS::ApiGatewayV2::Authorizer")
    responding = {_ref(props.get("RouteId")) for props in of_api("AWS::ApiGatewayV2::RouteResponse").values()}
    routes = {}
    for name, props in of_api("AWS::ApiGatewayV2::Route").items():
        target = _sub_names(props.get("Target"))
        integration = next((integrations[n] for n in target if n in integrations), None)
        function = next(iter(_sub_names(integration.get("IntegrationUri"))), None) if integration else None
        if function is None:
            log.warning("WebSocket route %s: no Lambda integration found; it is not served", name)
            continue
        authorizer = None
        authorizer_id = _ref(props.get("AuthorizerId"))
        if props.get("AuthorizationType") == "CUSTOM" and authorizer_id in authorizers:
            spec = authorizers[authorizer_id]
            sources = spec.get("IdentitySource") or []
            authorizer = WebSocketAuthorizerSpec(
                logical_id=authorizer_id,
                function=next(iter(_sub_names(spec.get("AuthorizerUri"))), ""),
                identity_sources=tuple(str(s) for s in ([sources] if isinstance(sources, str) else sources)),
            )
        key = str(props["RouteKey"])
        routes[key] = WebSocketRoute(key, function, authorizer, name in responding)
    return routes


def _ref(value: Any) -> str | None:
    return str(value["Ref"]) if isinstance(value, dict) and set(value) == {"Ref"} else None


def _sub_names(value: Any) -> list[str]:
    """The resources a ``Fn::Sub`` (or ``Fn::GetAtt``) names: ``integrations/${WsConnectIntegration}`` →
    ``["WsConnectIntegration"]``; ``...functions/${WsConnectFunction.Arn}/invocations`` → ``["WsConnectFunction"]``.

    >>> _sub_names({"Fn::Sub": "integrations/${Integration}"}), _sub_names({"Fn::GetAtt": ["Fn", "Arn"]})
    (['Integration'], ['Fn'])
    """
    from local.gateway.intrinsics import SUB_VARIABLE

    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        names = (n.strip() for n in SUB_VARIABLE.findall(str(text)))
        return [n.split(".", 1)[0] for n in names if not n.startswith("AWS::")]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        argument = value["Fn::GetAtt"]
        return [str(argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0])]
    return []


def select_route_key(expression: str, body: str | bytes) -> str | None:
    """The route key ``expression`` (``$request.body.<path>``) selects for a message body; None when the body is not
    a JSON object or the field is missing or not a string (API Gateway then uses ``$default``).

    >>> select_route_key("$request.body.action", '{"action": "subscribe"}')
    'subscribe'
    >>> select_route_key("$request.body.action", "not json"), select_route_key("$request.body.action", '{"type": 1}')
    (None, None)
    >>> select_route_key("$request.body.message.kind", '{"message": {"kind": "ping"}}')
    'ping'
    """
    prefix = "$request.body."
    if not expression.startswith(prefix):
        return expression if not expression.startswith("$") else None  # a static key
    try:
        value: Any = json.loads(body)
    except ValueError:
        return None
    for name in expression[len(prefix) :].split("."):
        if not isinstance(value, dict) or name not in value:
            return None
        value = value[name]
    return value if isinstance(value, str) else None


# ---- events ---------------------------------------------------------------------------------------------------


def new_id() -> str:
    """A connection or message id shaped like API Gateway's (16 characters of URL-safe base64: ``L0SM9cOFvHcCIhw=``).

    >>> len(new_id()), new_id().endswith("=")
    (16, True)
    """
    return base64.urlsafe_b64encode(os.urandom(11)).decode("ascii")


def _request_time(now_ms: int) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now_ms / 1000))


@dataclass
class Handshake:
    """What the client sent to open the connection."""

    path: str
    headers: list[tuple[str, str]]
    query_string: str
    source_ip: str
    port: int
    subprotocols: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else None

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)


def request_context(
    api: WebSocketApiDefinition,
    connection: LiveConnection,
    *,
    route_key: str,
    event_type: str,
    request_id: str,
    now_ms: int,
    message_id: str | None = None,
) -> dict[str, Any]:
    """``requestContext`` as API Gateway's WebSocket API builds it (the authorizer's context once there is one)."""
    host = connection.handshake.header("host") or "localhost"
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": _request_time(now_ms),
        "messageDirection": "IN",
        "stage": api.stage,
        "connectedAt": connection.connected_at_ms,
        "requestTimeEpoch": now_ms,
        "identity": {
            "sourceIp": connection.handshake.source_ip,
            "userAgent": connection.handshake.header("user-agent"),
        },
        "requestId": request_id,
        "domainName": host,
        "connectionId": connection.id,
        "apiId": api.api_id,
    }
    if message_id is not None:
        context["messageId"] = message_id
    if connection.authorizer is not None:
        context["authorizer"] = dict(connection.authorizer)
    return context


def connect_event(
    api: WebSocketApiDefinition, connection: LiveConnection, request_id: str, now_ms: int
) -> dict[str, Any]:
    """The ``$connect`` event: the handshake's headers (with API Gateway's X-Forwarded-*) and query parameters.

    >>> conn = LiveConnection("c1=", Handshake("/", [("host", "h")], "token=t&a=1&a=2", "10.0.0.1", 3001), 5)
    >>> event = connect_event(_demo_api(), conn, "r1", 7)
    >>> event["queryStringParameters"], event["multiValueQueryStringParameters"]["a"]
    ({'token': 't', 'a': '2'}, ['1', '2'])
    >>> event["requestContext"]["eventType"], event["requestContext"]["connectionId"]
    ('CONNECT', 'c1=')
    """
    handshake = connection.handshake
    headers = [
        *((k, v) for k, v in handshake.headers if not k.lower().startswith("x-forwarded-")),
        ("X-Forwarded-For", handshake.source_ip),
        ("X-Forwarded-Port", str(handshake.port)),
        ("X-Forwarded-Proto", "http"),
    ]
    event: dict[str, Any] = {
        "headers": dict(headers),
        "multiValueHeaders": _multi(headers),
        "requestContext": request_context(
            api, connection, route_key=CONNECT, event_type="CONNECT", request_id=request_id, now_ms=now_ms
        ),
        "isBase64Encoded": False,
    }
    query = handshake.query
    if query:  # API Gateway leaves both out when there is no query string
        event["queryStringParameters"] = dict(query)
        event["multiValueQueryStringParameters"] = _multi(query)
    return event


def authorizer_event(
    api: WebSocketApiDefinition, connection: LiveConnection, request_id: str, now_ms: int
) -> dict[str, Any]:
    """The REQUEST authorizer's event at ``$connect``: the connect event plus ``type`` and ``methodArn``."""
    event = connect_event(api, connection, request_id, now_ms)
    event.pop("isBase64Encoded")
    return {
        "type": "REQUEST",
        "methodArn": api.route_arn(CONNECT),
        **event,
        "queryStringParameters": event.get("queryStringParameters") or {},
        "multiValueQueryStringParameters": event.get("multiValueQueryStringParameters") or {},
        "stageVariables": {},
    }


def message_event(
    api: WebSocketApiDefinition,
    connection: LiveConnection,
    route_key: str,
    body: str | bytes,
    *,
    request_id: str,
    now_ms: int,
) -> dict[str, Any]:
    """A ``MESSAGE`` event: the frame's text as ``body`` (a binary frame base64-encoded).

    >>> conn = LiveConnection("c1=", Handshake("/", [], "", "127.0.0.1", 3001), 5, authorizer={"principalId": "u1"})
    >>> event = message_event(_demo_api(), conn, "ping", '{"action":"ping"}', request_id="r1", now_ms=9)
    >>> event["body"], event["requestContext"]["routeKey"], event["requestContext"]["authorizer"]
    ('{"action":"ping"}', 'ping', {'principalId': 'u1'})
    """
    binary = isinstance(body, bytes)
    context = request_context(
        api,
        connection,
        route_key=route_key,
        event_type="MESSAGE",
        request_id=request_id,
        now_ms=now_ms,
        message_id=new_id(),
    )
    return {
        "requestContext": context,
        "body": base64.b64encode(body).decode("ascii") if isinstance(body, bytes) else body,
        "isBase64Encoded": binary,
    }


def disconnect_event(
    api: WebSocketApiDefinition, connection: LiveConnection, code: int, reason: str, *, request_id: str, now_ms: int
) -> dict[str, Any]:
    """The ``$disconnect`` event, with the close code and reason API Gateway reports."""
    host = connection.handshake.header("host") or "localhost"
    headers = [("Host", host), ("x-api-key", ""), ("X-Forwarded-For", ""), ("x-restapi", "")]
    context = request_context(
        api, connection, route_key=DISCONNECT, event_type="DISCONNECT", request_id=request_id, now_ms=now_ms
    )
    context["disconnectStatusCode"] = code
    context["disconnectReason"] = reason
    return {
        "headers": dict(headers),
        "multiValueHeaders": _multi(headers),
        "requestContext": context,
        "isBase64Encoded": False,
    }


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _demo_api() -> WebSocketApiDefinition:
    """A one-route API for the examples."""
    return WebSocketApiDefinition(
        "Api", "a1b2c3d4e5", "dev", "$request.body.action", {"ping": WebSocketRoute("ping", "F")}
    )


# ---- live connections -----------------------------------------------------------------------------------------


@dataclass(eq=False)
class LiveConnection:
    """An open client connection: what ``$connect`` saw, the authorizer's context and how to write to it."""

    id: str
    handshake: Handshake
    connected_at_ms: int
    authorizer: dict[str, Any] | None = None
    last_active_ms: int = 0
    send: Send | None = None  # the ASGI send of the socket, once accepted
    closed: bool = False

    def __post_init__(self) -> None:
        self.last_active_ms = self.last_active_ms or self.connected_at_ms

    async def post(self, data: bytes) -> None:
        """Send ``data`` as one frame (text when it is UTF-8, as API Gateway sends posted data)."""
        if self.send is None or self.closed:
            raise ConnectionGoneError(self.id)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            await self.send({"type": "websocket.send", "bytes": data})
        else:
            await self.send({"type": "websocket.send", "text": text})
        self.last_active_ms = _now_ms()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close from the server side (the Management API's DELETE, a limit); ``$disconnect`` follows."""
        if self.send is None or self.closed:
            raise ConnectionGoneError(self.id)
        self.closed = True
        await self.send({"type": "websocket.close", "code": code, "reason": reason})


class ConnectionGoneError(Exception):
    """The connection is closed or was never open (the Management API's 410)."""


class Connections:
    """The open connections by id; shared by the WebSocket server and the Management API (one event loop)."""

    def __init__(self) -> None:
        self._open: dict[str, LiveConnection] = {}

    def add(self, connection: LiveConnection) -> None:
        self._open[connection.id] = connection

    def remove(self, connection: LiveConnection) -> None:
        connection.closed = True
        if self._open.get(connection.id) is connection:
            del self._open[connection.id]

    def get(self, connection_id: str) -> LiveConnection | None:
        connection = self._open.get(connection_id)
        return None if connection is None or connection.closed else connection

    def __len__(self) -> int:
        return len(self._open)


def _now_ms() -> int:
    return int(time.time() * 1000)


def iso(ms: int) -> str:
    """A millisecond epoch as ISO 8601 UTC.

    >>> iso(0)
    '1970-01-01T00:00:00.000Z'
    """
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ---- the protocol: API Gateway's frame limit ------------------------------------------------------------------


class ApiGatewayFrames(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with API Gateway's frame quota. ``ws_max_size`` enforces the 128 KB
    message quota (websockets closes with 1009); websockets has no per-frame limit, so a frame over 32 KB is
    caught here, where uvicorn hands the frames over, and closed with 1009 as API Gateway does."""

    def handle_text(self, event: Frame) -> None:
        if self._within_quota(event):
            super().handle_text(event)

    def handle_bytes(self, event: Frame) -> None:
        if self._within_quota(event):
            super().handle_bytes(event)

    def handle_cont(self, event: Frame) -> None:
        if self._within_quota(event):
            super().handle_cont(event)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            # uvicorn 0.54 leaves a refused handshake "incomplete" and then logs an error for it
            self.handshake_complete = True

    def _within_quota(self, event: Frame) -> bool:
        if self.close_sent or len(event.data) <= MAX_FRAME_BYTES:
            return not self.close_sent
        reason = f"frame of {len(event.data)} bytes is over the {MAX_FRAME_BYTES}-byte limit"
        self.conn.fail(MESSAGE_TOO_BIG, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.queue.put_nowait({"type": "websocket.disconnect", "code": MESSAGE_TOO_BIG, "reason": reason})
        self.close_sent = True
        self.transport.close()
        return False


# ---- serving --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A refused handshake: the HTTP status and body API Gateway answers with."""

    status: int
    message: str | None

    @property
    def body(self) -> bytes:
        return json.dumps({"message": self.message}).encode()


UNAUTHORIZED = Refusal(401, "Unauthorized")
FORBIDDEN = Refusal(403, "Forbidden")
AUTHORIZER_FAILED = Refusal(500, None)
INTEGRATION_FAILED = Refusal(500, "Internal server error")


class WebSocketGateway:
    """The ASGI application of the WebSocket port: one task per connection, one per message it sends."""

    def __init__(
        self,
        api: WebSocketApiDefinition,
        runtime: Runtime,
        functions: Mapping[str, LambdaFunction],
        connections: Connections | None = None,
    ) -> None:
        self.api = api
        self.connections = connections if connections is not None else Connections()
        self._runtime = runtime
        self._functions = functions

    @classmethod
    def for_local(cls, local: Local, connections: Connections | None = None) -> WebSocketGateway | None:
        """The gateway of the local stack's WebSocket API, or None when the template declares none."""
        apis = WebSocketApiDefinition.all_in(local.stack)
        if not apis:
            return None
        if len(apis) > 1:
            log.warning("the template declares %d WebSocket APIs; serving %s", len(apis), apis[0].logical_id)
        return cls(apis[0], local.runtime, local.functions, connections)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await _upgrade_required(send)
            return
        if (await receive())["type"] != "websocket.connect":
            return
        handshake = _handshake(scope)
        connection = LiveConnection(new_id(), handshake, _now_ms())
        started = time.perf_counter()
        outcome = await self._connect(connection)
        elapsed = (time.perf_counter() - started) * 1000
        if isinstance(outcome, Refusal):
            log.info("WS %s %s -> refused %d %.1f ms", CONNECT, connection.id, outcome.status, elapsed)
            await send({"type": "websocket.http.response.start", "status": outcome.status, "headers": _json_headers()})
            await send({"type": "websocket.http.response.body", "body": outcome.body})
            return
        await send({"type": "websocket.accept", "subprotocol": outcome, "headers": []})
        connection.send = send
        self.connections.add(connection)
        log.info("WS %s %s -> 101 %.1f ms", CONNECT, connection.id, elapsed)
        code, reason = await self._serve(connection, receive)
        self.connections.remove(connection)
        await self._disconnect(connection, code, reason)

    async def _connect(self, connection: LiveConnection) -> Refusal | str | None:
        """Authorize and run ``$connect``: the refusal, or the subprotocol to accept (None: no subprotocol)."""
        route = self.api.routes.get(CONNECT)
        if not _path_allowed(connection.handshake.path, self.api.stage):
            return FORBIDDEN
        if route is not None and route.authorizer is not None:
            refusal = await self._authorize(route.authorizer, connection)
            if refusal is not None:
                return refusal
        if route is None:
            return None
        result = await self._invoke(route, connect_event(self.api, connection, str(uuid.uuid4()), _now_ms()))
        if not isinstance(result, dict) or not isinstance(result.get("statusCode", 200), int):
            return INTEGRATION_FAILED
        status = int(result.get("statusCode", 200))
        if not 200 <= status < 300:
            return Refusal(status, None if not result.get("body") else str(result["body"]))
        headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
        return headers.get("sec-websocket-protocol")

    async def _authorize(  # noqa: PLR0911 - one answer per way API Gateway refuses
        self, spec: WebSocketAuthorizerSpec, connection: LiveConnection
    ) -> Refusal | None:
        if not _identity_present(spec.identity_sources, connection.handshake):
            return UNAUTHORIZED  # API Gateway does not call the authorizer without its identity sources
        function = self._functions.get(spec.function)
        if function is None:
            log.error("authorizer %s: no function %s in the template", spec.logical_id, spec.function)
            return AUTHORIZER_FAILED
        started = time.perf_counter()
        event = authorizer_event(self.api, connection, str(uuid.uuid4()), _now_ms())
        outcome = await self._runtime.invoke(function, event, limit_s=AUTHORIZER_LIMIT_S)
        match outcome:
            case Returned(value):
                try:
                    policy = Policy.parse(value)
                except MalformedPolicyError as error:
                    log.error("authorizer %s returned a malformed policy: %s", spec.logical_id, error)
                    return AUTHORIZER_FAILED
            case Raised(error, trace):
                if str(error) == "Unauthorized":
                    return UNAUTHORIZED
                log.error("authorizer %s failed: %r\n%s", spec.logical_id, error, trace.rstrip())
                return AUTHORIZER_FAILED
            case TimedOut():
                log.error("authorizer %s timed out", spec.logical_id)
                return AUTHORIZER_FAILED
        if policy.decide(self.api.route_arn(CONNECT)) != "allow":
            return FORBIDDEN
        latency_ms = round((time.perf_counter() - started) * 1000)
        connection.authorizer = {**policy.context, "principalId": policy.principal_id, "integrationLatency": latency_ms}
        return None

    async def _serve(self, connection: LiveConnection, receive: Receive) -> tuple[int, str]:
        """Route every message until the socket closes; the close code and reason."""
        pending: set[asyncio.Task[None]] = set()
        deadline = time.monotonic() + MAX_CONNECTION_S
        try:
            while True:
                wait_s = min(IDLE_TIMEOUT_S, deadline - time.monotonic())
                try:
                    message = await asyncio.wait_for(receive(), timeout=max(wait_s, 1.0))
                except TimeoutError:
                    await _close_quietly(connection, GOING_AWAY, "Going away")
                    continue
                if message["type"] == "websocket.disconnect":
                    return int(message.get("code") or 1005), str(message.get("reason") or "")
                if message["type"] != "websocket.receive":
                    continue
                connection.last_active_ms = _now_ms()
                body = message.get("text")
                task = asyncio.create_task(self._message(connection, body if body is not None else message["bytes"]))
                pending.add(task)
                task.add_done_callback(pending.discard)
        finally:
            if pending:  # the answers of messages already sent still go out before $disconnect runs
                await asyncio.gather(*pending, return_exceptions=True)

    async def _message(self, connection: LiveConnection, body: str | bytes) -> None:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        route = self.api.select(body)
        if route is None:
            await _send_quietly(connection, _gateway_frame("Forbidden", connection, request_id))
            log.info("WS message %s -> no route", connection.id)
            return
        result = await self._invoke(
            route, message_event(self.api, connection, route.key, body, request_id=request_id, now_ms=_now_ms())
        )
        if result is None:
            await _send_quietly(connection, _gateway_frame("Internal server error", connection, request_id))
        elif route.responds:
            reply = result.get("body") if isinstance(result, dict) else result if isinstance(result, str) else None
            if reply is not None:
                await _send_quietly(connection, str(reply))
        elapsed = (time.perf_counter() - started) * 1000
        log.info("WS %s %s -> %s %.1f ms", route.key, connection.id, route.function, elapsed)

    async def _disconnect(self, connection: LiveConnection, code: int, reason: str) -> None:
        route = self.api.routes.get(DISCONNECT)
        if route is None:
            return
        started = time.perf_counter()
        await self._invoke(
            route, disconnect_event(self.api, connection, code, reason, request_id=str(uuid.uuid4()), now_ms=_now_ms())
        )
        elapsed = (time.perf_counter() - started) * 1000
        log.info("WS %s %s (%d) -> %s %.1f ms", DISCONNECT, connection.id, code, route.function, elapsed)

    async def _invoke(self, route: WebSocketRoute, event: dict[str, Any]) -> Any:
        """The route function's result; None when it failed, timed out or is missing (logged)."""
        function = self._functions.get(route.function)
        if function is None:
            log.error("WebSocket route %s: no function %s in the template", route.key, route.function)
            return None
        match await self._runtime.invoke(function, event, limit_s=INTEGRATION_LIMIT_S):
            case Returned(value):
                return value
            case Raised(error, trace):
                log.error("%s failed: %r\n%s", function.name, error, trace.rstrip())
            case TimedOut():
                log.error("%s timed out", function.name)
        return None


def _handshake(scope: Scope) -> Handshake:
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client")
    return Handshake(
        path=scope.get("path") or "/",
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])],
        query_string=scope.get("query_string", b"").decode("latin-1"),
        source_ip=client[0] if client else "127.0.0.1",
        port=int(server[1] or 80),
        subprotocols=list(scope.get("subprotocols") or []),
    )


def _path_allowed(path: str, stage: str) -> bool:
    """The local URL is the port's root; the stage's path (``/dev``) is accepted too, as on AWS."""
    return path.rstrip("/") in ("", f"/{stage}")


def _identity_present(sources: tuple[str, ...], handshake: Handshake) -> bool:
    query = dict(handshake.query)
    for source in sources:
        if source.startswith(_QUERY_SOURCE):
            value = query.get(source[len(_QUERY_SOURCE) :])
        elif source.startswith(_HEADER_SOURCE):
            value = handshake.header(source[len(_HEADER_SOURCE) :])
        else:  # stage variables and context variables: the local stage has none
            value = None
        if not value:
            return False
    return True


def _gateway_frame(message: str, connection: LiveConnection, request_id: str) -> str:
    """What API Gateway itself sends when it cannot route a message or its integration failed."""
    return json.dumps({"message": message, "connectionId": connection.id, "requestId": request_id})


def _json_headers() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json")]


async def _send_quietly(connection: LiveConnection, text: str) -> None:
    try:
        await connection.post(text.encode())
    except Exception:
        log.info("WS %s: gone before its answer was sent", connection.id)


async def _close_quietly(connection: LiveConnection, code: int, reason: str) -> None:
    try:
        await connection.close(code, reason)
    except Exception:
        connection.closed = True


async def _upgrade_required(send: Send) -> None:
    body = json.dumps({"message": "this port serves the WebSocket API: connect with ws://"}).encode()
    headers = [*_json_headers(), (b"content-length", str(len(body)).encode()), (b"upgrade", b"websocket")]
    await send({"type": "http.response.start", "status": 426, "headers": headers})
    await send({"type": "http.response.body", "body": body})
