"""The WebSocket toolkit: what ``rest.py`` is for API Gateway's REST API, this is for its WebSocket API.

- ``entrypoint(route)``: the Lambda handler of one route (``$connect``, ``subscribe``, ...). It logs with the
  request id, reads the caller (``caller``), refuses a message over ``MAX_MESSAGE_BYTES`` or one that is not a JSON
  object before any rule runs, and maps every ``waiter.errors`` failure to one ``error`` frame (``error_frame``):
  the connection stays usable. At ``$connect`` a failure is the handshake's HTTP status instead (no frame exists
  yet).
- Frames (``frame``, ``subscribed_frame``, ``order_frame``): JSON text, every one under ``MAX_FRAME_BYTES``, well
  below API Gateway's 32 KB frame and 128 KB message limits; a snapshot too long for one frame drops its oldest
  orders (newest first is kept) and says how many it left out.

A route function answers its message by returning the frame (the route's ``$default`` route response sends the
integration's body back to the client), so route functions need no Management API access; only the notifier posts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from waiter.errors import BadRequest, FieldError, PayloadTooLarge, ValidationFailed, WaiterError, problem_document
from waiter.identity import Principal, principal_from_authorizer
from waiter.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from waiter.ordering.models import OrderView

MAX_MESSAGE_BYTES = 4 * 1024  # a client message is an action and a topic: far under API Gateway's 128 KB (1009)
MAX_FRAME_BYTES = 24 * 1024  # every frame the server sends stays well under API Gateway's 32 KB frame limit
_REQUEST_ID_PATH = "requestContext.requestId"
ACTIONS = ("subscribe", "unsubscribe", "ping")  # the routes besides $connect, $disconnect and $default

LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Message:
    """What a route function gets: the connection, the authorized caller and the message's JSON object
    (empty at ``$connect`` and ``$disconnect``)."""

    connection_id: str
    route_key: str
    event_type: str
    caller: Principal
    body: dict[str, Any]
    request_id: str | None
    query: Mapping[str, str]


def caller(event: Mapping[str, Any]) -> Principal:
    """The caller the ``$connect`` authorizer let in: API Gateway hands its context to every route of the connection.

    >>> caller({"requestContext": {"authorizer": {"principalId": "u1", "sub": "u1", "cognito:groups": "customers"}}})
    Principal(user_id='u1', email=None, roles=frozenset({<Role.CUSTOMER: 'customers'>}), restaurants=frozenset())
    """
    return principal_from_authorizer((event.get("requestContext") or {}).get("authorizer"))


def frame(kind: str, **fields: Any) -> str:
    """One server → client frame as JSON text.

    >>> frame("pong")
    '{"type":"pong"}'
    """
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), default=str)


def error_frame(error: WaiterError, request_id: str | None = None) -> str:
    """The ``error`` frame for a domain failure: the problem fields of REST's problem+json, the problem's type URI
    as ``problemType`` (``type`` names the frame).

    >>> sent = json.loads(error_frame(ValidationFailed.on("topic", "is required")))
    >>> sent["type"], sent["status"], sent["problemType"], sent["errors"]
    ('error', 400, 'https://waiter.dev/problems/validation-failed', [{'field': 'topic', 'message': 'is required'}])
    """
    problem = problem_document(error, request_id)
    problem["problemType"] = problem.pop("type")
    return frame("error", **problem)


def _order(view: OrderView) -> dict[str, Any]:
    return view.model_dump(mode="json", by_alias=True)


def order_frame(topic: str, view: OrderView) -> str:
    """The ``order`` frame pushed for a change: the REST order view (with its ``version``) under its topic."""
    return frame("order", topic=topic, order=_order(view))


def subscribed_frame(topic: str, snapshot: list[OrderView]) -> str:
    """The ``subscribed`` frame: the snapshot (newest first), cut from the oldest end to fit ``MAX_FRAME_BYTES``."""
    orders = [_order(v) for v in snapshot]
    while True:
        omitted = len(snapshot) - len(orders)
        text = frame("subscribed", topic=topic, snapshot=orders, omitted=omitted)
        if len(text.encode()) <= MAX_FRAME_BYTES or not orders:
            return text
        orders.pop()


def reply(text: str | None = None, status: int = 200) -> dict[str, Any]:
    """The integration's answer: its body is the frame the route response sends back (none when ``text`` is None)."""
    return {"statusCode": status} if text is None else {"statusCode": status, "body": text}


def _body(event: Mapping[str, Any]) -> dict[str, Any]:
    """The message as a JSON object; the failure names the problem (size, JSON, not an object)."""
    raw = event.get("body")
    if raw is None:
        return {}
    text = str(raw)
    size = len(text.encode())
    if size > MAX_MESSAGE_BYTES:
        raise PayloadTooLarge(
            detail=f"the message is {size} bytes; the limit is {MAX_MESSAGE_BYTES}",
            errors=[FieldError("body", "is too large")],
        )
    try:
        parsed = json.loads(text)
    except ValueError:
        raise BadRequest(
            detail='the message is not JSON: send {"action": ..., ...}', errors=[FieldError("body", "is not JSON")]
        ) from None
    if not isinstance(parsed, dict):
        raise ValidationFailed.on("body", "must be a JSON object with an action")
    return parsed


def entrypoint(route: Callable[[Message], str | None]) -> LambdaHandler:
    """The Lambda handler of a WebSocket route: ``route(message)`` returns the frame to answer with (or None).

    A ``waiter.errors`` failure becomes an ``error`` frame (a 4xx/5xx handshake status at ``$connect``); anything
    else is logged and answered with a 500 error frame, never a traceback.
    """

    @logger.inject_lambda_context(correlation_id_path=_REQUEST_ID_PATH)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
        context_ = event.get("requestContext") or {}
        event_type = str(context_.get("eventType", "MESSAGE"))
        request_id = context_.get("requestId")
        try:
            message = Message(
                connection_id=str(context_.get("connectionId", "")),
                route_key=str(context_.get("routeKey", "")),
                event_type=event_type,
                caller=caller(event),
                body=_body(event) if event_type == "MESSAGE" else {},
                request_id=request_id,
                query=event.get("queryStringParameters") or {},
            )
            return reply(route(message))
        except WaiterError as error:
            if event_type != "MESSAGE":
                return reply(status=error.status)
            return reply(error_frame(error, request_id))
        except Exception:
            logger.exception("websocket route failed")
            failed = WaiterError("something went wrong; try again")
            return reply(status=500) if event_type != "MESSAGE" else reply(error_frame(failed, request_id))

    return cast(LambdaHandler, handler)
