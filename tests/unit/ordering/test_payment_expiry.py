"""The payment expiry, with a controlled clock: a card order left unpaid for the expiry time (counted from checkout)
is expired by the system with the reason; an order within its time, paid, cancelled or paid in cash is left alone."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.access.fakes import MemoryCounters
from tests.unit.ordering.fakes import FakeOrderingStore, RunEachTime
from waiter.ordering.lifecycle import _demo_order, expire_if_unpaid, transition
from waiter.ordering.models import Actor, ActorType, OrderStatus, PaymentMethod
from waiter.ordering.service import OrderingService
from waiter.ratelimit import RateLimiter

FIFTEEN = timedelta(minutes=15)


def test_a_card_order_left_unpaid_expires_through_the_service_and_one_within_its_time_does_not() -> None:
    due = _demo_order(payment_method=PaymentMethod.CARD)
    fresh = due.model_copy(update={"id": "o2", "created_at": due.created_at + timedelta(minutes=5)})
    store = FakeOrderingStore(orders={"o1": due, "o2": fresh})
    service = OrderingService(
        store=store, limiter=RateLimiter(MemoryCounters()), idempotency=RunEachTime(),
        clock=lambda: due.created_at + FIFTEEN + timedelta(seconds=1),
    )  # fmt: skip
    expired = service.expire_unpaid(timeout=FIFTEEN)
    assert [o.id for o in expired] == ["o1"]
    assert store.orders["o1"].status is OrderStatus.EXPIRED
    assert store.orders["o1"].history[-1].reason == "the order was not paid within 15 minutes"
    assert store.orders["o2"].status is OrderStatus.AWAITING_PAYMENT


def test_a_cash_or_cancelled_order_never_expires() -> None:
    cash = _demo_order()
    assert expire_if_unpaid(cash, cash.created_at + 10 * FIFTEEN, FIFTEEN) is None
    card = _demo_order(payment_method=PaymentMethod.CARD)
    cancelled = transition(card, OrderStatus.CANCELLED, Actor(type=ActorType.CUSTOMER, id="c1"), card.created_at)
    assert expire_if_unpaid(cancelled, card.created_at + 10 * FIFTEEN, FIFTEEN) is None
