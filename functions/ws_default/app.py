"""WebSocket ``$default``: a message whose ``action`` is missing or unknown gets an ``error`` frame naming it."""

from __future__ import annotations

from waiter.adapters.websocket import ACTIONS, Message, entrypoint
from waiter.errors import ValidationFailed


def unknown_action(message: Message) -> str:
    action = message.body.get("action")
    if action is None:
        raise ValidationFailed.on("action", f"is required: one of {', '.join(ACTIONS)}")
    raise ValidationFailed.on("action", f"{str(action)[:40]!r} is not one of {', '.join(ACTIONS)}")


lambda_handler = entrypoint(unknown_action)
