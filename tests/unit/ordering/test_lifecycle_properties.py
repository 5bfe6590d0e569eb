"""Properties of the order state machine: every path from PLACED ends in a terminal state through allowed
transitions only, nothing leaves a terminal state, pickup orders never go out for delivery, customers cancel only
while PLACED, and random walks by random actors keep a gap-free history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.ordering.builders import CUSTOMER_ID, NOW, order, reason_for
from waiter.errors import Conflict
from waiter.ordering.lifecycle import TERMINAL, TRANSITIONS, transition, transitions_from
from waiter.ordering.models import Actor, ActorType, Fulfilment, Order, OrderStatus

S = OrderStatus


def any_actor_may(status: OrderStatus, fulfilment: Fulfilment) -> list[OrderStatus]:
    return sorted({target for actor in ActorType for target in transitions_from(status, fulfilment, actor)})


def paths(fulfilment: Fulfilment, path: tuple[OrderStatus, ...] = (S.PLACED,)) -> Iterator[tuple[OrderStatus, ...]]:
    """Every maximal path from PLACED, each step made by some actor; fails on a cycle."""
    nexts = any_actor_may(path[-1], fulfilment)
    if not nexts:
        yield path
    for status in nexts:
        assert status not in path, f"cycle: {path} -> {status}"
        yield from paths(fulfilment, (*path, status))


@pytest.mark.parametrize("fulfilment", Fulfilment)
def test_every_path_from_placed_ends_in_a_terminal_state(fulfilment: Fulfilment) -> None:
    all_paths = list(paths(fulfilment))
    assert all_paths
    for path in all_paths:
        assert path[-1] in TERMINAL
        assert not any(status in TERMINAL for status in path[:-1])


@pytest.mark.parametrize("fulfilment", Fulfilment)
def test_every_path_is_made_of_transitions_of_the_table_only(fulfilment: Fulfilment) -> None:
    table = {(t.source, t.target) for t in TRANSITIONS if fulfilment in t.fulfilments}
    for path in paths(fulfilment):
        assert set(pairwise(path)) <= table


def test_every_state_is_reachable_and_each_fulfilment_ends_its_own_way() -> None:
    delivery = {s for p in paths(Fulfilment.DELIVERY) for s in p}
    pickup = {s for p in paths(Fulfilment.PICKUP) for s in p}
    assert delivery | pickup == set(S)
    assert S.OUT_FOR_DELIVERY not in pickup
    assert S.PICKED_UP not in delivery
    assert S.DELIVERED not in pickup


@given(st.sampled_from(sorted(TERMINAL)), st.sampled_from(Fulfilment), st.sampled_from(ActorType))
def test_no_transition_leaves_a_terminal_state(terminal: OrderStatus, fulfilment: Fulfilment, actor: ActorType) -> None:
    assert transitions_from(terminal, fulfilment, actor) == []


@given(st.sampled_from(S), st.sampled_from(Fulfilment))
def test_customers_can_only_cancel_and_only_while_placed(status: OrderStatus, fulfilment: Fulfilment) -> None:
    expected = [S.CANCELLED] if status is S.PLACED else []
    assert transitions_from(status, fulfilment, ActorType.CUSTOMER) == expected


@given(st.sampled_from(S), st.sampled_from(ActorType))
def test_pickup_orders_never_go_out_for_delivery(status: OrderStatus, actor: ActorType) -> None:
    assert S.OUT_FOR_DELIVERY not in transitions_from(status, Fulfilment.PICKUP, actor)
    assert S.DELIVERED not in transitions_from(status, Fulfilment.PICKUP, actor)


actors = st.sampled_from(
    [
        Actor(type=ActorType.CUSTOMER, id=CUSTOMER_ID),
        Actor(type=ActorType.STAFF, id="s1"),
        Actor(type=ActorType.PARTNER, id="apikey:k1"),
        Actor(type=ActorType.SYSTEM, id="timeout"),
    ]
)


@given(st.sampled_from(Fulfilment), st.lists(st.tuples(actors, st.sampled_from(S)), max_size=12))
def test_random_moves_by_random_actors_succeed_exactly_when_allowed_and_keep_a_gap_free_history(
    fulfilment: Fulfilment, moves: list[tuple[Actor, OrderStatus]]
) -> None:
    current = order(fulfilment)
    for minute, (actor, target) in enumerate(moves, start=1):
        allowed = transitions_from(current.status, current.fulfilment, actor.type)
        at = NOW + timedelta(minutes=minute)
        if target in allowed:
            moved = transition(current, target, actor, at, reason=reason_for(target))
            assert (moved.status, moved.version, moved.updated_at) == (target, current.version + 1, at)
            assert moved.history[:-1] == current.history
            assert moved.history[-1].actor == actor
            current = moved
        else:
            with pytest.raises(Conflict) as raised:
                transition(current, target, actor, at, reason=reason_for(target))
            assert raised.value.extra == {"currentStatus": current.status.value, "allowed": [s.value for s in allowed]}
    assert_history_has_no_gaps(current)


@given(st.sampled_from(Fulfilment), st.data())
def test_walking_only_allowed_moves_always_reaches_a_terminal_state(
    fulfilment: Fulfilment, data: st.DataObject
) -> None:
    current = order(fulfilment)
    for minute in range(1, len(S) + 1):
        if current.status in TERMINAL:
            break
        actor = data.draw(actors)
        choices = transitions_from(current.status, fulfilment, actor.type)
        if not choices:
            continue
        target = data.draw(st.sampled_from(choices))
        current = transition(current, target, actor, NOW + timedelta(minutes=minute), reason=reason_for(target))
    else:
        # a customer may have stalled the walk; the restaurant can always finish it
        while current.status not in TERMINAL:
            nexts = transitions_from(current.status, fulfilment, ActorType.STAFF)
            assert nexts, f"{current.status} is a dead end"
            staff = Actor(type=ActorType.STAFF, id="s1")
            current = transition(current, nexts[0], staff, NOW + timedelta(hours=1), reason=reason_for(nexts[0]))
    assert current.status in TERMINAL
    assert_history_has_no_gaps(current)
    if fulfilment is Fulfilment.PICKUP:
        assert S.OUT_FOR_DELIVERY not in [h.to for h in current.history]


def assert_history_has_no_gaps(current: Order) -> None:
    history = current.history
    assert history[0].from_ is None
    assert history[0].to is S.PLACED
    for previous, entry in pairwise(history):
        assert entry.from_ == previous.to
        assert entry.at >= previous.at
    assert history[-1].to is current.status
    assert current.version == len(history)
