"""The table's stream records as domain events: the only code that knows the shape of a DynamoDB stream record.

Pure: a record (as Lambda delivers it, old and new image in attribute-value form) in, zero or more events out.
A write that is not an event yields nothing: an index attribute or ``updatedAt`` rewritten, an order saved again
in the status it had, an item kind no consumer cares about. Every event's ``eventId`` is derived from the item's
key, its version and the event type, so a replayed or retried record yields the same ids and consumers can drop
what they have seen (docs/events.md).

>>> from waiter.repository.dynamo import serialize
>>> from waiter.ordering.lifecycle import _demo_order
>>> from waiter.repository.ordering import _order_item
>>> record = {"eventName": "INSERT", "dynamodb": {"NewImage": serialize(_order_item(_demo_order()))}}
>>> [type(e).__name__ for e in events_from_record(record)]
['OrderPlaced']
>>> events_from_record(record)[0].event_id == events_from_record(record)[0].event_id
True
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from waiter.events.models import (
    DomainEvent,
    MenuItemAvailabilityChanged,
    OrderCancelled,
    OrderPlaced,
    OrderStatusChanged,
    RestaurantChanged,
)
from waiter.ordering.models import Order, OrderStatus
from waiter.repository import keys
from waiter.repository.dynamo import Item, deserialize
from waiter.repository.ordering import order_from_item

# The item kinds that can produce events: template.yaml's stream filter lets only these reach the publisher.
EVENT_ENTITIES = ("order", "menuItem", "restaurant")
_EVENT_IDS = uuid.UUID("5b0c7f3e-2f55-4a5e-9d54-8f0e4f2c9a11")  # namespace of the derived event ids
# Attributes every write rewrites, or that only serve the table's indexes: a change in them alone is no event.
_NOT_PROFILE = frozenset({"PK", "SK", "entity", "version", "updatedAt", "GSI1PK", "GSI1SK", "GSI2PK", "GSI3PK"})


def events_from_record(record: Mapping[str, Any]) -> list[DomainEvent]:
    """The domain events one stream record stands for; ``ValueError`` (pydantic's) for an image that is not a
    valid item of its kind (a poison record: the publisher reports it failed, never drops it silently)."""
    change = record.get("dynamodb") or {}
    new = deserialize(change["NewImage"]) if change.get("NewImage") else None
    old = deserialize(change["OldImage"]) if change.get("OldImage") else None
    entity = (new or old or {}).get("entity")
    if entity == "order" and new is not None:
        return _order_events(order_from_item(new), order_from_item(old) if old else None)
    if entity == "menuItem":
        return _menu_item_events(new, old)
    if entity == "restaurant" and new is not None:
        return _restaurant_events(new, old)
    return []


def _event_id(item: Item, version: object, detail_type: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{item['PK']}|{item['SK']}|{version}|{detail_type}"))


def _order_events(order: Order, before: Order | None) -> list[DomainEvent]:
    key = keys.order(order.id)
    ids = {
        "order_id": order.id,
        "restaurant_id": order.restaurant_id,
        "customer_id": order.customer_id,
        "version": order.version,
        "total": order.total,
        "currency": order.currency,
    }
    if before is None:
        if order.status is not OrderStatus.PLACED:
            return []
        return [
            OrderPlaced(
                event_id=_event_id(key, order.version, OrderPlaced.DETAIL_TYPE),
                occurred_at=order.history[-1].at,
                fulfilment=order.fulfilment,
                **ids,
            )
        ]
    if before.status is order.status or before.version >= order.version:
        return []
    entry = order.history[-1]
    events: list[DomainEvent] = [
        OrderStatusChanged(
            event_id=_event_id(key, order.version, OrderStatusChanged.DETAIL_TYPE),
            occurred_at=entry.at,
            from_=before.status,
            to=order.status,
            actor=entry.actor,
            at=entry.at,
            reason=entry.reason,
            **ids,
        )
    ]
    if order.status is OrderStatus.CANCELLED:
        events.append(
            OrderCancelled(
                event_id=_event_id(key, order.version, OrderCancelled.DETAIL_TYPE),
                occurred_at=entry.at,
                actor=entry.actor,
                reason=entry.reason,
                **ids,
            )
        )
    return events


def _menu_item_events(new: Item | None, old: Item | None) -> list[DomainEvent]:
    was = bool(old and old.get("available"))
    now = bool(new and new.get("available"))
    if old is None or was == now:
        return []  # a new item is no change of availability; an edit that keeps it is none either
    item = new or old
    version = int(item["version"]) + (0 if new else 1)  # a removal is the item's last change
    return [
        MenuItemAvailabilityChanged(
            event_id=_event_id(item, version, MenuItemAvailabilityChanged.DETAIL_TYPE),
            occurred_at=item["updatedAt"],
            restaurant_id=item["restaurantId"],
            menu_item_id=item["id"],
            available=now,
            version=version,
        )
    ]


def _restaurant_events(new: Item, old: Item | None) -> list[DomainEvent]:
    before = {k: v for k, v in (old or {}).items() if k not in _NOT_PROFILE}
    after = {k: v for k, v in new.items() if k not in _NOT_PROFILE}
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not changed:
        return []
    return [
        RestaurantChanged(
            event_id=_event_id(new, new["version"], RestaurantChanged.DETAIL_TYPE),
            occurred_at=new["updatedAt"],
            restaurant_id=new["id"],
            version=int(new["version"]),
            active=bool(new.get("active")),
            changed_fields=changed,
        )
    ]
