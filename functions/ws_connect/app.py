"""WebSocket ``$connect``: remembers the connection the authorizer let in (its caller; expires in 2 hours)."""

from __future__ import annotations

from waiter.adapters.websocket import Message, entrypoint
from waiter.compose import subscription_service


def connect(message: Message) -> None:
    subscription_service().connect(message.caller, message.connection_id)


lambda_handler = entrypoint(connect)
