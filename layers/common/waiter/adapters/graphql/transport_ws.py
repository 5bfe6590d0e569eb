"""graphql-transport-ws over API Gateway's WebSocket API (the same connections, topics, authorization and notifier
as the JSON protocol of docs/realtime.md).

Each Subscription field is a topic of ``waiter.realtime.subscriptions``; ``SUBSCRIPTION_TOPICS`` maps one to the
other by the field's arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

SUBSCRIPTION_TOPICS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "orderUpdated": lambda args: f"order:{args['orderId']}",
    "myOrders": lambda _args: "my-orders",
    "kitchen": lambda args: f"kitchen:{args['restaurantId']}",
}
