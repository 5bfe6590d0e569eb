"""WebSocket ``$default``: the graphql-transport-ws messages of a connection that negotiated that subprotocol
(waiter.adapters.graphql.transport_ws); for any other message, an ``error`` frame naming the missing or unknown
``action``."""

from __future__ import annotations

from waiter.adapters.graphql import transport_ws
from waiter.adapters.websocket import ACTIONS, Message, entrypoint
from waiter.compose import subscription_service
from waiter.errors import ValidationFailed
from waiter.realtime.subscriptions import GRAPHQL_TRANSPORT_WS


def default(message: Message) -> str | None:
    if "action" not in message.body and "type" in message.body:
        service = subscription_service()
        if service.protocol_of(message.connection_id) == GRAPHQL_TRANSPORT_WS:
            return transport_ws.handle(message, service)
    action = message.body.get("action")
    if action is None:
        raise ValidationFailed.on("action", f"is required: one of {', '.join(ACTIONS)}")
    raise ValidationFailed.on("action", f"{str(action)[:40]!r} is not one of {', '.join(ACTIONS)}")


lambda_handler = entrypoint(default)
