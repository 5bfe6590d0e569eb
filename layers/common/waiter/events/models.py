"""Waiter's domain events: versioned pydantic models of what happened, in the words of the domain.

They know nothing of DynamoDB streams, EventBridge or SQS: ``waiter.repository.stream`` makes them from the
table's stream records, ``waiter.bus`` puts them on the bus, and consumers read them back with ``parse_event``.
Each event carries ``eventId`` (stable across replays of the change it describes: consumers deduplicate on it),
``occurredAt`` (UTC), ``schemaVersion`` (bumped on an incompatible change of that event's fields) and the ids
consumers route on. ``asyncapi.yaml`` is generated from these models (``python -m local.asyncapi``).

>>> from datetime import UTC, datetime
>>> event = OrderPlaced(event_id="e1", occurred_at=datetime(2026, 1, 15, 12, tzinfo=UTC), order_id="o1",
...     restaurant_id="r1", customer_id="c1", version=1, total=1017, currency="EUR", fulfilment="pickup")
>>> parse_event(event.detail_type(), event.detail()) == event
True
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from waiter.model_base import WireModel
from waiter.ordering.models import Actor, Fulfilment, OrderStatus

SOURCE = "waiter.orders"  # the EventBridge source of every Waiter event (rules match on it)


class DomainEvent(WireModel):
    """What every event carries. ``DETAIL_TYPE`` names the event on the bus (EventBridge's ``detail-type``)."""

    DETAIL_TYPE: ClassVar[str]

    event_id: str
    occurred_at: AwareDatetime
    schema_version: int = 1

    @classmethod
    def detail_type(cls) -> str:
        return cls.DETAIL_TYPE

    def detail(self) -> dict[str, Any]:
        """The event as JSON-ready data (camelCase), what the bus entry's ``Detail`` holds."""
        return self.model_dump(mode="json", by_alias=True)


class OrderEvent(DomainEvent):
    """An event about one order: the ids consumers route on, the order's version (to order and drop stale
    deliveries) and its total in minor units of ``currency``."""

    order_id: str
    restaurant_id: str
    customer_id: str
    version: int
    total: int
    currency: str


class OrderPlaced(OrderEvent):
    """An order reached the kitchen in ``PLACED``: a cash order at checkout, a card order once it is paid."""

    DETAIL_TYPE: ClassVar[str] = "OrderPlaced"
    fulfilment: Fulfilment


class OrderStatusChanged(OrderEvent):
    """The order moved ``from`` → ``to`` (one per transition of the state machine), by ``actor`` at ``at``."""

    DETAIL_TYPE: ClassVar[str] = "OrderStatusChanged"
    from_: OrderStatus = Field(alias="from")
    to: OrderStatus
    actor: Actor
    at: AwareDatetime
    reason: str | None = None


class OrderCancelled(OrderEvent):
    """The order was cancelled (by its customer or the restaurant); published beside its ``OrderStatusChanged``."""

    DETAIL_TYPE: ClassVar[str] = "OrderCancelled"
    actor: Actor
    reason: str | None = None


class OrderPaid(OrderEvent):
    """The provider confirmed the card payment of the order (its ``total`` in ``currency``); a paid order that was
    awaiting payment is ``PLACED`` in the same change (its ``OrderPlaced`` and ``OrderStatusChanged`` beside this)."""

    DETAIL_TYPE: ClassVar[str] = "OrderPaid"
    payment_id: str | None = None
    status: OrderStatus


class PaymentFailed(OrderEvent):
    """The provider declined a card payment of the order; the customer may try again while it awaits payment."""

    DETAIL_TYPE: ClassVar[str] = "PaymentFailed"
    payment_id: str | None = None
    status: OrderStatus


class OrderRefunded(OrderEvent):
    """The order's payment went back to the customer (it was cancelled or rejected after being paid, or paid after it
    expired)."""

    DETAIL_TYPE: ClassVar[str] = "OrderRefunded"
    payment_id: str | None = None
    status: OrderStatus


class MenuItemAvailabilityChanged(DomainEvent):
    """A menu item became available or unavailable (or was removed: unavailable for good)."""

    DETAIL_TYPE: ClassVar[str] = "MenuItemAvailabilityChanged"
    restaurant_id: str
    menu_item_id: str
    available: bool
    version: int


class RestaurantChanged(DomainEvent):
    """A restaurant's profile changed (details, opening hours, pausing, deactivation); ``changedFields`` names the
    profile fields that differ from before (all of them for a new restaurant)."""

    DETAIL_TYPE: ClassVar[str] = "RestaurantChanged"
    restaurant_id: str
    version: int
    active: bool
    changed_fields: list[str]


EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    OrderPlaced,
    OrderStatusChanged,
    OrderCancelled,
    OrderPaid,
    PaymentFailed,
    OrderRefunded,
    MenuItemAvailabilityChanged,
    RestaurantChanged,
)
_BY_TYPE = {cls.DETAIL_TYPE: cls for cls in EVENT_TYPES}


def parse_event(detail_type: str, detail: dict[str, Any]) -> DomainEvent:
    """The event a bus entry carries; ``ValueError`` (pydantic's ``ValidationError``) when it is not one of ours."""
    cls = _BY_TYPE.get(detail_type)
    if cls is None:
        raise ValueError(f"unknown event type {detail_type!r}")
    return cls.model_validate(detail)
