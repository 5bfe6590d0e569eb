"""The stream record → domain events function: every allowed transition yields exactly one OrderStatusChanged
(plus OrderCancelled for a cancel), a placed order one OrderPlaced, a replay the same event ids, and writes that
change nothing a consumer cares about yield nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.ordering.builders import NOW
from waiter.events.models import (
    MenuItemAvailabilityChanged,
    OrderCancelled,
    OrderPlaced,
    OrderStatusChanged,
    RestaurantChanged,
    parse_event,
)
from waiter.ordering.lifecycle import TRANSITIONS, _demo_order, transition
from waiter.ordering.models import Actor, ActorType, Fulfilment, Order, OrderStatus
from waiter.repository.dynamo import Item, serialize
from waiter.repository.ordering import _order_item
from waiter.repository.stream import events_from_record

STAFF = Actor(type=ActorType.STAFF, id="s1")


def record(new: Item | None, old: Item | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {"SequenceNumber": "1"}
    if new is not None:
        change["NewImage"] = serialize(new)
    if old is not None:
        change["OldImage"] = serialize(old)
    name = "MODIFY" if new is not None and old is not None else ("INSERT" if new is not None else "REMOVE")
    return {"eventName": name, "dynamodb": change}


def order_in(status: OrderStatus, fulfilment: Fulfilment) -> Order:
    """An order walked from PLACED to ``status`` along the state machine."""
    order = _demo_order(fulfilment)
    path = {
        OrderStatus.PLACED: [],
        OrderStatus.ACCEPTED: [OrderStatus.ACCEPTED],
        OrderStatus.PREPARING: [OrderStatus.ACCEPTED, OrderStatus.PREPARING],
        OrderStatus.READY: [OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY],
        OrderStatus.OUT_FOR_DELIVERY: [
            OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY,
        ],
    }[status]  # fmt: skip
    for i, to in enumerate(path):
        order = transition(order, to, STAFF, order.updated_at + timedelta(minutes=i + 1))
    return order


CASES = [(t, f, a) for t in TRANSITIONS for f in sorted(t.fulfilments) for a in sorted(t.actors)]


@pytest.mark.parametrize(
    ("step", "fulfilment", "actor_type"), CASES, ids=[f"{t.source}->{t.target}-{f}-{a}" for t, f, a in CASES]
)
def test_every_allowed_transition_yields_exactly_one_status_change(
    step: Any, fulfilment: Fulfilment, actor_type: ActorType
) -> None:
    before = order_in(step.source, fulfilment)
    actor = Actor(type=actor_type, id=before.customer_id if actor_type is ActorType.CUSTOMER else "x1")
    # a reason is taken only by a rejection (required) or a cancellation (waiter.ordering.lifecycle)
    reason = "why" if step.target in {OrderStatus.REJECTED, OrderStatus.CANCELLED} else None
    after = transition(before, step.target, actor, before.updated_at + timedelta(minutes=5), reason=reason)

    events = events_from_record(record(_order_item(after), _order_item(before)))

    changes = [e for e in events if isinstance(e, OrderStatusChanged)]
    assert len(changes) == 1
    [change] = changes
    assert (change.from_, change.to, change.actor, change.reason) == (step.source, step.target, actor, reason)
    assert (change.order_id, change.version, change.total, change.currency) == (
        after.id, after.version, after.total, after.currency,
    )  # fmt: skip
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert len(cancelled) == (1 if step.target is OrderStatus.CANCELLED else 0)
    assert len(events) == 1 + len(cancelled)


def test_a_new_order_yields_one_order_placed_with_the_ids_consumers_route_on() -> None:
    order = _demo_order()
    [placed] = events_from_record(record(_order_item(order)))
    assert isinstance(placed, OrderPlaced)
    assert (placed.order_id, placed.restaurant_id, placed.customer_id) == (order.id, "r1", "c1")
    assert (placed.version, placed.total, placed.currency, placed.occurred_at) == (1, 1017, "EUR", order.created_at)


@given(st.sampled_from(CASES), st.integers(min_value=1, max_value=5))
def test_replays_of_a_record_yield_the_same_event_ids(case: Any, replays: int) -> None:
    step, fulfilment, _ = case
    before = order_in(step.source, fulfilment)
    after = transition(before, step.target, STAFF, NOW, reason="why" if step.target is OrderStatus.REJECTED else None)
    same = record(_order_item(after), _order_item(before))
    ids = {tuple(e.event_id for e in events_from_record(same)) for _ in range(replays)}
    assert len(ids) == 1
    assert len(set(next(iter(ids)))) == len(next(iter(ids))), "distinct events of one record have distinct ids"


def test_events_of_different_versions_have_different_ids() -> None:
    placed = _demo_order()
    accepted = transition(placed, OrderStatus.ACCEPTED, STAFF, NOW)
    preparing = transition(accepted, OrderStatus.PREPARING, STAFF, NOW)
    [a] = events_from_record(record(_order_item(accepted), _order_item(placed)))
    [b] = events_from_record(record(_order_item(preparing), _order_item(accepted)))
    assert a.event_id != b.event_id


def test_a_write_that_keeps_the_status_or_only_moves_index_attributes_yields_nothing() -> None:
    order = _demo_order()
    item = _order_item(order)
    assert events_from_record(record({**item, "GSI3PK": "other"}, item)) == []
    resaved = order.model_copy(update={"version": 2})
    assert events_from_record(record(_order_item(resaved), item)) == []
    assert events_from_record(record(None, item)) == []  # an order removed: no event


def test_items_of_other_kinds_yield_nothing() -> None:
    cart = {"PK": "CUST#c1", "SK": "CART#r1", "entity": "cart", "version": 1}
    assert events_from_record(record(cart)) == []
    assert events_from_record(record({**cart, "version": 2}, cart)) == []


def test_a_malformed_order_image_is_refused_not_skipped() -> None:
    broken = {**_order_item(_demo_order()), "total": "lots"}
    with pytest.raises(ValueError, match="total"):
        events_from_record(record(broken))


def _menu_item(available: bool, version: int) -> Item:
    return {
        "PK": "REST#r1", "SK": "ITEM#i1", "entity": "menuItem", "id": "i1", "restaurantId": "r1",
        "available": available, "version": version, "updatedAt": NOW.isoformat(), "name": "Pizza",
    }  # fmt: skip


def test_a_menu_item_changing_availability_yields_one_event_and_other_edits_none() -> None:
    [event] = events_from_record(record(_menu_item(False, 2), _menu_item(True, 1)))
    assert isinstance(event, MenuItemAvailabilityChanged)
    assert (event.menu_item_id, event.available, event.version) == ("i1", False, 2)
    assert events_from_record(record({**_menu_item(True, 2), "name": "Pasta"}, _menu_item(True, 1))) == []
    assert events_from_record(record(_menu_item(True, 1))) == []
    [removed] = events_from_record(record(None, _menu_item(True, 3)))
    assert isinstance(removed, MenuItemAvailabilityChanged)
    assert (removed.available, removed.version) == (False, 4)


def _restaurant(version: int, **fields: Any) -> Item:
    return {
        "PK": "REST#r1", "SK": "PROFILE", "entity": "restaurant", "id": "r1", "name": "Roma", "active": True,
        "version": version, "updatedAt": NOW.isoformat(), **fields,
    }  # fmt: skip


def test_a_restaurant_profile_change_names_the_fields_that_changed() -> None:
    [event] = events_from_record(record(_restaurant(2, name="Roma Due", active=False), _restaurant(1)))
    assert isinstance(event, RestaurantChanged)
    assert (event.changed_fields, event.active, event.version) == (["active", "name"], False, 2)
    assert events_from_record(record(_restaurant(2), _restaurant(1))) == [], "only version and updatedAt moved"


def test_every_event_survives_the_bus_round_trip() -> None:
    placed = _demo_order()
    cancelled = transition(placed, OrderStatus.CANCELLED, STAFF, NOW, reason="out of dough")
    events = events_from_record(record(_order_item(cancelled), _order_item(placed)))
    assert [parse_event(e.detail_type(), e.detail()) for e in events] == events
