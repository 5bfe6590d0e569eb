"""The event-driven functions on moto: the stream publisher reports only the poison record of a batch and never
drops an event the bus refused; the e-mail notifier mails once however often an event arrives and reports only
the message that fails; the kitchen timeout rejects exactly the orders that waited too long (one index Query).
Every AWS call they make is one their policy in template.yaml allows (the API functions' check of this is
tests/contract/test_events.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.contract.aws_calls import Recorder, recording
from tests.contract.permissions import allowed
from tests.contract.template_facts import PSEUDO_PARAMETERS, parameter_values
from tests.support import LambdaContext, load_function
from waiter import bus, compose, mail
from waiter.accounts.cognito import cognito_client
from waiter.events.models import OrderPlaced
from waiter.ordering.lifecycle import _demo_order, transition
from waiter.ordering.models import Actor, ActorType, Order, OrderStatus
from waiter.repository.dynamo import dynamodb_client, serialize
from waiter.repository.ordering import OrderingRepository, _order_item
from waiter.repository.stream import events_from_record
from waiter.settings import get_settings

BUS = "waiter-test-bus"
SENDER = "orders@waiter.example"
STAFF = Actor(type=ActorType.STAFF, id="s1")


def _forget() -> None:
    for cached in (compose.event_bus, compose.email_notifier, compose.ordering_service, get_settings):
        cached.cache_clear()
    for client in (bus.events_client, mail.ses_client, cognito_client):
        client.cache_clear()


@pytest.fixture
def seen(table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The bus, with a rule sending every Waiter event to a test queue (whose URL this yields)."""
    monkeypatch.setenv("EVENT_BUS_NAME", BUS)
    _forget()
    events = boto3.client("events")
    sqs = boto3.client("sqs")
    events.create_event_bus(Name=BUS)
    url = sqs.create_queue(QueueName="seen")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": ["waiter.orders"]}))
    events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "seen", "Arn": arn}])
    yield url
    _forget()


def _seen(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in messages]
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return found


def _record(sequence: str, new: Order | dict[str, Any], old: Order | None = None) -> dict[str, Any]:
    image = _order_item(new) if isinstance(new, Order) else new
    change = {"SequenceNumber": sequence, "NewImage": serialize(image)}
    if old is not None:
        change["OldImage"] = serialize(_order_item(old))
    return {"eventName": "MODIFY" if old else "INSERT", "eventSource": "aws:dynamodb", "dynamodb": change}


def _allowed_only(function: str, recorder: Recorder) -> None:
    """Every AWS call recorded is one the function's policy in template.yaml allows, its references standing for
    this test's moto resources."""
    table = dynamodb_client().describe_table(TableName=get_settings().table_name)["Table"]["TableArn"]
    refs = {
        **PSEUDO_PARAMETERS,
        **parameter_values(),
        "SenderEmail": SENDER,
        "Table.Arn": table,
        "EventBus.Arn": f"arn:aws:events:us-east-1:{PSEUDO_PARAMETERS['AWS::AccountId']}:event-bus/{BUS}",
        "UserPool.Arn": f"arn:aws:cognito-idp:us-east-1:{PSEUDO_PARAMETERS['AWS::AccountId']}:userpool/"
        + os.environ.get("USER_POOL_ID", "none"),
    }
    refused = [c for c in sorted(recorder.calls) if not allowed(function, c.action, c.resource, {}, refs)]
    assert recorder.calls, "the function made AWS calls"
    assert refused == []


def _publish(records: list[dict[str, Any]]) -> list[str]:
    with recording(dynamodb_client(), bus.events_client()) as recorder:
        result = load_function("publish_events").lambda_handler({"Records": records}, LambdaContext())
    if not isinstance(compose.event_bus().client, FlakyBus):
        _allowed_only("PublishEventsFunction", recorder)
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def test_a_batch_with_one_poison_record_reports_only_that_record_and_publishes_the_rest(seen: str) -> None:
    placed = _demo_order()
    accepted = transition(placed, OrderStatus.ACCEPTED, STAFF, placed.created_at + timedelta(minutes=1))
    poison = {**_order_item(placed), "total": "not a number"}

    failed = _publish([_record("1", placed), _record("2", poison), _record("3", accepted, placed)])

    assert failed == ["2"]
    assert sorted(e["detail-type"] for e in _seen(seen)) == ["OrderPlaced", "OrderStatusChanged"]


class FlakyBus:
    """EventBridge answering PutEvents with the first entry failed ``failures`` times, then as moto does."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[int] = []
        self.real = boto3.client("events")

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - botocore's name
        self.calls.append(len(Entries))
        if self.failures:
            self.failures -= 1
            answer = self.real.put_events(Entries=Entries[1:]) if len(Entries) > 1 else {"Entries": []}
            failed = {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
            return {"FailedEntryCount": 1, "Entries": [failed, *answer["Entries"]]}
        return dict(self.real.put_events(Entries=Entries))


def _orders(n: int) -> list[Order]:
    return [_demo_order().model_copy(update={"id": f"o{i}"}) for i in range(n)]


def test_entries_the_bus_refuses_are_retried_and_puts_carry_at_most_ten_entries(seen: str) -> None:
    flaky = FlakyBus(failures=1)
    compose.event_bus().client = flaky
    compose.event_bus().sleep = lambda _s: None
    failed = _publish([_record(str(i), order) for i, order in enumerate(_orders(12))])
    assert failed == []
    assert flaky.calls == [10, 1, 2], "ten at a time; only the refused entry is put again"
    assert len(_seen(seen)) == 12


def test_an_entry_the_bus_keeps_refusing_is_reported_as_its_records_failure_never_dropped(seen: str) -> None:
    compose.event_bus().client = FlakyBus(failures=bus.ATTEMPTS)
    compose.event_bus().sleep = lambda _s: None
    failed = _publish([_record(str(i), order) for i, order in enumerate(_orders(3))])
    assert failed == ["0"]
    assert len(_seen(seen)) == 2


# ---- the e-mail notifier ---------------------------------------------------------------------------------------


@pytest.fixture
def mailbox(table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A user pool with one customer, a verified sender; yields the customer's id (their ``sub``)."""
    pool = cognito_client().create_user_pool(PoolName="waiter-test")["UserPool"]["Id"]
    user = boto3.client("cognito-idp").admin_create_user(
        UserPoolId=pool, Username="ana@demo.waiter", UserAttributes=[{"Name": "email", "Value": "ana@demo.waiter"}]
    )["User"]
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    monkeypatch.setenv("USER_POOL_ID", pool)
    monkeypatch.setenv("SENDER_EMAIL", SENDER)
    _forget()
    yield next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    _forget()


def _sent() -> int:
    from moto.ses.models import ses_backends

    from local.gateway.intrinsics import ACCOUNT_ID  # moto's default account

    return int(ses_backends[ACCOUNT_ID]["us-east-1"].sent_message_count)


def _message(message_id: str, body: str) -> dict[str, Any]:
    return {"messageId": message_id, "receiptHandle": "r", "body": body, "attributes": {}, "eventSource": "aws:sqs"}


def _placed_entry(customer_id: str) -> str:
    order = _demo_order().model_copy(update={"customer_id": customer_id})
    [event] = events_from_record(_record("1", order))
    assert isinstance(event, OrderPlaced)
    return json.dumps({"detail-type": event.detail_type(), "source": "waiter.orders", "detail": event.detail()})


def _notify(*messages: dict[str, Any]) -> list[str]:
    with recording(dynamodb_client(), mail.ses_client(), cognito_client()) as recorder:
        result = load_function("email_notifier").lambda_handler({"Records": list(messages)}, LambdaContext())
    _allowed_only("EmailNotifierFunction", recorder)
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def test_an_event_delivered_twice_is_mailed_once(mailbox: str) -> None:
    entry = _placed_entry(mailbox)
    assert _notify(_message("m1", entry)) == []
    assert _notify(_message("m2", entry)) == []
    assert _sent() == 1


def test_a_message_that_is_no_event_fails_alone(mailbox: str) -> None:
    assert _notify(_message("bad", "{not json"), _message("good", _placed_entry(mailbox))) == ["bad"]
    assert _sent() == 1


def test_a_failed_send_is_retried_on_redelivery(mailbox: str, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _placed_entry(mailbox)
    boto3.client("ses").delete_identity(Identity=SENDER)  # SES refuses an unverified sender
    assert _notify(_message("m1", entry)) == ["m1"]
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    assert _notify(_message("m1", entry)) == []
    assert _sent() == 1


# ---- the kitchen timeout ---------------------------------------------------------------------------------------


def _stored(order: Order) -> None:
    dynamodb_client().put_item(TableName=get_settings().table_name, Item=serialize(_order_item(order)))


def test_the_kitchen_timeout_rejects_only_orders_left_placed_too_long(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITCHEN_TIMEOUT_MINUTES", "10")
    _forget()
    now = datetime.now(UTC)
    old = _demo_order().model_copy(update={"id": "old"})
    old = old.model_copy(update={"created_at": now - timedelta(minutes=11), "history": [
        old.history[0].model_copy(update={"at": now - timedelta(minutes=11)})]})  # fmt: skip
    fresh = old.model_copy(update={"id": "fresh", "created_at": now - timedelta(minutes=2), "history": [
        old.history[0].model_copy(update={"at": now - timedelta(minutes=2)})]})  # fmt: skip
    accepted = transition(old.model_copy(update={"id": "accepted"}), OrderStatus.ACCEPTED, STAFF, now)
    for order in (old, fresh, accepted):
        _stored(order)

    with recording(dynamodb_client()) as recorder:
        result = load_function("kitchen_timeout").lambda_handler({}, LambdaContext())
    _allowed_only("KitchenTimeoutFunction", recorder)

    assert result == {"rejected": ["old"]}
    repository = OrderingRepository(table, b"x" * 32)
    rejected = repository.get_order("old")
    assert rejected is not None
    assert rejected.status is OrderStatus.REJECTED
    assert rejected.history[-1].reason == "the restaurant did not accept the order within 10 minutes"
    assert [o.status for o in (repository.get_order("fresh"), repository.get_order("accepted")) if o] == [
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
    ]
    _forget()
