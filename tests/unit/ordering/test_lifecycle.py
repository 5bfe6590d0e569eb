"""The order lifecycle, one example per rule: the paths through it, who may move an order where, what an illegal
move reports, placing an order from a priced cart, and the lifecycle doc staying true to the code."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.unit.ordering.builders import CUSTOMER_ID, NOW, address, order, priced_cart, reason_for
from waiter.errors import Conflict, Forbidden, ValidationFailed
from waiter.identity import Principal, Role
from waiter.ordering.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    allowed_transitions,
    order_actor,
    order_view,
    place_order,
    transition,
    transitions_from,
)
from waiter.ordering.models import (
    Actor,
    ActorType,
    CartWarning,
    CartWarningCode,
    Fulfilment,
    Order,
    OrderStatus,
    PaymentStatus,
)

S = OrderStatus
CUSTOMER = Actor(type=ActorType.CUSTOMER, id=CUSTOMER_ID)
STRANGER = Actor(type=ActorType.CUSTOMER, id="c2")
STAFF = Actor(type=ActorType.STAFF, id="s1")
PARTNER = Actor(type=ActorType.PARTNER, id="apikey:k1")
SYSTEM = Actor(type=ActorType.SYSTEM, id="order-timeout")
DOC = Path(__file__).resolve().parents[3] / "docs" / "order-lifecycle.md"


def walk(start: Order, *statuses: OrderStatus, actor: Actor = STAFF) -> Order:
    current = start
    for n, status in enumerate(statuses, start=1):
        current = transition(current, status, actor, NOW + timedelta(minutes=n), reason=reason_for(status))
    return current


# ---- the paths ----------------------------------------------------------------------------------------------


def test_a_delivery_order_goes_from_placed_to_delivered() -> None:
    delivered = walk(order(Fulfilment.DELIVERY), S.ACCEPTED, S.PREPARING, S.READY, S.OUT_FOR_DELIVERY, S.DELIVERED)

    assert delivered.status is S.DELIVERED
    assert [(h.from_, h.to) for h in delivered.history] == [
        (None, S.PLACED),
        (S.PLACED, S.ACCEPTED),
        (S.ACCEPTED, S.PREPARING),
        (S.PREPARING, S.READY),
        (S.READY, S.OUT_FOR_DELIVERY),
        (S.OUT_FOR_DELIVERY, S.DELIVERED),
    ]
    assert delivered.version == 6


def test_a_pickup_order_goes_from_ready_to_picked_up() -> None:
    picked_up = walk(order(Fulfilment.PICKUP), S.ACCEPTED, S.PREPARING, S.READY, S.PICKED_UP, actor=PARTNER)
    assert picked_up.status is S.PICKED_UP


def test_a_pickup_order_never_goes_out_for_delivery() -> None:
    ready = walk(order(Fulfilment.PICKUP), S.ACCEPTED, S.PREPARING, S.READY)
    with pytest.raises(Conflict) as raised:
        transition(ready, S.OUT_FOR_DELIVERY, STAFF, NOW)
    assert raised.value.extra == {"currentStatus": "READY", "allowed": ["PICKED_UP"]}


def test_a_delivery_order_is_never_picked_up() -> None:
    ready = walk(order(Fulfilment.DELIVERY), S.ACCEPTED, S.PREPARING, S.READY)
    with pytest.raises(Conflict) as raised:
        transition(ready, S.PICKED_UP, STAFF, NOW)
    assert raised.value.extra["allowed"] == ["OUT_FOR_DELIVERY"]


def test_the_restaurant_may_reject_a_placed_order() -> None:
    assert walk(order(), S.REJECTED).status is S.REJECTED


def test_the_restaurant_may_not_reject_an_accepted_order() -> None:
    with pytest.raises(Conflict):
        walk(order(), S.ACCEPTED, S.REJECTED)


# ---- cancelling ------------------------------------------------------------------------------------------------


def test_the_customer_may_cancel_while_the_order_is_placed() -> None:
    cancelled = transition(order(), S.CANCELLED, CUSTOMER, NOW)
    assert cancelled.status is S.CANCELLED
    assert cancelled.history[-1].actor == CUSTOMER


def test_the_customer_may_not_cancel_once_the_restaurant_accepted() -> None:
    accepted = walk(order(), S.ACCEPTED)
    with pytest.raises(Conflict) as raised:
        transition(accepted, S.CANCELLED, CUSTOMER, NOW)
    assert raised.value.extra == {"currentStatus": "ACCEPTED", "allowed": []}
    assert raised.value.detail == "the order is ACCEPTED and you cannot change it any more"


@pytest.mark.parametrize(
    "path", [(), (S.ACCEPTED,), (S.ACCEPTED, S.PREPARING)], ids=["placed", "accepted", "preparing"]
)
def test_staff_may_cancel_before_the_order_is_ready(path: tuple[OrderStatus, ...]) -> None:
    assert walk(order(), *path, S.CANCELLED).status is S.CANCELLED


def test_staff_may_not_cancel_a_ready_order() -> None:
    ready = walk(order(), S.ACCEPTED, S.PREPARING, S.READY)
    with pytest.raises(Conflict) as raised:
        transition(ready, S.CANCELLED, STAFF, NOW)
    assert raised.value.detail == "the order is READY and cannot move to CANCELLED; you may move it to OUT_FOR_DELIVERY"


# ---- who may do what ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [S.ACCEPTED, S.REJECTED])
def test_a_customer_may_not_accept_or_reject_and_is_told_what_they_may_do(target: OrderStatus) -> None:
    with pytest.raises(Conflict) as raised:
        transition(order(), target, CUSTOMER, NOW)
    assert raised.value.status == 409
    assert raised.value.extra == {"currentStatus": "PLACED", "allowed": ["CANCELLED"]}
    assert raised.value.detail.endswith("you may move it to CANCELLED")


def test_staff_partners_and_the_system_have_the_same_rights() -> None:
    for status in S:
        for fulfilment in Fulfilment:
            rights = {a: transitions_from(status, fulfilment, a) for a in (ActorType.PARTNER, ActorType.SYSTEM)}
            assert rights == dict.fromkeys(rights, transitions_from(status, fulfilment, ActorType.STAFF))


def test_another_customer_has_no_rights_on_the_order_at_all() -> None:
    with pytest.raises(Forbidden):
        transition(order(), S.CANCELLED, STRANGER, NOW)
    assert allowed_transitions(order(), STRANGER) == []


def test_allowed_transitions_depend_on_the_actor_and_the_fulfilment() -> None:
    placed = order()
    assert allowed_transitions(placed, CUSTOMER) == [S.CANCELLED]
    assert allowed_transitions(placed, STAFF) == [S.ACCEPTED, S.REJECTED, S.CANCELLED]
    ready_for_pickup = walk(order(Fulfilment.PICKUP), S.ACCEPTED, S.PREPARING, S.READY)
    assert allowed_transitions(ready_for_pickup, SYSTEM) == [S.PICKED_UP]


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_nothing_leaves_a_terminal_status(terminal: OrderStatus) -> None:
    for fulfilment in Fulfilment:
        for actor_type in ActorType:
            assert transitions_from(terminal, fulfilment, actor_type) == []


def test_moving_to_the_current_status_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        transition(order(), S.PLACED, STAFF, NOW)


# ---- the actor on an order -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (Principal(user_id=CUSTOMER_ID, roles=frozenset({Role.CUSTOMER})), Actor(type=ActorType.CUSTOMER, id="c1")),
        (
            Principal(user_id="s1", roles=frozenset({Role.STAFF}), restaurants=frozenset({"r1"})),
            Actor(type=ActorType.STAFF, id="s1"),
        ),
        (Principal(user_id="a1", roles=frozenset({Role.ADMIN})), Actor(type=ActorType.STAFF, id="a1")),
        (
            Principal(user_id="apikey:k1", roles=frozenset({Role.PARTNER}), restaurants=frozenset({"r1"})),
            Actor(type=ActorType.PARTNER, id="apikey:k1"),
        ),
    ],
    ids=["owner", "staff", "admin", "partner"],
)
def test_the_caller_acts_on_an_order_as_owner_staff_or_partner(principal: Principal, expected: Actor) -> None:
    assert order_actor(principal, order()) == expected


@pytest.mark.parametrize(
    "principal",
    [
        Principal.anonymous(),
        Principal(user_id="c2", roles=frozenset({Role.CUSTOMER})),
        Principal(user_id="s2", roles=frozenset({Role.STAFF}), restaurants=frozenset({"r2"})),
        Principal(user_id="apikey:k2", roles=frozenset({Role.PARTNER}), restaurants=frozenset({"r2"})),
    ],
    ids=["anonymous", "other-customer", "other-staff", "other-partner"],
)
def test_callers_without_rights_on_the_order_are_forbidden(principal: Principal) -> None:
    with pytest.raises(Forbidden):
        order_actor(principal, order())


# ---- what a transition records ---------------------------------------------------------------------------------


def test_a_transition_returns_a_new_order_with_history_version_and_time_and_leaves_the_old_one_alone() -> None:
    placed = order()
    at = NOW + timedelta(minutes=3)

    accepted = transition(placed, S.ACCEPTED, PARTNER, at)

    assert (accepted.status, accepted.version, accepted.updated_at, accepted.created_at) == (S.ACCEPTED, 2, at, NOW)
    last = accepted.history[-1]
    assert (last.from_, last.to, last.at, last.actor) == (S.PLACED, S.ACCEPTED, at, PARTNER)
    assert last.model_dump(mode="json", by_alias=True)["actor"] == {"type": "partner", "id": "apikey:k1"}
    assert accepted.payment_status is PaymentStatus.UNPAID
    assert (placed.status, placed.version, len(placed.history)) == (S.PLACED, 1, 1)


# ---- reasons ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [STAFF, PARTNER, SYSTEM], ids=["staff", "partner", "system"])
def test_a_rejection_needs_a_reason_and_keeps_it_in_the_history(actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as raised:
        transition(order(), S.REJECTED, actor, NOW)
    assert raised.value.errors[0].field == "body.reason"
    with pytest.raises(ValidationFailed):
        transition(order(), S.REJECTED, actor, NOW, reason="   ")

    rejected = transition(order(), S.REJECTED, actor, NOW, reason=" not accepted in time ")

    assert rejected.history[-1].reason == "not accepted in time"
    assert order_view(rejected, CUSTOMER).status_reason == "not accepted in time"


def test_a_cancellation_may_carry_a_reason() -> None:
    assert transition(order(), S.CANCELLED, CUSTOMER, NOW).history[-1].reason is None
    cancelled = transition(order(), S.CANCELLED, CUSTOMER, NOW, reason="changed my mind")
    assert (cancelled.history[-1].reason, order_view(cancelled, STAFF).status_reason) == (
        "changed my mind",
        "changed my mind",
    )


@pytest.mark.parametrize("target", [S.ACCEPTED, S.PREPARING])
def test_a_reason_on_any_other_move_is_refused(target: OrderStatus) -> None:
    start = order() if target is S.ACCEPTED else walk(order(), S.ACCEPTED)
    with pytest.raises(ValidationFailed) as raised:
        transition(start, target, STAFF, NOW, reason="because")
    assert raised.value.errors[0].field == "body.reason"


def test_an_illegal_move_is_a_conflict_before_its_reason_is_checked() -> None:
    with pytest.raises(Conflict):
        transition(walk(order(), S.ACCEPTED), S.REJECTED, STAFF, NOW)


def test_the_status_reason_is_the_reason_of_the_current_status_only() -> None:
    accepted = walk(order(), S.ACCEPTED)
    assert order_view(accepted, STAFF).status_reason is None


# ---- the view per caller ----------------------------------------------------------------------------------------


def test_an_order_view_lists_what_its_caller_may_do_now() -> None:
    placed = order(Fulfilment.DELIVERY)
    assert order_view(placed, CUSTOMER).allowed_transitions == [S.CANCELLED]
    assert order_view(placed, STAFF).allowed_transitions == [S.ACCEPTED, S.REJECTED, S.CANCELLED]
    assert order_view(placed, PARTNER).allowed_transitions == [S.ACCEPTED, S.REJECTED, S.CANCELLED]
    assert order_view(placed, STRANGER).allowed_transitions == []
    ready = walk(placed, S.ACCEPTED, S.PREPARING, S.READY)
    assert order_view(ready, STAFF).allowed_transitions == [S.OUT_FOR_DELIVERY]
    assert order_view(ready, CUSTOMER).allowed_transitions == []
    view = order_view(ready, STAFF)
    assert (view.version, view.status, view.history) == (ready.version, ready.status, ready.history)


# ---- placing an order -------------------------------------------------------------------------------------------


def test_placing_an_order_snapshots_the_priced_cart() -> None:
    cart = priced_cart(Fulfilment.DELIVERY, tip=100, total=1313, discount_code=None)

    placed = place_order(cart, order_id="o1", customer_id="c1", delivery_address=address(), at=NOW)

    assert (placed.status, placed.payment_status, placed.version) == (S.PLACED, PaymentStatus.UNPAID, 1)
    assert placed.lines == cart.lines
    amounts = ("subtotal", "discount", "delivery_fee", "tax", "tip", "total", "currency", "discount_code")
    assert {k: getattr(placed, k) for k in amounts} == {k: getattr(cart, k) for k in amounts}
    assert [(h.from_, h.to, h.actor) for h in placed.history] == [(None, S.PLACED, CUSTOMER)]
    assert (placed.created_at, placed.updated_at, placed.restaurant_id) == (NOW, NOW, "r1")


def test_a_delivery_order_needs_an_address_and_a_pickup_order_takes_none() -> None:
    with pytest.raises(ValidationFailed) as raised:
        place_order(priced_cart(Fulfilment.DELIVERY), order_id="o1", customer_id="c1", delivery_address=None, at=NOW)
    assert raised.value.errors[0].field == "body.deliveryAddress"
    with pytest.raises(ValidationFailed) as raised:
        place_order(priced_cart(Fulfilment.PICKUP), order_id="o1", customer_id="c1", delivery_address=address(), at=NOW)
    assert raised.value.errors[0].field == "body.deliveryAddress"


def test_an_empty_cart_cannot_be_ordered() -> None:
    empty = priced_cart(Fulfilment.PICKUP, lines=[], subtotal=0, tax=0, total=0)
    with pytest.raises(Conflict, match="the cart is empty"):
        place_order(empty, order_id="o1", customer_id="c1", delivery_address=None, at=NOW)


@pytest.mark.parametrize(
    "code", [CartWarningCode.MINIMUM_ORDER_NOT_MET, CartWarningCode.ITEM_UNAVAILABLE, CartWarningCode.OPTIONS_INVALID]
)
def test_a_cart_below_the_minimum_or_with_lines_left_out_cannot_be_ordered(code: CartWarningCode) -> None:
    cart = priced_cart(Fulfilment.PICKUP, warnings=[CartWarning(code=code, message="see here")])
    with pytest.raises(Conflict) as raised:
        place_order(cart, order_id="o1", customer_id="c1", delivery_address=None, at=NOW)
    assert raised.value.extra["warnings"] == [
        {"code": code.value, "message": "see here", "lineId": None, "amount": None, "previousAmount": None,
         "currency": None, "nextOpensAt": None, "pausedUntil": None}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "code", [CartWarningCode.PRICE_CHANGED, CartWarningCode.DISCOUNT_NOT_APPLIED, CartWarningCode.TIP_REDUCED]
)
def test_warnings_already_reflected_in_the_totals_do_not_stop_an_order(code: CartWarningCode) -> None:
    cart = priced_cart(Fulfilment.PICKUP, warnings=[CartWarning(code=code, message="fyi")])
    assert place_order(cart, order_id="o1", customer_id="c1", delivery_address=None, at=NOW).total == cart.total


# ---- the doc tells the truth -------------------------------------------------------------------------------------


def _doc_table() -> set[tuple[str, str, str, str]]:
    """``(from, to, actor, fulfilment)`` from the transition table of docs/order-lifecycle.md."""
    rows = set()
    header: list[str] = []
    for raw in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        if raw.startswith("| From"):
            header = [c.lower() for c in cells]
            continue
        if not raw.startswith("|"):
            header = []  # the table ended; later tables are about other things
            continue
        if not header or set(raw) <= {"|", "-", " ", ":"}:
            continue
        row = dict(zip(header, cells, strict=True))
        for actor in ("customer", "staff", "partner", "system"):
            if row[actor] == "✓":
                for fulfilment in row["fulfilment"].split(", "):
                    rows.add((row["from"].strip("`"), row["to"].strip("`"), actor, fulfilment))
    return rows


def _code_table() -> set[tuple[str, str, str, str]]:
    return {
        (t.source.value, t.target.value, actor.value, fulfilment.value)
        for t in TRANSITIONS
        for actor in t.actors
        for fulfilment in t.fulfilments
    }


def test_the_transition_table_in_the_doc_is_the_one_in_the_code() -> None:
    assert _doc_table() == _code_table()


def test_the_diagram_in_the_doc_has_exactly_the_transitions_of_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    edges = set(re.findall(r"^\s*([A-Z_]+) --> ([A-Z_]+)", text, flags=re.MULTILINE))
    assert edges == {(t.source.value, t.target.value) for t in TRANSITIONS}
    assert set(re.findall(r"^\s*\[\*\] --> ([A-Z_]+)", text, flags=re.MULTILINE)) == {"PLACED"}
    assert set(re.findall(r"^\s*([A-Z_]+) --> \[\*\]", text, flags=re.MULTILINE)) == {s.value for s in TERMINAL}


# ---- ready-time estimates ---------------------------------------------------------------------------------------


def _placed(fulfilment: Fulfilment, *, prep: int = 20, delivery: int = 30) -> Order:
    return place_order(
        priced_cart(fulfilment),
        order_id="o1",
        customer_id=CUSTOMER_ID,
        delivery_address=address() if fulfilment is Fulfilment.DELIVERY else None,
        at=NOW,
        prep_minutes=prep,
        delivery_minutes=delivery,
    )


def test_a_placed_order_is_estimated_from_the_restaurants_default_times() -> None:
    delivery, pickup = _placed(Fulfilment.DELIVERY, prep=25, delivery=35), _placed(Fulfilment.PICKUP, prep=25)

    assert delivery.estimated_ready_at == NOW + timedelta(minutes=25)
    assert delivery.estimated_delivered_at == NOW + timedelta(minutes=60)
    assert (pickup.estimated_ready_at, pickup.estimated_delivered_at) == (NOW + timedelta(minutes=25), None)


def test_accepting_with_the_kitchens_estimate_sets_the_ready_and_delivered_times_from_then() -> None:
    at = NOW + timedelta(minutes=4)

    accepted = transition(_placed(Fulfilment.DELIVERY), S.ACCEPTED, STAFF, at, prep_minutes=45)

    assert (accepted.prep_minutes, accepted.estimated_ready_at) == (45, at + timedelta(minutes=45))
    assert accepted.estimated_delivered_at == at + timedelta(minutes=45 + 30)
    preparing = transition(accepted, S.PREPARING, PARTNER, at + timedelta(minutes=1))
    assert (preparing.estimated_ready_at, preparing.estimated_delivered_at) == (
        accepted.estimated_ready_at,
        accepted.estimated_delivered_at,
    )


def test_accepting_without_an_estimate_counts_the_default_from_acceptance() -> None:
    at = NOW + timedelta(minutes=10)

    accepted = transition(_placed(Fulfilment.PICKUP, prep=20), S.ACCEPTED, PARTNER, at)

    assert (accepted.prep_minutes, accepted.estimated_ready_at) == (20, at + timedelta(minutes=20))


def test_ready_clears_the_ready_estimate_and_a_terminal_status_clears_both() -> None:
    accepted = transition(_placed(Fulfilment.DELIVERY), S.ACCEPTED, STAFF, NOW, prep_minutes=15)
    ready_at = NOW + timedelta(minutes=12)

    ready = transition(transition(accepted, S.PREPARING, STAFF, NOW), S.READY, STAFF, ready_at)
    out = transition(ready, S.OUT_FOR_DELIVERY, STAFF, ready_at + timedelta(minutes=2))
    delivered = transition(out, S.DELIVERED, STAFF, ready_at + timedelta(minutes=25))

    assert (ready.estimated_ready_at, ready.estimated_delivered_at) == (None, ready_at + timedelta(minutes=30))
    assert out.estimated_delivered_at == ready.estimated_delivered_at
    assert (delivered.estimated_ready_at, delivered.estimated_delivered_at) == (None, None)
    rejected = transition(_placed(Fulfilment.PICKUP), S.REJECTED, SYSTEM, NOW, reason="not accepted in time")
    assert (rejected.estimated_ready_at, rejected.estimated_delivered_at) == (None, None)


@pytest.mark.parametrize("target", [S.REJECTED, S.CANCELLED])
def test_a_preparation_estimate_is_taken_only_when_accepting(target: OrderStatus) -> None:
    with pytest.raises(ValidationFailed) as raised:
        transition(_placed(Fulfilment.PICKUP), target, STAFF, NOW, reason="r", prep_minutes=10)
    assert raised.value.errors[0].field == "body.prepMinutes"
