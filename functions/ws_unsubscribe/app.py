"""WebSocket ``unsubscribe`` (``{"action": "unsubscribe", "topic": T}``): an ``unsubscribed`` frame."""

from __future__ import annotations

from waiter.adapters.websocket import Message, entrypoint, frame
from waiter.compose import subscription_service


def unsubscribe(message: Message) -> str:
    topic = message.body.get("topic")
    subscription_service().unsubscribe(message.caller, message.connection_id, topic)  # type: ignore[arg-type]
    return frame("unsubscribed", topic=topic)


lambda_handler = entrypoint(unsubscribe)
