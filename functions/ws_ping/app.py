"""WebSocket ``ping`` (``{"action": "ping"}``): a ``pong`` frame; a client pings to keep an idle connection open
(API Gateway closes one after 10 idle minutes)."""

from __future__ import annotations

from waiter.adapters.websocket import Message, entrypoint, frame


def ping(message: Message) -> str:  # noqa: ARG001 - the answer is the same for everyone
    return frame("pong")


lambda_handler = entrypoint(ping)
