"""The API Gateway Management API (``apigatewaymanagementapi``) of the local WebSocket API, on a loopback port.

moto's version accepts every post and never answers 410 (FACTS.md), so the gateway serves its own over the live
connections of ``local.gateway.websocket``: ``POST /@connections/{id}`` sends the body as one frame,
``GET`` describes the connection, ``DELETE`` closes it; a connection that is closed or was never open is
``410 GoneException``. The path may start with the stage (``/dev/@connections/{id}``): the endpoint functions
are configured with on AWS is ``https://<api>.execute-api.<region>.amazonaws.com/<stage>``, and the gateway
gives them this server's URL in its place (``Stack.local_urls``), so botocore's client runs unchanged.

Requests must be signed (botocore always signs), but any SigV4 signature is accepted: the local credentials are
dummies. Answers have the shapes of botocore's ``rest-json`` model: errors name their type in
``x-amzn-ErrorType``, ``GetConnection`` answers ``connectedAt``/``lastActiveAt`` in ISO 8601 and ``identity``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from local.gateway.intrinsics import REGION
from local.gateway.sockets import listening_socket, url_of
from local.gateway.websocket import ConnectionGoneError, Connections, iso
from local.template import websocket_apis

if TYPE_CHECKING:
    from local.gateway.resources import Stack

log = logging.getLogger("local.gateway")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MAX_DATA_BYTES = 128 * 1024  # PostToConnection's Data limit (the model's max: 131072)
SEND_TIMEOUT_S = 2.0  # a client that does not read: API Gateway answers LimitExceeded ("client side buffer is full")
_PATH = re.compile(r"^(?:/[^/@]+)?/@connections/(?P<id>[^/]+)/?$")


def bind(stack: Stack) -> socket.socket | None:
    """A loopback socket for the Management API when the stack has a WebSocket API; each such API's endpoint
    (``https://<api id>.execute-api.<region>.amazonaws.com``) is mapped to it in ``stack.local_urls``, so the
    functions' environments name it. Bound before the functions are configured, served later by ``LocalApi``."""
    apis = [stack.provisioned[name].ref for name in websocket_apis(stack.template) if name in stack.provisioned]
    if not apis:
        return None
    sock = listening_socket("127.0.0.1", 0)  # loopback only: any signature is accepted
    for api_id in apis:
        stack.local_urls[f"https://{api_id}.execute-api.{REGION}.amazonaws.com"] = url_of(sock, "http")
    return sock


class ManagementApi:
    """The ASGI application of the Management API's port."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        body = await _body(receive)
        status, headers, payload = await self.answer(
            scope["method"], unquote(scope.get("raw_path", b"").decode("latin-1") or scope["path"]),
            {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}, body,
        )  # fmt: skip
        sent = [(b"content-type", b"application/json"), *((k.encode(), v.encode()) for k, v in headers)]
        if status != 204:
            sent.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": sent})
        await send({"type": "http.response.body", "body": b"" if status == 204 else payload})
        elapsed = (time.perf_counter() - started) * 1000
        log.info("Management API %s %s -> %d %.1f ms", scope["method"], scope["path"], status, elapsed)

    async def answer(  # noqa: PLR0911 - one answer per case of the API's model
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, extra headers and body of one request."""
        if not headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 "):
            return _error(403, "ForbiddenException", "Missing Authentication Token")
        match = _PATH.match(path)
        if match is None:
            return _error(404, "NotFoundException", f"no such resource: {path}")
        connection = self.connections.get(match.group("id"))
        if method not in ("POST", "GET", "DELETE"):
            return _error(405, "MethodNotAllowedException", f"{method} is not allowed on @connections")
        if connection is None:
            return _error(410, "GoneException", None)
        if method == "GET":
            document = {
                "connectedAt": iso(connection.connected_at_ms),
                "identity": {
                    "sourceIp": connection.handshake.source_ip,
                    "userAgent": connection.handshake.header("user-agent") or "",
                },
                "lastActiveAt": iso(connection.last_active_ms),
            }
            return 200, [], json.dumps(document).encode()
        try:
            if method == "DELETE":
                await connection.close()
                return 204, [], b""
            if len(body) > MAX_DATA_BYTES:
                return _error(413, "PayloadTooLargeException", f"the data is over {MAX_DATA_BYTES} bytes")
            await asyncio.wait_for(connection.post(body), timeout=SEND_TIMEOUT_S)
        except ConnectionGoneError:
            return _error(410, "GoneException", None)
        except TimeoutError:
            return _error(429, "LimitExceededException", "the client side buffer is full")
        except Exception:
            return _error(410, "GoneException", None)
        return 200, [], b""


def _error(status: int, kind: str, message: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("x-amzn-ErrorType", kind)], json.dumps({"message": message}).encode()


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)
