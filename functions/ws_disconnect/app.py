"""WebSocket ``$disconnect``: forgets the connection and its subscriptions."""

from __future__ import annotations

from waiter.adapters.websocket import Message, entrypoint
from waiter.compose import subscription_service


def disconnect(message: Message) -> None:
    subscription_service().disconnect(message.connection_id)


lambda_handler = entrypoint(disconnect)
