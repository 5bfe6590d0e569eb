"""The payment use cases over an in-memory store and a fake provider: starting a payment (idempotent, 404/409/503),
applying provider events exactly once, refusing a wrong amount, refunding a late success and settling ended
orders; and the webhook receiver verifying before it queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.unit.ordering.builders import NOW
from tests.unit.ordering.fakes import FakeOrderingStore
from waiter.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from waiter.identity import Principal
from waiter.ordering.lifecycle import _demo_order, transition
from waiter.ordering.models import Actor, ActorType, Order, OrderStatus, PaymentMethod, PaymentStatus
from waiter.ordering.payments import PaymentEvent, PaymentEventKind
from waiter.payments.provider import Intent, ProviderRefused, ProviderUnavailable
from waiter.payments.service import PaymentService, WebhookReceiver, intent_key, refund_key
from waiter.payments.signatures import signature_header
from waiter.payments.stripe_provider import StripeEvents

CUSTOMER = Principal(user_id="c1")
SECRET = "whsec_unit"


@dataclass
class FakeProvider:
    intents: dict[str, Intent] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    refunds: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    down: bool = False

    def create_intent(self, *, order_id: str, amount: int, currency: str, idempotency_key: str) -> Intent:
        if self.down:
            raise ProviderUnavailable("down")
        if idempotency_key not in self.keys:
            payment_id = f"pi_{len(self.intents) + 1}"
            self.intents[payment_id] = Intent(
                payment_id, f"{payment_id}_secret", amount, currency, "requires_payment_method"
            )
            self.keys[idempotency_key] = payment_id
        return self.intents[self.keys[idempotency_key]]

    def get_intent(self, payment_id: str) -> Intent:
        if self.down:
            raise ProviderUnavailable("down")
        return self.intents[payment_id]

    def cancel_intent(self, payment_id: str, *, idempotency_key: str) -> None:
        if self.intents[payment_id].status == "succeeded":
            raise ProviderRefused("already succeeded")
        self.cancelled.append(payment_id)

    def refund(self, payment_id: str, *, order_id: str, idempotency_key: str) -> None:
        if self.down:
            raise ProviderUnavailable("down")
        if (payment_id, idempotency_key) not in self.refunds:
            self.refunds.append((payment_id, idempotency_key))


@dataclass
class FakeDeliveries:
    claimed: set[tuple[str, str]] = field(default_factory=set)

    def claim(self, consumer: str, event_id: str) -> bool:
        if (consumer, event_id) in self.claimed:
            return False
        self.claimed.add((consumer, event_id))
        return True

    def release(self, consumer: str, event_id: str) -> None:
        self.claimed.discard((consumer, event_id))


def setup(order: Order | None = None) -> tuple[PaymentService, FakeOrderingStore, FakeProvider]:
    store = FakeOrderingStore()
    order = order or _demo_order(payment_method=PaymentMethod.CARD)
    store.orders[order.id] = order
    provider = FakeProvider()
    return PaymentService(store, provider, FakeDeliveries(), clock=lambda: NOW), store, provider


def succeeded(event_id: str = "evt_1", amount: int = 1017, currency: str = "eur") -> PaymentEvent:
    return PaymentEvent(event_id, PaymentEventKind.SUCCEEDED, "pi_1", "o1", amount, currency)


def test_starting_a_payment_creates_one_intent_for_the_total_and_returns_it_again() -> None:
    service, store, provider = setup()
    first = service.start_payment(CUSTOMER, "o1")
    again = service.start_payment(CUSTOMER, "o1")
    assert (first.payment_id, first.amount, first.currency) == ("pi_1", 1017, "EUR")
    assert again == first
    assert list(provider.keys) == [intent_key("o1")]
    assert store.orders["o1"].payment_id == "pi_1"


def test_someone_elses_order_is_not_found_and_a_cash_order_is_a_conflict() -> None:
    service, _, _ = setup()
    with pytest.raises(NotFound):
        service.start_payment(Principal(user_id="c2"), "o1")
    cash, _, _ = setup(_demo_order())
    with pytest.raises(Conflict):
        cash.start_payment(CUSTOMER, "o1")


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.PLACED])
def test_an_order_paid_cancelled_or_expired_cannot_be_paid(status: OrderStatus) -> None:
    order = _demo_order(payment_method=PaymentMethod.CARD).model_copy(update={"status": status})
    service, _, _ = setup(order)
    with pytest.raises(Conflict):
        service.start_payment(CUSTOMER, "o1")


def test_a_provider_outage_is_a_503_with_retry_after_and_leaves_the_order_untouched() -> None:
    service, store, provider = setup()
    before = store.orders["o1"]
    provider.down = True
    with pytest.raises(ServiceUnavailable) as raised:
        service.start_payment(CUSTOMER, "o1")
    assert raised.value.status == 503
    assert raised.value.headers["Retry-After"].isdigit()
    assert store.orders["o1"] == before


def test_a_success_places_the_order_once_and_a_replay_changes_nothing() -> None:
    service, store, _ = setup()
    service.start_payment(CUSTOMER, "o1")
    assert service.apply(succeeded()) is not None
    paid = store.orders["o1"]
    assert (paid.status, paid.payment_status) == (OrderStatus.PLACED, PaymentStatus.PAID)
    assert service.apply(succeeded()) is None
    assert store.orders["o1"] == paid


def test_a_declined_payment_can_be_retried() -> None:
    service, store, _ = setup()
    service.apply(PaymentEvent("evt_0", PaymentEventKind.FAILED, "pi_1", "o1", 1017, "eur"))
    assert store.orders["o1"].payment_status is PaymentStatus.FAILED
    service.apply(succeeded("evt_2"))
    assert (store.orders["o1"].status, store.orders["o1"].payment_status) == (OrderStatus.PLACED, PaymentStatus.PAID)


@pytest.mark.parametrize(("amount", "currency"), [(1016, "eur"), (1017, "usd")])
def test_a_wrong_amount_or_currency_is_refused_and_never_applied(amount: int, currency: str) -> None:
    service, store, _ = setup()
    before = store.orders["o1"]
    assert service.apply(succeeded(amount=amount, currency=currency)) is None
    assert store.orders["o1"] == before


def test_an_event_for_an_unknown_order_is_recorded_and_ignored() -> None:
    service, _, _ = setup()
    unknown = PaymentEvent("evt_9", PaymentEventKind.SUCCEEDED, "pi_9", "nope", 1, "eur")
    assert service.apply(unknown) is None
    assert service.apply(unknown) is None


def test_a_success_after_the_order_expired_is_refunded_and_retried_when_refunding_failed() -> None:
    order = _demo_order(payment_method=PaymentMethod.CARD).model_copy(update={"payment_id": "pi_1"})
    expired = transition(order, OrderStatus.EXPIRED, Actor(type=ActorType.SYSTEM, id="payments"), NOW)
    service, store, provider = setup(expired)
    provider.down = True
    with pytest.raises(ProviderUnavailable):
        service.apply(succeeded())
    provider.down = False
    service.apply(succeeded())  # the redelivery: the claim was released
    assert store.orders["o1"].payment_status is PaymentStatus.PAID
    assert provider.refunds == [("pi_1", refund_key("o1"))]


def test_settling_a_cancelled_paid_order_refunds_it_once_and_an_unpaid_one_cancels_its_intent() -> None:
    service, store, provider = setup()
    service.start_payment(CUSTOMER, "o1")
    service.apply(succeeded())
    cancelled = transition(store.orders["o1"], OrderStatus.CANCELLED, Actor(type=ActorType.STAFF, id="s1"), NOW)
    store.orders["o1"] = cancelled
    service.settle_ended("o1")
    service.settle_ended("o1")
    assert provider.refunds == [("pi_1", refund_key("o1"))]

    unpaid_service, unpaid_store, unpaid_provider = setup()
    unpaid_service.start_payment(CUSTOMER, "o1")
    customer = Actor(type=ActorType.CUSTOMER, id="c1")
    unpaid_store.orders["o1"] = transition(unpaid_store.orders["o1"], OrderStatus.CANCELLED, customer, NOW)
    unpaid_service.settle_ended("o1")
    assert unpaid_provider.cancelled == ["pi_1"]
    assert unpaid_provider.refunds == []


def _receiver(queued: list[str]) -> WebhookReceiver:
    return WebhookReceiver(secrets=lambda: [SECRET], enqueue=queued.append, events=StripeEvents(), now=lambda: 1000)


BODY = (
    b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1", "amount": 1017,'
    b' "currency": "eur", "metadata": {"orderId": "o1"}}}}'
)


def test_the_webhook_queues_a_verified_event_and_refuses_a_bad_signature_with_nothing_queued() -> None:
    queued: list[str] = []
    assert _receiver(queued).receive(BODY, signature_header(BODY, [SECRET], 1000)) is True
    assert queued == [BODY.decode()]
    with pytest.raises(ValidationFailed) as raised:
        _receiver(queued).receive(BODY, signature_header(BODY, ["whsec_other"], 1000))
    assert raised.value.errors[0].field == "header.Stripe-Signature"
    with pytest.raises(ValidationFailed):
        _receiver(queued).receive(BODY, signature_header(BODY, [SECRET], 1000 - 301))
    assert len(queued) == 1


def test_the_webhook_acknowledges_event_types_it_does_not_act_on_without_queueing_them() -> None:
    queued: list[str] = []
    other = b'{"id": "evt_2", "type": "customer.created", "data": {"object": {}}}'
    assert _receiver(queued).receive(other, signature_header(other, [SECRET], 1000)) is False
    assert queued == []


def test_the_estimates_of_a_paid_order_count_from_the_payment() -> None:
    service, store, _ = setup()
    service.clock = lambda: NOW + timedelta(minutes=4)
    service.apply(succeeded())
    paid = store.orders["o1"]
    assert paid.estimated_ready_at == NOW + timedelta(minutes=4 + (paid.prep_minutes or 0))
