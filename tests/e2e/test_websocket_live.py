"""Live order updates end to end: a real WebSocket client (``websockets``) against the local gateway's WebSocket
API, with the whole chain behind it (REST transition → stream → bus → LiveQueue → LiveNotifierFunction → the local
Management API → a frame on the socket)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway, eventually, place_order, skip_when_deployed
from tests.e2e.tokens import forged_variants
from waiter.repository import keys

pytestmark = pytest.mark.e2e

LIFECYCLE = ("PLACED", "ACCEPTED", "PREPARING", "READY", "PICKED_UP")  # a pickup order, as staff moves it
NOTIFIER_DELIVERY = re.compile(r"-> LiveNotifierFunction: \d+ records, (\d+) failures")  # the queue source's line
PUSH_WITHIN_S = 45.0  # the local chain polls the stream and the queue; a push takes a few seconds


@pytest.fixture(scope="module")
def ws_url(gateway: Gateway) -> str:
    skip_when_deployed("drives the local gateway's WebSocket API and its table")
    return gateway.ws_url


@contextmanager
def live(ws_url: str, caller: Caller) -> Iterator[ClientConnection]:
    with connect(f"{ws_url}/?token={caller.token}", open_timeout=30) as socket:
        yield socket


def ask(socket: ClientConnection, message: dict[str, Any] | str, *, within_s: float = 30) -> dict[str, Any]:
    """Send a message and return the next frame (the route's answer)."""
    socket.send(message if isinstance(message, str) else json.dumps(message))
    return receive(socket, within_s=within_s)


def receive(socket: ClientConnection, *, within_s: float) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(socket.recv(timeout=within_s))
    return frame


def frames_until(
    socket: ClientConnection, done: Callable[[list[dict[str, Any]]], bool], *, order_id: str
) -> list[dict[str, Any]]:
    """The ``order`` frames about ``order_id``, in arrival order, until ``done`` says enough."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + PUSH_WITHIN_S
    while not done(seen):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"only {[f['order']['status'] for f in seen]} arrived for order {order_id}")
        frame = receive(socket, within_s=left)
        if frame["type"] == "order" and frame["order"]["id"] == order_id:
            seen.append(frame)
    return seen


def move(api: httpx.Client, staff: Caller, order_id: str, to: str) -> None:
    answer = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{order_id}/transitions", json={"to": to}, headers=staff.headers
    )
    assert answer.status_code == 200, answer.text


def _table(gateway: Gateway) -> tuple[Any, str]:
    endpoint, table = gateway.moto()
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    return session.client("dynamodb", endpoint_url=endpoint), table


def subscribers(gateway: Gateway, feed: str) -> list[str]:
    """The connection ids subscribed to ``feed``, as the notifier finds them (GSI1)."""
    dynamodb, table = _table(gateway)
    page = dynamodb.query(
        TableName=table,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.live_feed(feed)}},
    )
    return [item["connectionId"]["S"] for item in page["Items"]]


def connection_items(gateway: Gateway, connection_id: str) -> list[dict[str, Any]]:
    dynamodb, table = _table(gateway)
    page = dynamodb.query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.live_connection_partition(connection_id)}},
    )
    return list(page["Items"])


# ---- the chain ----------------------------------------------------------------------------------------------


def test_the_customer_watches_their_order_from_placed_to_picked_up_and_the_kitchen_sees_it_arrive(
    ws_url: str, api: httpx.Client, customer: Caller, staff: Caller
) -> None:
    with live(ws_url, customer) as mine, live(ws_url, staff) as kitchen:
        assert ask(mine, {"action": "subscribe", "topic": "my-orders"})["type"] == "subscribed"
        assert ask(kitchen, {"action": "subscribe", "topic": f"kitchen:{RESTAURANT_A}"})["type"] == "subscribed"

        order = place_order(api, customer, RESTAURANT_A)
        [placed] = frames_until(mine, bool, order_id=order["id"])
        [arrived] = frames_until(kitchen, bool, order_id=order["id"])
        for to in LIFECYCLE[1:]:  # back to back: the pushes may overtake each other
            move(api, staff, order["id"], to)
        later = frames_until(
            mine, lambda seen: any(f["order"]["status"] == "PICKED_UP" for f in seen), order_id=order["id"]
        )

    assert (placed["topic"], placed["order"]["status"], placed["order"]["version"]) == ("my-orders", "PLACED", 1)
    assert (arrived["topic"], arrived["order"]["status"]) == (f"kitchen:{RESTAURANT_A}", "PLACED")
    frames = [placed, *later]
    versions = [f["order"]["version"] for f in frames]
    assert versions == sorted(versions), f"versions went backwards: {versions}"
    assert frames[-1]["order"]["status"] == "PICKED_UP"
    # each frame is the order as it was at that version, so a status is missing only because a newer one came first
    for frame in frames:
        assert frame["order"]["status"] == LIFECYCLE[frame["order"]["version"] - 1]
    assert placed["order"]["total"] == order["total"]  # the REST order view, same money shape


def test_another_customer_cannot_watch_someone_elses_order_and_gets_nothing_of_it(
    ws_url: str, api: httpx.Client, customer: Caller, customer_b: Caller, staff: Caller
) -> None:
    order = place_order(api, customer, RESTAURANT_A)
    with live(ws_url, customer) as owner, live(ws_url, customer_b) as stranger:
        assert ask(owner, {"action": "subscribe", "topic": f"order:{order['id']}"})["type"] == "subscribed"
        refused = ask(stranger, {"action": "subscribe", "topic": f"order:{order['id']}"})

        move(api, staff, order["id"], "ACCEPTED")
        frames_until(owner, lambda seen: any(f["order"]["status"] == "ACCEPTED" for f in seen), order_id=order["id"])
        time.sleep(1)  # the stranger's frame, had there been one, went out in the same push
        after = ask(stranger, {"action": "ping"})

    assert (refused["type"], refused["status"]) == ("error", 404)
    assert after == {"type": "pong"}, "the stranger received something about the order"


# ---- the handshake --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["no token", "expired", "bad signature", "alg none", "another client", "garbage"])
def test_a_connection_without_a_valid_id_token_is_refused_at_the_handshake(
    ws_url: str, customer: Caller, variant: str
) -> None:
    token = forged_variants(customer.token)[variant]
    url = ws_url + "/" if token is None else f"{ws_url}/?token={token}"

    with pytest.raises(InvalidStatus) as refused, connect(url, open_timeout=30):
        pass

    assert refused.value.response.status_code == 401


# ---- bad messages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("{not json", "body"),
        ('["subscribe"]', "body"),
        ({"action": "dance"}, "action"),
        ({"hello": "there"}, "action"),
        ({"action": "subscribe", "topic": "table:4"}, "topic"),
        ({"action": "subscribe"}, "topic"),
    ],
)
def test_a_bad_message_gets_an_error_frame_naming_the_problem_and_the_connection_stays_usable(
    ws_url: str, customer: Caller, message: dict[str, Any] | str, field: str
) -> None:
    with live(ws_url, customer) as socket:
        error = ask(socket, message)
        after = ask(socket, {"action": "ping"})

    assert error["type"] == "error"
    assert error["status"] == 400
    assert [e["field"] for e in error["errors"]] == [field]
    assert after == {"type": "pong"}


def test_a_frame_over_api_gateways_32_kb_limit_closes_the_connection_with_1009(ws_url: str, customer: Caller) -> None:
    with live(ws_url, customer) as socket:
        socket.send(json.dumps({"action": "ping", "padding": "x" * (33 * 1024)}))
        with pytest.raises(Exception, match="1009"):
            socket.recv(timeout=10)


# ---- leaving ----------------------------------------------------------------------------------------------------


def test_a_client_that_disconnects_is_forgotten_and_a_gone_connection_does_not_fail_the_push(
    ws_url: str, gateway: Gateway, api: httpx.Client, customer: Caller, staff: Caller
) -> None:
    order = place_order(api, customer, RESTAURANT_A)
    feed = f"order:{order['id']}"
    with live(ws_url, customer) as socket:
        assert ask(socket, {"action": "subscribe", "topic": feed})["type"] == "subscribed"
        [left] = subscribers(gateway, feed)
    eventually(lambda: True if not connection_items(gateway, left) else None, what="the $disconnect clean-up")

    # a subscription whose socket closed without $disconnect having run (it can lag on AWS): the push gets a 410
    gone = "Gone0000000000A="
    dynamodb, table = _table(gateway)
    for item in (
        {**keys.live_connection(gone), "entity": "connection", "subscriptions": 1},
        {**keys.live_subscription(gone, feed), "GSI1PK": keys.live_feed(feed), "GSI1SK": f"{gone}#{feed}",
         "entity": "subscription", "topic": feed, "connectionId": gone},
    ):  # fmt: skip
        typed = {k: {"N": str(v)} if isinstance(v, int) else {"S": v} for k, v in item.items()}
        dynamodb.put_item(
            TableName=table,
            Item={**typed, "expiresAt": {"N": str(int(time.time()) + 3600)}, "caller": _caller_of(customer)},
        )
    with live(ws_url, customer) as watcher:
        assert ask(watcher, {"action": "subscribe", "topic": feed})["type"] == "subscribed"
        move(api, staff, order["id"], "ACCEPTED")
        frames_until(watcher, lambda seen: any(f["order"]["status"] == "ACCEPTED" for f in seen), order_id=order["id"])

    eventually(lambda: True if not connection_items(gateway, gone) else None, what="the gone connection's removal")
    posts = [line for line in gateway.log if f"@connections/{gone}" in line]
    assert posts, "the notifier never posted to the gone connection"
    assert all("-> 410" in line for line in posts)
    deliveries = [m for line in gateway.log if (m := NOTIFIER_DELIVERY.search(line))]
    assert deliveries
    assert [m.group(0) for m in deliveries if m.group(1) != "0"] == []


def _caller_of(caller: Caller) -> dict[str, Any]:
    return {"M": {"userId": {"S": caller.sub}, "roles": {"L": [{"S": "customers"}]}, "restaurants": {"L": []}}}
