"""The table's stream → the event bus: order, menu and restaurant changes become domain events (docs/events.md)."""

from __future__ import annotations

from waiter.adapters.consumers import stream_publisher
from waiter.compose import event_bus

lambda_handler = stream_publisher(event_bus)
