"""WebSocket ``$connect``: remembers the connection the authorizer let in (its caller and subprotocol; expires in
2 hours), answering ``Sec-WebSocket-Protocol: graphql-transport-ws`` when the client offers it."""

from __future__ import annotations

from typing import Any

from waiter.adapters.graphql.transport_ws import negotiate
from waiter.adapters.websocket import Message, entrypoint, reply
from waiter.compose import subscription_service
from waiter.realtime.subscriptions import JSON_PROTOCOL


def connect(message: Message) -> dict[str, Any] | None:
    protocol = negotiate(message.headers)
    subscription_service().connect(message.caller, message.connection_id, protocol or JSON_PROTOCOL)
    return reply(headers={"Sec-WebSocket-Protocol": protocol}) if protocol else None


lambda_handler = entrypoint(connect)
