"""The event-driven chain end to end, over HTTP against a spawned local gateway (``make dev``'s): a staff
transition becomes exactly one OrderStatusChanged on the bus, seen by a test consumer's own queue; a poison message
reaches the e-mail queue's DLQ after maxReceiveCount receives while the rest of its batch is handled; an order
nobody accepts is rejected by the kitchen timeout's schedule (shortened by parameter overrides), and its customer
sees REJECTED with the reason, on the order and by e-mail (``GET /_local/mail``)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

import boto3
import httpx
import pytest

from local.seed import DEMO_CUSTOMER, DEMO_STAFF
from tests.e2e.conftest import (
    RESTAURANT_A,
    Caller,
    Gateway,
    eventually,
    log_in,
    place_order,
    skip_when_deployed,
    start_gateway,
)

pytestmark = pytest.mark.e2e

MAX_RECEIVES = 5  # template.yaml: EmailQueue's maxReceiveCount


def _moto(gateway: Gateway, service: Literal["events", "sqs"]) -> Any:
    line = next(line for line in gateway.banner if line.strip().startswith("moto"))
    endpoint = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert endpoint is not None
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    return session.client(service, endpoint_url=endpoint.group(0))


def _drain(sqs: Any, url: str, wait_s: int = 1) -> list[dict[str, Any]]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return list(messages)


def _mail(api: httpx.Client, subject: str) -> dict[str, Any] | None:
    items: list[dict[str, Any]] = api.get("/_local/mail").json()["items"]
    return next((m for m in items if m["subject"] == subject), None)


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple[Gateway, httpx.Client]]:
    """A gateway whose consumer queues retry a failed message after one second (not sixty)."""
    skip_when_deployed("reads the local stack's queues and mail")
    gateway, stop = start_gateway("--parameter-overrides", "ConsumerVisibilityTimeout=1")
    try:
        with httpx.Client(base_url=gateway.url, timeout=30) as client:
            yield gateway, client
    finally:
        stop()


def test_a_staff_transition_puts_exactly_one_status_change_on_the_bus(chain: tuple[Gateway, httpx.Client]) -> None:
    gateway, api = chain
    customer, staff = log_in(api, DEMO_CUSTOMER.email), log_in(api, DEMO_STAFF.email)
    order = place_order(api, customer, RESTAURANT_A)
    events, sqs = _moto(gateway, "events"), _moto(gateway, "sqs")
    [bus] = [b["Name"] for b in events.list_event_buses()["EventBuses"] if b["Name"] != "default"]
    url = sqs.create_queue(QueueName=f"e2e-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["waiter.orders"], "detail-type": ["OrderStatusChanged"], "detail": {"orderId": [order["id"]]}}
    events.put_rule(Name="e2e-seen", EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="e2e-seen", EventBusName=bus, Targets=[{"Id": "seen", "Arn": arn}])

    moved = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{order['id']}/transitions",
        json={"to": "ACCEPTED"},
        headers=staff.headers,
    )
    assert moved.status_code == 200, moved.text

    seen = eventually(lambda: _drain(sqs, url) or None, what="the OrderStatusChanged event")
    time.sleep(2)  # anything more would be a duplicate
    seen += _drain(sqs, url)
    assert len(seen) == 1
    detail = json.loads(seen[0]["Body"])["detail"]
    assert (detail["orderId"], detail["from"], detail["to"], detail["version"]) == (
        order["id"],
        "PLACED",
        "ACCEPTED",
        2,
    )
    assert detail["actor"] == {"type": "staff", "id": staff.sub}
    # the e-mail notifier had the OrderPlaced event: the customer got one mail about it
    mail = eventually(lambda: _mail(api, f"We have your order {order['id']}"), what="the order-placed e-mail")
    assert mail["to"] == [customer.email]


def test_a_poison_message_reaches_the_dlq_after_max_receives_while_the_rest_is_handled(
    chain: tuple[Gateway, httpx.Client],
) -> None:
    gateway, api = chain
    customer = log_in(api, DEMO_CUSTOMER.email)
    sqs = _moto(gateway, "sqs")
    queue = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("-email"))
    dlq = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("-email-dlq"))
    order_id = uuid.uuid4().hex
    good = {
        "detail-type": "OrderPlaced",
        "source": "waiter.orders",
        "detail": {
            "eventId": str(uuid.uuid4()), "occurredAt": datetime.now(UTC).isoformat(), "schemaVersion": 1,
            "orderId": order_id, "restaurantId": RESTAURANT_A, "customerId": customer.sub, "version": 1,
            "total": 1200, "currency": "EUR", "fulfilment": "pickup",
        },
    }  # fmt: skip
    sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": "poison", "MessageBody": "not an event"}, {"Id": "good", "MessageBody": json.dumps(good)}],
    )

    mail = eventually(lambda: _mail(api, f"We have your order {order_id}"), what="the good message's e-mail")
    dead = eventually(lambda: _drain(sqs, dlq) or None, within_s=60, what="the poison message reaching the DLQ")

    assert mail["to"] == [customer.email]
    assert [m["Body"] for m in dead] == ["not an event"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


@pytest.fixture(scope="module")
def impatient() -> Iterator[tuple[Gateway, httpx.Client]]:
    """A gateway whose kitchen timeout runs every second and rejects orders after three seconds."""
    skip_when_deployed("shortens the local kitchen timeout")
    gateway, stop = start_gateway(
        "--parameter-overrides", "KitchenTimeoutMinutes=0.05", "KitchenTimeoutSchedule=rate(1 second)"
    )
    try:
        with httpx.Client(base_url=gateway.url, timeout=30) as client:
            yield gateway, client
    finally:
        stop()


def test_an_order_nobody_accepts_is_rejected_by_the_schedule_and_its_customer_sees_why(
    impatient: tuple[Gateway, httpx.Client],
) -> None:
    _, api = impatient
    customer: Caller = log_in(api, DEMO_CUSTOMER.email)
    order = place_order(api, customer, RESTAURANT_A)

    def rejected() -> dict[str, Any] | None:
        seen: dict[str, Any] = api.get(f"/v1/orders/{order['id']}", headers=customer.headers).json()
        return seen if seen["status"] == "REJECTED" else None

    seen = eventually(rejected, what="the rejection")
    last = seen["history"][-1]
    assert last["actor"]["type"] == "system"
    assert last["reason"] == "the restaurant did not accept the order within 0.05 minutes"
    mail = eventually(lambda: _mail(api, f"Your order {order['id']} was rejected"), what="the rejection e-mail")
    assert "did not accept" in mail["body"]
