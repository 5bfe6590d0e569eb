"""The kitchen timeout, with a controlled clock: an order its restaurant has not accepted within the timeout
(counted from when it became PLACED) is rejected by the system with the reason; an order within its time, or
moved on meanwhile, is left alone."""

from __future__ import annotations

from datetime import timedelta

from waiter.ordering.lifecycle import SYSTEM, _demo_order, reject_if_unaccepted, transition
from waiter.ordering.models import Actor, ActorType, OrderStatus

TEN = timedelta(minutes=10)


def test_an_order_left_placed_for_the_timeout_is_rejected_by_the_system_with_the_reason() -> None:
    order = _demo_order()
    rejected = reject_if_unaccepted(order, order.created_at + TEN, TEN)
    assert rejected is not None
    assert rejected.status is OrderStatus.REJECTED
    assert rejected.version == order.version + 1
    entry = rejected.history[-1]
    assert (entry.from_, entry.actor, entry.at) == (OrderStatus.PLACED, SYSTEM, order.created_at + TEN)
    assert entry.reason == "the restaurant did not accept the order within 10 minutes"


def test_an_order_within_its_time_is_left_alone() -> None:
    order = _demo_order()
    assert reject_if_unaccepted(order, order.created_at + TEN - timedelta(seconds=1), TEN) is None


def test_an_order_the_kitchen_accepted_is_never_rejected_by_the_timeout() -> None:
    order = transition(
        _demo_order(), OrderStatus.ACCEPTED, Actor(type=ActorType.STAFF, id="s1"), _demo_order().created_at
    )
    assert reject_if_unaccepted(order, order.created_at + 10 * TEN, TEN) is None


def test_the_timeout_counts_from_when_the_order_became_placed_and_says_so_for_other_lengths() -> None:
    order = _demo_order()
    one = timedelta(minutes=1)
    rejected = reject_if_unaccepted(order, order.created_at + one, one)
    assert rejected is not None
    assert rejected.history[-1].reason == "the restaurant did not accept the order within 1 minute"
