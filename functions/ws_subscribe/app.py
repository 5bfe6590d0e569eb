"""WebSocket ``subscribe`` (``{"action": "subscribe", "topic": T}``): a ``subscribed`` frame with the snapshot of
what the topic covers, or an ``error`` frame (404 someone else's order, 403 someone else's kitchen)."""

from __future__ import annotations

from waiter.adapters.websocket import Message, entrypoint, subscribed_frame
from waiter.compose import subscription_service


def subscribe(message: Message) -> str:
    done = subscription_service().subscribe(message.caller, message.connection_id, message.body.get("topic"))  # type: ignore[arg-type]
    return subscribed_frame(done.topic, done.snapshot)


lambda_handler = entrypoint(subscribe)
