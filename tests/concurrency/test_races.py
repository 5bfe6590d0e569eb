"""Races against moto in-process: many threads move one order or check out one cart at the same moment, and the
conditional writes let exactly one of them win.

The racers call the ordering service, the code every protocol adapter calls, not the Lambda handlers: Powertools'
resolver keeps the current event in a class attribute shared by every resolver of the process, so two handlers
running at once in one process would read each other's requests (Lambda never runs two invocations at once in one
process). The orders and carts are set up through the handlers, single-threaded.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop
from waiter.compose import ordering_service
from waiter.errors import WaiterError
from waiter.identity import Principal, Role
from waiter.ordering.models import Checkout, Order, OrderStatus

pytestmark = pytest.mark.usefixtures("atomic_requests")

DELIVERY_PATH = ["ACCEPTED", "PREPARING", "READY", "OUT_FOR_DELIVERY", "DELIVERED"]
RACERS_PER_STEP = 10
CHECKOUT_RACERS = 20
TIMEOUT = 30  # seconds for a whole race; a hung racer fails the test instead of hanging the suite

Outcome = Order | WaiterError


def _race(racers: Sequence[Callable[[], Order]]) -> list[Outcome]:
    """Run every racer in its own thread, released together; each one's order or domain error, in racer order."""
    start = threading.Barrier(len(racers), timeout=TIMEOUT)

    def run(racer: Callable[[], Order]) -> Outcome:
        start.wait()
        try:
            return racer()
        except WaiterError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(racers)) as pool:
        futures = [pool.submit(run, racer) for racer in racers]
        return [future.result(timeout=TIMEOUT) for future in futures]


def _statuses(outcomes: list[Outcome]) -> Counter[int]:
    return Counter(201 if isinstance(outcome, Order) else outcome.status for outcome in outcomes)


def _staff(restaurant_id: str, n: int) -> Principal:
    return Principal(user_id=f"staff-{n}", roles=frozenset({Role.STAFF}), restaurants=frozenset({restaurant_id}))


CUSTOMER = Principal(user_id="customer-1", email="customer1@demo.waiter", roles=frozenset({Role.CUSTOMER}))


@pytest.mark.parametrize("all_read_first", [False, True], ids=["as-they-come", "all-read-before-any-writes"])
def test_racing_transitions_have_one_winner_per_step_and_leave_a_gapless_history(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, all_read_first: bool
) -> None:
    """Ten staff move the order to the same next status at once, for each of the five steps (50 transitions).

    As they come, a loser either read the order after the winner wrote (the state machine refuses) or before (the
    version condition refuses). With ``all_read_first`` every racer reads the same version before any of them
    writes, so all ten pass the state machine and only the conditional write decides."""
    order_id = o.place_order(shop)["id"]
    service = ordering_service()
    if all_read_first:
        everyone_has_read = threading.Barrier(RACERS_PER_STEP, timeout=TIMEOUT)
        save_order = service.store.save_order

        def save_when_everyone_has_read(order: Order, *, expected_version: int) -> None:
            everyone_has_read.wait()
            save_order(order, expected_version=expected_version)

        monkeypatch.setattr(service.store, "save_order", save_when_everyone_has_read)
    winners: list[str] = []

    for step in DELIVERY_PATH:
        target = OrderStatus(step)
        racers = [
            partial(service.transition, _staff(shop.id, n), order_id, target, restaurant_id=shop.id)
            for n in range(RACERS_PER_STEP)
        ]
        outcomes = _race(racers)

        assert _statuses(outcomes) == {201: 1, 409: RACERS_PER_STEP - 1}, (step, outcomes)
        [won] = [outcome for outcome in outcomes if isinstance(outcome, Order)]
        winners.append(won.history[-1].actor.id)
        for lost in outcomes:
            if isinstance(lost, WaiterError):
                assert lost.extra["currentStatus"] == step  # every loser is told where the order is now
                assert step not in lost.extra["allowed"]
                if all_read_first:
                    assert lost.detail == f"the order changed meanwhile; it is now {step}"

    final = service.get_order(_staff(shop.id, 0), order_id)
    assert (final.status, final.version) == (OrderStatus.DELIVERED, 1 + len(DELIVERY_PATH))
    statuses = [OrderStatus.PLACED, *(OrderStatus(s) for s in DELIVERY_PATH)]
    assert [(entry.from_, entry.to) for entry in final.history] == list(
        zip([None, *statuses[:-1]], statuses, strict=True)
    )
    assert [entry.actor.id for entry in final.history[1:]] == winners
    assert len({entry.at for entry in final.history}) == len(final.history)


def _checkout_request(shop: Shop) -> Checkout:
    total = o.get_cart(shop.id).body["total"]
    return Checkout.model_validate(o.checkout_body(shop.id, total))


@pytest.mark.usefixtures("unlimited_checkouts")
def test_racing_checkouts_of_one_cart_with_different_keys_place_exactly_one_order(shop: Shop) -> None:
    o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"]))
    request = _checkout_request(shop)
    service = ordering_service()
    racers = [
        partial(service.checkout, CUSTOMER, request, idempotency_key=f"racer-{n}") for n in range(CHECKOUT_RACERS)
    ]

    outcomes = _race(racers)

    assert _statuses(outcomes) == {201: 1, 409: CHECKOUT_RACERS - 1}, outcomes
    [placed] = [outcome for outcome in outcomes if isinstance(outcome, Order)]
    assert [stored["id"] for stored in o.orders_of("customer-1")] == [placed.id]
    assert o.stored_cart("customer-1", shop.id) is None


@pytest.mark.usefixtures("unlimited_checkouts")
def test_racing_checkouts_with_the_same_key_place_one_order_and_replay_it(shop: Shop) -> None:
    o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"]))
    request = _checkout_request(shop)
    service = ordering_service()
    racers = [partial(service.checkout, CUSTOMER, request, idempotency_key="one-key") for _ in range(CHECKOUT_RACERS)]

    outcomes = _race(racers)

    statuses = _statuses(outcomes)
    assert set(statuses) <= {201, 409}, outcomes
    assert statuses[201] >= 1
    orders = {outcome.id for outcome in outcomes if isinstance(outcome, Order)}
    [stored] = o.orders_of("customer-1")
    assert orders == {stored["id"]}  # every 201 is the one order, placed or replayed
    for refused in outcomes:
        if isinstance(refused, WaiterError):
            assert refused.headers == {"Retry-After": "1"}  # still in progress: retry shortly
    assert service.checkout(CUSTOMER, request, idempotency_key="one-key").id == stored["id"]
