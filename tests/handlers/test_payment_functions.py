"""The payment functions on moto, with the local payment provider (local/gateway/payments.py) as Stripe: the
customer's intent; webhook → queue → consumer → paid and PLACED; the same event twice applied once; a poison message
reported alone and, after maxReceiveCount, in the DLQ; a paid order cancelled is refunded; a webhook the queue
refuses is a 503. Every AWS call is one the function's policy in template.yaml allows."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.gateway.payments import API_KEY, CARD_SUCCEEDS, WEBHOOK_SECRET, LocalPaymentProvider, signature_header
from tests.contract.aws_calls import Recorder, recording
from tests.contract.permissions import allowed
from tests.contract.template_facts import PSEUDO_PARAMETERS, parameter_values
from tests.handlers.api import request
from tests.support import LambdaContext, load_function
from waiter import compose
from waiter.ordering.lifecycle import _demo_order, transition
from waiter.ordering.models import Actor, ActorType, OrderStatus, PaymentMethod, PaymentStatus
from waiter.payments import secrets as payment_secrets
from waiter.payments.queue import sqs_client
from waiter.payments.secrets import secretsmanager_client
from waiter.repository.dynamo import dynamodb_client, serialize
from waiter.repository.ordering import OrderingRepository, _order_item
from waiter.settings import get_settings

CUSTOMER = {"sub": "c1", "email": "c1@example.com", "cognito:groups": "customers"}  # as the authorizer passes them
PAYMENT = "/v1/orders/{orderId}/payment"


def _forget() -> None:
    for cached in (compose.payment_service, compose.webhook_receiver, compose.ordering_service, get_settings):
        cached.cache_clear()
    for client_cache in (payment_secrets._secrets, secretsmanager_client, sqs_client):
        client_cache.cache_clear()


@pytest.fixture
def stack(table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The provider, the payment secrets (its credentials), the webhook queue with its DLQ; a card order ``o1``."""
    provider = LocalPaymentProvider()
    base = provider.serve()
    secrets = boto3.client("secretsmanager")
    api_key = secrets.create_secret(Name="api-key", SecretString=API_KEY)["ARN"]
    webhook = secrets.create_secret(Name="webhook", SecretString=f"whsec_new,{WEBHOOK_SECRET}")["ARN"]  # rotating
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="payment-events-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    queue = sqs.create_queue(
        QueueName="payment-events", Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "0"}
    )["QueueUrl"]
    for name, value in {
        "PAYMENTS_API_KEY_SECRET": api_key, "PAYMENTS_WEBHOOK_SECRET": webhook, "PAYMENTS_API_BASE": base,
        "PAYMENT_EVENTS_QUEUE_URL": queue,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    _forget()
    order = _demo_order(payment_method=PaymentMethod.CARD)
    dynamodb_client().put_item(TableName=table, Item=serialize(_order_item(order)))
    yield {"provider": provider, "queue": queue, "dlq": dlq, "api_key": api_key, "webhook": webhook}
    provider.stop()
    _forget()


def _allowed_only(function: str, recorder: Recorder, stack: dict[str, Any], *, calls: bool = True) -> None:
    table = dynamodb_client().describe_table(TableName=get_settings().table_name)["Table"]["TableArn"]
    queue_arn = boto3.client("sqs").get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])
    refs = {
        **PSEUDO_PARAMETERS, **parameter_values(), "Table.Arn": table, "PaymentsApiKeySecret": stack["api_key"],
        "PaymentsWebhookSecret": stack["webhook"], "PaymentEventsQueue.Arn": queue_arn["Attributes"]["QueueArn"],
    }  # fmt: skip
    assert bool(recorder.calls) is calls, "the function made AWS calls" if calls else "a poison message reads nothing"
    assert [c for c in sorted(recorder.calls) if not allowed(function, c.action, c.resource, {}, refs)] == []


def _clients() -> tuple[Any, ...]:
    return dynamodb_client(), secretsmanager_client(), sqs_client()


def _order() -> Any:
    order = OrderingRepository(get_settings().table_name, b"x" * 32).get_order("o1")
    assert order is not None
    return order


def _start_payment(stack: dict[str, Any]) -> dict[str, Any]:
    with recording(*_clients()) as recorder:
        reply = request("create_payment", "POST", PAYMENT, {"orderId": "o1"}, claims=CUSTOMER)
    assert reply.status == 200, reply.body
    _allowed_only("CreatePaymentFunction", recorder, stack)
    body: dict[str, Any] = reply.body
    return body


def _webhook(body: str, signature: str | None) -> Any:
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return request("payment_webhook", "POST", "/v1/webhooks/payments", body=body, headers=headers)


def _queued(stack: dict[str, Any]) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=stack["queue"], MaxNumberOfMessages=10).get("Messages", [])
    return [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
             "attributes": {}, "eventSource": "aws:sqs"} for m in messages]  # fmt: skip


def _consume(stack: dict[str, Any], records: list[dict[str, Any]], *, calls: bool = True) -> list[str]:
    with recording(*_clients()) as recorder:
        result = load_function("payment_events").lambda_handler({"Records": records}, LambdaContext())
    _allowed_only("PaymentEventsFunction", recorder, stack, calls=calls)
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def _deliver_provider_events(stack: dict[str, Any]) -> None:
    """What the provider would POST: each event it made, signed, through the webhook function."""
    provider: LocalPaymentProvider = stack["provider"]
    while provider.delivered:
        event = provider.delivered.pop(0)
        body = json.dumps(event)
        with recording(*_clients()) as recorder:
            reply = _webhook(body, signature_header(body.encode(), WEBHOOK_SECRET, int(time.time())))
        assert reply.status == 200, reply.body
        _allowed_only("PaymentWebhookFunction", recorder, stack)


def test_webhook_queue_consumer_pays_and_places_the_order_once_however_often_the_event_comes(
    stack: dict[str, Any],
) -> None:
    payment = _start_payment(stack)
    assert _start_payment(stack) == payment
    assert (payment["amount"], payment["currency"]) == (1017, "EUR")
    stack["provider"].confirm(payment["paymentId"], {"card": CARD_SUCCEEDS})
    [event] = list(stack["provider"].delivered)
    _deliver_provider_events(stack)
    again = json.dumps(event)  # the provider retries: the same event again
    assert _webhook(again, signature_header(again.encode(), WEBHOOK_SECRET, int(time.time()))).status == 200
    records = _queued(stack)
    assert len(records) == 2
    assert _consume(stack, records) == []
    order = _order()
    assert (order.status, order.payment_status, order.version) == (OrderStatus.PLACED, PaymentStatus.PAID, 3)


def test_a_bad_signature_is_a_400_and_nothing_is_queued(stack: dict[str, Any]) -> None:
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}})
    assert _webhook(body, None).status == 400
    assert _webhook(body, signature_header(body.encode(), "whsec_wrong", int(time.time()))).status == 400
    stale = signature_header(body.encode(), WEBHOOK_SECRET, int(time.time()) - 301)
    assert _webhook(body, stale).status == 400
    assert _queued(stack) == []


def test_a_webhook_the_queue_refuses_is_a_503_so_the_provider_retries(
    stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYMENT_EVENTS_QUEUE_URL", stack["queue"] + "-gone")
    _forget()
    body = json.dumps({"id": "evt_2", "type": "payment_intent.succeeded", "data": {"object": {
        "id": "pi_1", "amount": 1017, "currency": "eur", "metadata": {"orderId": "o1"}}}})  # fmt: skip
    reply = _webhook(body, signature_header(body.encode(), WEBHOOK_SECRET, int(time.time())))
    assert reply.status == 503
    assert reply.headers["Retry-After"].isdigit()


def test_a_poison_message_fails_alone_and_reaches_the_dlq_after_max_receives(stack: dict[str, Any]) -> None:
    boto3.client("sqs").send_message(QueueUrl=stack["queue"], MessageBody="{not an event")
    for _ in range(5):
        records = _queued(stack)
        assert len(records) == 1
        assert _consume(stack, records, calls=False) == [records[0]["messageId"]]
    assert _queued(stack) == []
    moved = boto3.client("sqs").receive_message(QueueUrl=stack["dlq"]).get("Messages", [])
    assert [m["Body"] for m in moved] == ["{not an event"]


def test_a_paid_order_cancelled_by_the_restaurant_is_refunded_and_then_marked_refunded(stack: dict[str, Any]) -> None:
    payment = _start_payment(stack)
    stack["provider"].confirm(payment["paymentId"], {"card": CARD_SUCCEEDS})
    _deliver_provider_events(stack)
    assert _consume(stack, _queued(stack)) == []
    paid = _order()
    cancelled = transition(paid, OrderStatus.CANCELLED, Actor(type=ActorType.STAFF, id="s1"), paid.updated_at)
    OrderingRepository(get_settings().table_name, b"x" * 32).save_order(cancelled, expected_version=paid.version)
    entry = {"detail-type": "OrderStatusChanged", "source": "waiter.orders", "detail": {
        "eventId": "e-cancel", "occurredAt": "2026-01-15T12:05:00Z", "orderId": "o1", "restaurantId": "r1",
        "customerId": "c1", "version": cancelled.version, "total": 1017, "currency": "EUR", "from": "PLACED",
        "to": "CANCELLED", "actor": {"type": "staff", "id": "s1"}, "at": "2026-01-15T12:05:00Z"}}  # fmt: skip
    message = {"messageId": "m1", "receiptHandle": "r", "body": json.dumps(entry), "attributes": {}}
    with recording(*_clients()) as recorder:
        result = load_function("settle_payments").lambda_handler({"Records": [message, message]}, LambdaContext())
    assert result["batchItemFailures"] == []
    _allowed_only("SettlePaymentsFunction", recorder, stack)
    assert len(stack["provider"].refunds) == 1  # settled twice, refunded once
    _deliver_provider_events(stack)  # charge.refunded
    assert _consume(stack, _queued(stack)) == []
    assert (_order().status, _order().payment_status) == (OrderStatus.CANCELLED, PaymentStatus.REFUNDED)
