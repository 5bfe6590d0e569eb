"""The WebSocket toolkit's entry point: bad messages are refused with an error frame naming the problem before any
rule runs, every domain failure is one error frame (the connection stays usable), and at $connect a failure is the
handshake's status."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import LambdaContext
from waiter.adapters.websocket import MAX_MESSAGE_BYTES, Message, entrypoint
from waiter.errors import Forbidden, NotFound
from waiter.identity import Role

SEEN: list[Message] = []


def _route(message: Message) -> str | None:
    SEEN.append(message)
    if message.body.get("fail") == "forbidden":
        raise Forbidden("you do not work for this restaurant")
    if message.body.get("fail") == "bug":
        raise RuntimeError("a bug")
    if message.event_type == "CONNECT" and message.query.get("token") == "bad":
        raise NotFound("no")
    return None if message.event_type != "MESSAGE" else json.dumps({"type": "pong"})


HANDLER = entrypoint(_route)
CONTEXT: Any = LambdaContext()


def _event(body: str | None = None, event_type: str = "MESSAGE", **extra: Any) -> dict[str, Any]:
    context = {
        "connectionId": "c-1",
        "routeKey": "ping",
        "eventType": event_type,
        "requestId": "req-1",
        "authorizer": {"principalId": "u1", "sub": "u1", "cognito:groups": "staff", "custom:restaurants": "r1"},
    }
    return {"requestContext": context, **({"body": body} if body is not None else {}), **extra}


def _frame(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["statusCode"] == 200
    return dict(json.loads(answer["body"]))


def test_a_message_reaches_the_route_with_its_caller_from_the_connect_authorizer() -> None:
    SEEN.clear()
    assert _frame(HANDLER(_event('{"action": "ping"}'), CONTEXT)) == {"type": "pong"}
    caller = SEEN[0].caller
    assert (caller.user_id, caller.roles, caller.restaurants) == ("u1", frozenset({Role.STAFF}), frozenset({"r1"}))


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        pytest.param("{not json", 400, "body", id="not JSON"),
        pytest.param("[1, 2]", 400, "body", id="not an object"),
        pytest.param("x" * (MAX_MESSAGE_BYTES + 1), 413, "body", id="over the limit"),
    ],
)
def test_a_bad_message_is_an_error_frame_naming_the_problem(body: str, status: int, field: str) -> None:
    SEEN.clear()
    frame = _frame(HANDLER(_event(body), CONTEXT))

    assert (frame["type"], frame["status"], frame["errors"][0]["field"]) == ("error", status, field)
    assert SEEN == []


def test_a_domain_failure_is_an_error_frame_with_the_problem_fields() -> None:
    frame = _frame(HANDLER(_event('{"action": "subscribe", "fail": "forbidden"}'), CONTEXT))

    assert frame == {
        "type": "error",
        "problemType": "https://waiter.dev/problems/forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "you do not work for this restaurant",
        "errors": [],
        "requestId": "req-1",
    }


def test_an_unexpected_failure_is_a_500_error_frame_without_a_traceback() -> None:
    frame = _frame(HANDLER(_event('{"action": "ping", "fail": "bug"}'), CONTEXT))

    assert frame["status"] == 500
    assert "a bug" not in json.dumps(frame)


def test_a_failure_at_connect_is_the_handshakes_status() -> None:
    refused = HANDLER(_event(event_type="CONNECT", queryStringParameters={"token": "bad"}), CONTEXT)
    accepted = HANDLER(_event(event_type="CONNECT", queryStringParameters={"token": "good"}), CONTEXT)

    assert (refused, accepted) == ({"statusCode": 404}, {"statusCode": 200})
