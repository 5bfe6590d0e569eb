"""The payment rules as a table: every order status x payment status x provider event, for card orders, has the
outcome written below (anything not listed changes nothing); cash orders are never touched; amounts must match."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest

from tests.unit.ordering.builders import NOW
from waiter.ordering.lifecycle import _demo_order
from waiter.ordering.models import ActorType, Order, OrderStatus, PaymentMethod, PaymentStatus
from waiter.ordering.payments import (
    PaymentEvent,
    PaymentEventKind,
    apply_payment_event,
    intent_to_cancel,
    matches_order,
    refund_due,
)

S, P, K = OrderStatus, PaymentStatus, PaymentEventKind
AT = NOW + timedelta(minutes=3)

# (event, order status, payment status) -> (order status after, payment status after, refund now)
CHANGES: dict[tuple[PaymentEventKind, OrderStatus, PaymentStatus], tuple[OrderStatus, PaymentStatus, bool]] = {
    # paid while awaiting payment (also after a declined try): the kitchen gets it
    (K.SUCCEEDED, S.AWAITING_PAYMENT, P.UNPAID): (S.PLACED, P.PAID, False),
    (K.SUCCEEDED, S.AWAITING_PAYMENT, P.FAILED): (S.PLACED, P.PAID, False),
    # paid after the order ended without the money: recorded, and the money goes back
    (K.SUCCEEDED, S.EXPIRED, P.UNPAID): (S.EXPIRED, P.PAID, True),
    (K.SUCCEEDED, S.EXPIRED, P.FAILED): (S.EXPIRED, P.PAID, True),
    (K.SUCCEEDED, S.CANCELLED, P.UNPAID): (S.CANCELLED, P.PAID, True),
    (K.SUCCEEDED, S.CANCELLED, P.FAILED): (S.CANCELLED, P.PAID, True),
    (K.SUCCEEDED, S.REJECTED, P.UNPAID): (S.REJECTED, P.PAID, True),
    (K.SUCCEEDED, S.REJECTED, P.FAILED): (S.REJECTED, P.PAID, True),
    # declined while awaiting payment: the customer may try again
    (K.FAILED, S.AWAITING_PAYMENT, P.UNPAID): (S.AWAITING_PAYMENT, P.FAILED, False),
    # a refund of a paid order, whatever its status
    **{(K.REFUNDED, status, P.PAID): (status, P.REFUNDED, False) for status in S},
}
COMBINATIONS = list(product(K, S, P))


def card_order(status: OrderStatus, payment: PaymentStatus) -> Order:
    return _demo_order(payment_method=PaymentMethod.CARD).model_copy(
        update={"status": status, "payment_status": payment, "payment_id": "pi_1"}
    )


def event(kind: PaymentEventKind, amount: int = 1017, currency: str = "eur") -> PaymentEvent:
    return PaymentEvent(event_id="evt_1", kind=kind, payment_id="pi_1", order_id="o1", amount=amount, currency=currency)


@pytest.mark.parametrize(("kind", "status", "payment"), COMBINATIONS, ids=[f"{k}-{s}-{p}" for k, s, p in COMBINATIONS])
def test_every_payment_event_on_every_card_order_state_has_its_outcome(
    kind: PaymentEventKind, status: OrderStatus, payment: PaymentStatus
) -> None:
    before = card_order(status, payment)
    outcome = apply_payment_event(before, event(kind), AT)
    expected = CHANGES.get((kind, status, payment))
    if expected is None:
        assert (outcome.order, outcome.refund) == (None, False)
        return
    assert outcome.order is not None
    after = outcome.order
    assert (after.status, after.payment_status, outcome.refund) == expected
    assert after.version == before.version + 1
    assert after.updated_at == AT
    if after.status is not before.status:
        entry = after.history[-1]
        assert (entry.from_, entry.to, entry.actor.type, entry.actor.id) == (
            before.status, after.status, ActorType.SYSTEM, "payments",
        )  # fmt: skip
    else:
        assert after.history == before.history  # a payment change alone is no status change


@pytest.mark.parametrize(("kind", "status", "payment"), COMBINATIONS, ids=[f"{k}-{s}-{p}" for k, s, p in COMBINATIONS])
def test_a_cash_order_is_never_touched_by_a_payment_event(
    kind: PaymentEventKind, status: OrderStatus, payment: PaymentStatus
) -> None:
    cash = _demo_order().model_copy(update={"status": status, "payment_status": payment})
    assert apply_payment_event(cash, event(kind), AT).order is None


def test_applying_the_same_event_twice_changes_the_order_once() -> None:
    first = apply_payment_event(card_order(S.AWAITING_PAYMENT, P.UNPAID), event(K.SUCCEEDED), AT).order
    assert first is not None
    assert apply_payment_event(first, event(K.SUCCEEDED), AT).order is None


def test_a_decline_after_the_success_changes_nothing() -> None:
    paid = apply_payment_event(card_order(S.AWAITING_PAYMENT, P.UNPAID), event(K.SUCCEEDED), AT).order
    assert paid is not None
    assert apply_payment_event(paid, event(K.FAILED), AT).order is None


def test_a_paid_order_placed_gets_fresh_ready_estimates_from_the_payment_time() -> None:
    paid = apply_payment_event(card_order(S.AWAITING_PAYMENT, P.UNPAID), event(K.SUCCEEDED), AT).order
    assert paid is not None
    assert paid.estimated_ready_at == AT + timedelta(minutes=paid.prep_minutes or 0)


@pytest.mark.parametrize(
    ("amount", "currency", "matches"),
    [(1017, "eur", True), (1017, "EUR", True), (1016, "eur", False), (1018, "eur", False), (1017, "usd", False)],
)
def test_only_the_order_total_in_its_currency_matches(amount: int, currency: str, matches: bool) -> None:
    assert matches_order(card_order(S.AWAITING_PAYMENT, P.UNPAID), event(K.SUCCEEDED, amount, currency)) is matches


@pytest.mark.parametrize(("status", "payment"), list(product(S, P)))
def test_an_ended_order_is_refunded_when_paid_and_its_intent_cancelled_when_not(
    status: OrderStatus, payment: PaymentStatus
) -> None:
    order = card_order(status, payment)
    ended = status in {S.CANCELLED, S.REJECTED, S.EXPIRED}
    assert refund_due(order) is (ended and payment is P.PAID)
    assert intent_to_cancel(order) is (ended and payment in {P.UNPAID, P.FAILED})
    assert intent_to_cancel(order.model_copy(update={"payment_id": None})) is False
