"""Card payments over GraphQL: checkout with ``paymentMethod: card`` and ``startPayment``, through the payment service
the REST payment route calls, with the local payment provider (local/gateway/payments.py) standing in for Stripe.
The same intent and the same refusals as POST /v1/orders/{orderId}/payment, in GraphQL's error codes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.gateway.payments import API_KEY, CARD_SUCCEEDS, LocalPaymentProvider
from tests.handlers.api import Claims, request
from tests.handlers.graphql_support import GRAPHQL_RESPONSE, Answer, graphql, id_tokens
from tests.handlers.ordering_fixtures import Shop, customer, get_cart, large_pizza, place_order
from tests.handlers.ordering_fixtures import add_item as rest_add_item
from waiter import compose
from waiter.payments import secrets as payment_secrets
from waiter.payments.secrets import secretsmanager_client
from waiter.settings import get_settings

__all__ = ["id_tokens"]  # the fixture, used by name

pytestmark = pytest.mark.usefixtures("id_tokens")

CHECKOUT = """mutation Checkout($input: CheckoutInput!, $key: String!) {
  checkout(input: $input, idempotencyKey: $key) { id status paymentStatus paymentMethod paymentId total currency } }"""
START = """mutation Pay($id: ID!) {
  startPayment(orderId: $id) { paymentId clientSecret amount currency status } }"""
ORDER = "query Order($id: ID!) { order(id: $id) { id status paymentStatus paymentMethod paymentId } }"


def _forget_payments() -> None:
    for cached in (compose.payment_service, get_settings, payment_secrets._secrets, secretsmanager_client):
        cached.cache_clear()


@pytest.fixture
def provider(services: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalPaymentProvider]:
    """The local provider at PAYMENTS_API_BASE, its API key in the secret PAYMENTS_API_KEY_SECRET names (moto)."""
    local = LocalPaymentProvider()
    secret = boto3.client("secretsmanager").create_secret(Name="api-key", SecretString=API_KEY)["ARN"]
    monkeypatch.setenv("PAYMENTS_API_KEY_SECRET", secret)
    monkeypatch.setenv("PAYMENTS_API_BASE", local.serve())
    _forget_payments()
    yield local
    local.stop()
    _forget_payments()


def _ok(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith(GRAPHQL_RESPONSE)
    assert answer.errors == [], answer.errors
    data: dict[str, Any] = answer.data
    return data


def _card_order(shop: Shop, claims: Claims) -> dict[str, Any]:
    """The customer's cart checked out over GraphQL, to be paid by card."""
    assert rest_add_item(shop.id, large_pizza(1, item_id=shop.pizza["id"]), claims=claims).status == 200
    total = get_cart(shop.id, claims=claims, query={"fulfilment": "pickup"}).body["total"]
    variables = {
        "input": {"restaurantId": shop.id, "fulfilment": "pickup", "expectedTotal": total, "paymentMethod": "card"},
        "key": "gql-card-1",
    }
    order: dict[str, Any] = _ok(graphql(CHECKOUT, variables, claims=claims))["checkout"]
    return order


def test_a_card_checkout_awaits_payment_and_a_cash_one_is_placed_by_default(
    shop: Shop, provider: LocalPaymentProvider
) -> None:
    card = _card_order(shop, customer())
    cash = place_order(shop, claims=customer(2))  # REST, no paymentMethod: cash

    assert (card["status"], card["paymentStatus"], card["paymentMethod"]) == ("AWAITING_PAYMENT", "UNPAID", "card")
    assert card["paymentId"] is None
    cash_over_graphql = _ok(graphql(ORDER, {"id": cash["id"]}, claims=customer(2)))["order"]
    assert (cash_over_graphql["status"], cash_over_graphql["paymentMethod"]) == ("PLACED", "cash")


def test_start_payment_answers_my_card_orders_intent_as_the_rest_payment_route_does(
    shop: Shop, provider: LocalPaymentProvider
) -> None:
    me = customer()
    order = _card_order(shop, me)

    payment = _ok(graphql(START, {"id": order["id"]}, claims=me))["startPayment"]
    again = _ok(graphql(START, {"id": order["id"]}, claims=me))["startPayment"]
    rest = request("create_payment", "POST", "/v1/orders/{orderId}/payment", {"orderId": order["id"]}, claims=me)

    assert (payment["amount"], payment["currency"]) == (order["total"], order["currency"])
    assert payment["paymentId"].startswith("pi_")
    assert payment["clientSecret"].startswith(payment["paymentId"])
    assert payment["status"] == "requires_payment_method"
    assert again == payment, "one intent per order"
    assert rest.status == 200
    assert rest.body == payment
    stored = _ok(graphql(ORDER, {"id": order["id"]}, claims=me))["order"]
    assert stored["paymentId"] == payment["paymentId"]


def test_paying_the_intent_with_the_test_card_succeeds_at_the_provider(
    shop: Shop, provider: LocalPaymentProvider
) -> None:
    me = customer()
    payment = _ok(graphql(START, {"id": _card_order(shop, me)["id"]}, claims=me))["startPayment"]

    status, intent = provider.confirm(payment["paymentId"], {"card": CARD_SUCCEEDS})

    assert (status, intent["status"], intent["amount"]) == (200, "succeeded", payment["amount"])


def test_start_payment_on_a_cash_order_is_a_conflict(shop: Shop, provider: LocalPaymentProvider) -> None:
    order = place_order(shop)

    answer = graphql(START, {"id": order["id"]}, claims=customer())

    assert answer.status == 200
    assert answer.data is None
    assert answer.codes == ["CONFLICT"]
    assert answer.errors[0]["path"] == ["startPayment"]
    assert answer.errors[0]["extensions"]["status"] == 409


def test_start_payment_on_someone_elses_order_is_not_found_and_creates_no_intent(
    shop: Shop, provider: LocalPaymentProvider
) -> None:
    order = _card_order(shop, customer())

    answer = graphql(START, {"id": order["id"]}, claims=customer(2))

    assert answer.codes == ["NOT_FOUND"]
    assert answer.errors[0]["path"] == ["startPayment"]
    assert _ok(graphql(ORDER, {"id": order["id"]}, claims=customer()))["order"]["paymentId"] is None


def test_start_payment_needs_a_signed_in_caller(shop: Shop, provider: LocalPaymentProvider) -> None:
    order = _card_order(shop, customer())

    assert graphql(START, {"id": order["id"]}).codes == ["UNAUTHENTICATED"]


def test_a_provider_outage_is_service_unavailable_with_retry_after_and_the_order_untouched(
    shop: Shop, provider: LocalPaymentProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = customer()
    order = _card_order(shop, me)
    with socket.socket() as unused:  # a port nothing listens on: the provider is unreachable
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("PAYMENTS_API_BASE", f"http://127.0.0.1:{port}")
    _forget_payments()

    answer = graphql(START, {"id": order["id"]}, claims=me)

    assert answer.codes == ["SERVICE_UNAVAILABLE"]
    extensions = answer.errors[0]["extensions"]
    assert (extensions["status"], extensions["retryAfter"]) == (503, 5)
    assert "stripe" not in answer.errors[0]["message"].lower()
    assert _ok(graphql(ORDER, {"id": order["id"]}, claims=me))["order"]["paymentId"] is None
