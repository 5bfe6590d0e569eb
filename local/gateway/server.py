"""The REST API over HTTP: an ASGI app (served by uvicorn) that behaves like API Gateway in front of
the template's functions.

Each request goes through a pipeline: match the route -> the route's steps -> the Lambda proxy integration.
Steps are where API Gateway's per-route features go: the route's authorizer (``local.gateway.authorizers``: the
Cognito user pool authorizer, Lambda TOKEN/REQUEST authorizers) filling ``exchange.authorizer``, then API keys and
usage plans (``local.gateway.usage_plans``) answering 403 and 429; ``local.gateway.security`` derives them from
the template. Each is an async callable that either lets the request through (returns None) or answers it.
The WebSocket API (``local.gateway.websocket``) and its Management API are served by the same app on ports of their
own.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from local import graphiql
from local import template as tpl
from local.gateway import events
from local.gateway.boot import Local
from local.gateway.events import GatewayError, HttpRequest, HttpResponse
from local.gateway.functions import LambdaFunction
from local.gateway.gateway_responses import ErrorContext, GatewayResponses
from local.gateway.mail import MAIL_PATH, mail_response
from local.gateway.management_api import ManagementApi
from local.gateway.payments import WEBHOOK_PATH, LocalPaymentProvider, confirm_path_id, confirm_response
from local.gateway.pipeline import STAGE, Answer, Exchange, Step
from local.gateway.routing import Match, Route, RouteTable
from local.gateway.runtime import Raised, Returned, Runtime, TimedOut
from local.gateway.sockets import listening_socket, url_of
from local.gateway.websocket import MAX_MESSAGE_BYTES, ApiGatewayFrames, Connections, WebSocketGateway

log = logging.getLogger("local.gateway")

# ASGI's callables and messages (https://asgi.readthedocs.io/en/latest/specs/www.html)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INTEGRATION_LIMIT_S = 29.0  # API Gateway gives up on any integration after 29 s


class LambdaProxyIntegration:
    """Turns an exchange into a proxy event, runs the function and turns its result into the response."""

    def __init__(self, runtime: Runtime, functions: Mapping[str, LambdaFunction], stage: str = STAGE) -> None:
        self._runtime = runtime
        self._functions = functions
        self._stage = stage

    async def __call__(self, exchange: Exchange) -> Answer:
        function = self._functions[exchange.route.function]
        event = events.rest_event(
            exchange.request,
            resource=exchange.route.resource,
            path_parameters=exchange.match.path_parameters,
            stage=self._stage,
            request_id=exchange.request_id,
        )
        if exchange.authorizer is not None:
            event["requestContext"]["authorizer"] = exchange.authorizer
        if exchange.identity:
            event["requestContext"]["identity"].update(exchange.identity)
        outcome = await self._runtime.invoke(function, event, limit_s=INTEGRATION_LIMIT_S)
        match outcome:
            case Returned(value):
                try:
                    return events.proxy_response(value)
                except events.MalformedResultError as error:
                    log.error("%s returned a malformed proxy response: %s", function.name, error)
                    return events.INTEGRATION_FAILED
            case Raised(error, trace):
                log.error("%s failed: %r\n%s", function.name, error, trace.rstrip())
                return events.INTEGRATION_FAILED
            case TimedOut():
                return events.INTEGRATION_TIMEOUT


@dataclass(frozen=True)
class ApiDefinition:
    """What the template declares about the REST API(s): routes, CORS preflight answers, gateway responses."""

    routes: list[Route]
    preflights: dict[str, dict[str, str]]  # CORS preflight headers by resource path
    responses: dict[str, GatewayResponses]  # by API logical id

    @classmethod
    def from_template(cls, template: dict[str, Any], root: Path) -> ApiDefinition:
        declared = tpl.api_routes(template, root=root)
        routes = [Route(r.method, r.path, r.function, r.api, r.event) for r in declared]
        preflights: dict[str, dict[str, str]] = {}
        for path in sorted({r.resource for r in routes}):
            on_path = [r for r in routes if r.resource == path]
            headers = tpl.api_cors(on_path[0].api, [r.method for r in on_path], template)
            if headers:
                preflights[path] = headers
        apis = {r.api for r in routes}
        responses = {api: GatewayResponses(tpl.gateway_responses(api, template)) for api in apis}
        return cls(routes, preflights, responses)

    def gateway_responses(self, api: str | None) -> GatewayResponses:
        """The API's customisations; for requests no route matched, those of the only API (if there is one)."""
        if api is None and len(self.responses) == 1:
            return next(iter(self.responses.values()))
        return self.responses.get(api or "", GatewayResponses())


class RestGateway:
    """API Gateway (REST): matches the route, answers CORS preflights, runs the route's steps, then integrates."""

    def __init__(
        self,
        api: ApiDefinition,
        integration: Callable[[Exchange], Awaitable[Answer]],
        steps: Sequence[Step] = (),
    ) -> None:
        self.api = api
        self._table = RouteTable(api.routes)
        self._integration = integration
        self._steps = steps

    @classmethod
    def for_local(cls, local: Local, steps: Sequence[Step] | None = None) -> RestGateway:
        """The gateway of a started local stack; unless ``steps`` are given, every route's authorizer, API key and
        usage plan are enforced as the template declares them."""
        from local.gateway.security import security_steps

        api = ApiDefinition.from_template(local.stack.template, local.template_path.parent)
        steps = security_steps(local, api.routes) if steps is None else steps
        return cls(api, LambdaProxyIntegration(local.runtime, local.functions), steps)

    async def handle(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """The response to ``request`` and the name of what answered it (for the log line)."""
        request_id = str(uuid.uuid4())
        answer, route, target = await self._answer(request, request_id)
        return self.render(answer, route, request_id, request), target

    def render(self, answer: Answer, route: Route | None, request_id: str, request: HttpRequest) -> HttpResponse:
        """The HTTP response of ``answer``: a gateway error as the route's API customises it (template.yaml's
        ``GatewayResponses``), with the request id API Gateway adds to every response."""
        if isinstance(answer, GatewayError):
            context = ErrorContext(
                request_id=request_id,
                http_method=request.method,
                path=request.path.split("?", 1)[0],
                resource_path=route.resource if route else "",
                source_ip=request.source_ip,
                user_agent=request.header("user-agent") or "",
            )
            answer = self.api.gateway_responses(route.api if route else None).render(answer, context)
        answer.headers.append(("x-amzn-RequestId", request_id))
        return answer

    async def _answer(self, request: HttpRequest, request_id: str) -> tuple[Answer, Route | None, str]:
        if len(request.body) > events.MAX_REQUEST_BYTES:
            return events.REQUEST_TOO_LARGE, None, "gateway"
        match = self._table.match(request.path)
        route = match.resource.route(request.method) if match else None
        if match is None or route is None:
            return self._unrouted(request, match)
        exchange = Exchange(request, request_id, match, route)
        for step in self._steps:
            refusal = await step(exchange)
            if refusal is not None:
                return refusal, route, getattr(step, "__name__", type(step).__name__)
        return await self._integration(exchange), route, route.function

    def _unrouted(self, request: HttpRequest, match: Match | None) -> tuple[Answer, Route | None, str]:
        """A CORS preflight on a declared path (SAM's OPTIONS mock), otherwise API Gateway's 403."""
        preflight = self.api.preflights.get(match.resource.path) if match and request.method == "OPTIONS" else None
        if preflight is not None:
            return events.preflight(preflight), None, "cors preflight"
        return events.MISSING_ROUTE, None, "no route"


# ---- HTTP (ASGI) --------------------------------------------------------------------------------------------


class ClientGoneError(Exception):
    """The client disconnected before its request body arrived: there is no one to answer."""


class GatewayApp:
    """The ASGI application: every HTTP request, whatever its path and method, goes to the gateway, which answers
    as API Gateway would; on the WebSocket API's and the Management API's ports, their own applications answer.

    Plain ASGI (uvicorn parses and writes HTTP): the gateway needs the raw path, headers and body in and bytes out,
    and framework request/response objects around that were a tenth of what the gateway adds to a request."""

    def __init__(
        self,
        gateway: RestGateway,
        by_port: Mapping[int, AsgiApp] | None = None,
        payments: LocalPaymentProvider | None = None,
    ) -> None:
        self.gateway = gateway
        self._by_port = dict(by_port or {})  # the WebSocket API's and the Management API's ports
        self.payments = payments

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server")
        other = self._by_port.get(int(server[1] or 0)) if server and self._by_port else None
        if other is not None:
            await other(scope, receive, send)
            return
        if scope["type"] == "websocket":  # the REST API takes no WebSocket upgrades
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            raise RuntimeError(f"the local gateway does not serve {scope['type']} connections")
        try:
            response = await self.respond(scope, receive)
        except ClientGoneError:
            return
        # A 204 or 304 carries no Content-Length (RFC 9110 8.6: for a 304 it would have to be the 200's length).
        no_content = response.status in events.NO_CONTENT_STATUSES
        headers: list[tuple[bytes, bytes]] = (
            [] if no_content else [(b"content-length", str(len(response.body)).encode())]
        )
        headers += [
            (name.encode("latin-1", "replace"), value.encode("latin-1", "replace")) for name, value in response.headers
        ]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def respond(self, scope: Scope, receive: Receive) -> HttpResponse:
        started = time.perf_counter()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        declared = next((v for k, v in headers if k.lower() == "content-length"), "")
        if declared.isdigit() and int(declared) > events.MAX_REQUEST_BYTES:  # refused unread, as API Gateway does
            unread = _http_request(scope, headers, b"")
            return self.gateway.render(events.REQUEST_TOO_LARGE, None, str(uuid.uuid4()), unread)
        http = _http_request(scope, headers, await _body(receive))
        payment_id = confirm_path_id(http.method, http.path) if self.payments is not None else None
        if http.method == "GET" and http.path == MAIL_PATH:  # local only: what the functions e-mailed
            response, target = mail_response(), "local mail"
        elif payment_id is not None and self.payments is not None:  # local only: paying with a test card
            status, body = confirm_response(self.payments, payment_id, http.body)
            headers = [("Content-Type", "application/json"), *_CONFIRM_CORS[:1]]
            response, target = HttpResponse(status, headers, body), "local payments"
        elif http.method == "OPTIONS" and self.payments is not None and confirm_path_id("POST", http.path):
            response, target = HttpResponse(204, list(_CONFIRM_CORS), b""), "local payments preflight"
        elif (local_page := graphiql_response(http.method, http.path, headers)) is not None:
            response, target = local_page, "GraphiQL"
        else:
            response, target = await self.gateway.handle(http)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s -> %s %d %.1f ms", http.method, http.path, target, response.status, elapsed_ms)
        return response


# The web client's test-card form posts to the confirm route from its own origin (web/js/payments.js), as the
# provider's card element does in the cloud: any origin may, as on the REST API.
_CONFIRM_CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "POST,OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type"),
    ("Access-Control-Max-Age", "600"),
)


def graphiql_response(method: str, path: str, headers: list[tuple[str, str]]) -> HttpResponse | None:
    """Local only: GraphiQL's page for a browser's ``GET /v1/graphql`` (Accept: text/html, no query) and its
    vendored assets (local/graphiql.py); None for every other request."""
    if method != "GET":
        return None
    if path.startswith(graphiql.PATH):
        found = graphiql.asset(path.removeprefix(graphiql.PATH))
        if found is None:
            return HttpResponse(404, [("Content-Type", "text/plain")], b"no such GraphiQL file")
        return HttpResponse(200, [("Content-Type", found[1]), ("Cache-Control", "max-age=3600")], found[0])
    accept = next((v for k, v in headers if k.lower() == "accept"), "")
    if path != "/v1/graphql" or "text/html" not in accept:
        return None
    if not graphiql.available():
        body = b"GraphiQL is not vendored: run `python -m local.graphiql` (needs npm once)"
        return HttpResponse(503, [("Content-Type", "text/plain")], body)
    return HttpResponse(200, [("Content-Type", "text/html; charset=utf-8")], graphiql.page())


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGoneError
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _http_request(scope: Scope, headers: list[tuple[str, str]], body: bytes) -> HttpRequest:
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client")
    return HttpRequest(
        method=scope["method"],
        path=scope.get("raw_path", b"").decode("latin-1") or scope["path"],
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
        source_ip=client[0] if client else "127.0.0.1",
        protocol=f"HTTP/{scope.get('http_version', '1.1')}",
        scheme=scope.get("scheme", "http"),
        port=int(server[1] or 80),
    )


# ---- serving ------------------------------------------------------------------------------------------------


def uvicorn_config(app: AsgiApp) -> uvicorn.Config:
    """uvicorn as the gateway runs ``app`` (HTTP parser and event loop as uvicorn picks them); the bench's floor
    server (``bench.gateway_child``) is configured here too, so the two always share their settings."""
    return uvicorn.Config(
        app,
        log_config=None,
        log_level="warning",
        access_log=False,  # one line per request comes from the gateway itself
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=3,
        ws=ApiGatewayFrames,  # uvicorn's websockets-sansio protocol with API Gateway's frame quota
        ws_max_size=MAX_MESSAGE_BYTES,
        ws_per_message_deflate=False,  # API Gateway offers no compression
        ws_ping_interval=None,  # nor pings: idle connections are closed after 10 minutes instead
    )


class LocalApi:
    """The gateway of a started ``Local`` served on ``host:port`` (0 picks a free port); with a WebSocket API in
    the template, that API on ``host:ws_port`` (default: ``port + 1``, or a free port when ``port`` is 0) and its
    Management API on the loopback socket ``start_local`` bound. One uvicorn server, one event loop, all sockets:
    the Management API writes straight to the sockets of the WebSocket connections."""

    def __init__(
        self,
        local: Local,
        host: str = "127.0.0.1",
        port: int = 3000,
        steps: Sequence[Step] | None = None,
        ws_port: int | None = None,
    ) -> None:
        self.local = local
        self.gateway = RestGateway.for_local(local, steps)
        self.websocket = WebSocketGateway.for_local(local, Connections())
        self._socket = listening_socket(host, port)
        self._sockets = [self._socket]
        self.url = url_of(self._socket, "http")
        if local.payments is not None:  # the emulated provider delivers its webhooks to this gateway
            local.payments.webhook_url = self.url + WEBHOOK_PATH
        self.ws_url: str | None = None
        by_port: dict[int, AsgiApp] = {}
        try:
            if self.websocket is not None:
                chosen = ws_port if ws_port is not None else (port + 1 if port else 0)
                ws_socket = listening_socket(host, chosen)
                self._sockets.append(ws_socket)
                self.ws_url = url_of(ws_socket, "ws")
                by_port[ws_socket.getsockname()[1]] = self.websocket
            if self.websocket is not None and local.management_socket is not None:
                self._sockets.append(local.management_socket)
                by_port[local.management_socket.getsockname()[1]] = ManagementApi(self.websocket.connections)
        except OSError:
            for sock in self._sockets:
                sock.close()
            raise
        self.management_url = url_of(local.management_socket, "http") if local.management_socket else None
        self._server = uvicorn.Server(uvicorn_config(GatewayApp(self.gateway, by_port, local.payments)))
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """Serve until Ctrl-C (SIGINT) or SIGTERM; uvicorn handles the signals in the main thread."""
        self._server.run(sockets=self._sockets)

    def start(self) -> None:
        """Serve from a background thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self.run, name="local-gateway", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local gateway did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving, then stop the local stack (moto) and give back the process environment."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for sock in self._sockets:
            sock.close()
        self.local.close()


def serve_in_background(
    port: int = 0, host: str = "127.0.0.1", *, local: Local | None = None, **start_options: Any
) -> tuple[str, Callable[[], None]]:
    """Start the gateway in this process on a free port (or ``port``); returns its base URL and a stop function.

    ``start_options`` go to ``start_local`` (``template_path``, ``seed``, ...) unless a started ``local`` is given.
    """
    from local.gateway.boot import start_local

    local = local or start_local(**start_options)
    try:
        api = LocalApi(local, host, port)
        api.start()
    except BaseException:
        local.close()
        raise
    return api.url, api.stop
