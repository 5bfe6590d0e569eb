"""Checkout's idempotency records: each in a partition of its own, so checkouts never meet on one partition key (the
limit docs/capacity.md found first at the modelled peak), written by the checkout transaction with the order, kept
24 hours, and understood across a deploy from Powertools' utility, which kept them before."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop
from waiter.compose import ordering_service
from waiter.repository.dynamo import dynamodb_client, serialize
from waiter.settings import get_settings


def _records() -> list[dict[str, object]]:
    return [i for i in api.table_snapshot() if str(i["PK"]).startswith("IDEMPOTENCY#")]


def test_every_checkout_keeps_its_idempotency_record_under_a_partition_key_of_its_own(shop: Shop) -> None:
    first = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id).body["total"]), key="k1")  # empty cart: 409
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    second = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id).body["total"]), key="k2")
    them = o.customer(2)
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"]), claims=them).status == 200
    third = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id, claims=them).body["total"]), key="k2", claims=them)

    assert (first.status, second.status, third.status) == (409, 201, 201)
    records = _records()
    assert len(records) == 2  # the failed attempt left nothing behind
    assert len({r["PK"] for r in records}) == 2
    assert {r["SK"] for r in records} == {"RECORD"}
    assert all(str(r["PK"]).startswith("IDEMPOTENCY#checkout#") for r in records)
    assert {r["idempotencyStatus"] for r in records} == {"COMPLETED"}


def test_a_replay_reads_the_record_from_its_own_partition(shop: Shop) -> None:
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    body = o.checkout_body(shop.id, o.get_cart(shop.id).body["total"])

    placed = o.checkout(body, key="again")
    replayed = o.checkout(body, key="again")

    assert (placed.status, replayed.status) == (201, 201)
    assert replayed.body["id"] == placed.body["id"]
    assert len(_records()) == 1


# ---- the record is written by the checkout transaction itself ---------------------------------------------------


def _record() -> dict[str, object]:
    [record] = _records()
    return record


def _put_record(item: dict[str, object]) -> None:
    dynamodb_client().put_item(TableName=get_settings().table_name, Item=serialize(item))


def _filled_cart_body(shop: Shop) -> dict[str, object]:
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    return o.checkout_body(shop.id, o.get_cart(shop.id).body["total"])


def test_checkout_reads_the_record_and_the_cart_in_one_strongly_consistent_batch(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replay must see a record its first request committed a moment ago, on whichever replica: both reads of
    the one BatchGetItem are strongly consistent."""
    body = _filled_cart_body(shop)
    client = dynamodb_client()
    real_batch_get_item = client.batch_get_item
    asked: list[dict[str, Any]] = []

    def batch_get_item(**params: Any) -> Any:
        asked.append(params)
        return real_batch_get_item(**params)

    monkeypatch.setattr(client, "batch_get_item", batch_get_item)
    placed = o.checkout(body, key="k")
    replayed = o.checkout(body, key="k")

    assert (placed.status, replayed.status) == (201, 201)
    first_reads = [asked[0], asked[-1]]  # the placement's first read, and the replay's only batch
    for params in first_reads:
        (request,) = params["RequestItems"].values()
        assert request["ConsistentRead"] is True
        assert sorted(str(key["PK"]["S"]).split("#", 1)[0] for key in request["Keys"]) == ["CUST", "IDEMPOTENCY"]


def test_the_record_names_the_order_and_expires_in_24_hours(shop: Shop) -> None:
    placed = o.checkout(_filled_cart_body(shop), key="k")

    record = _record()
    assert placed.status == 201
    assert record["orderId"] == placed.body["id"]
    assert abs(int(str(record["expiresAt"])) - (time.time() + 24 * 3600)) < 60


def test_an_expired_record_frees_its_key_for_a_new_order(shop: Shop) -> None:
    first = o.checkout(_filled_cart_body(shop), key="k")
    _put_record({**_record(), "expiresAt": int(time.time()) - 1})  # TTL deletes within days, not at once

    second = o.checkout(_filled_cart_body(shop), key="k")

    assert (first.status, second.status) == (201, 201)
    assert second.body["id"] != first.body["id"]
    assert _record()["orderId"] == second.body["id"]


def test_a_record_written_by_powertools_before_a_deploy_is_replayed(shop: Shop) -> None:
    """The previous code kept these records with Powertools' utility: same key, hashes and attributes, the order's id
    inside its JSON ``response``."""
    body = _filled_cart_body(shop)
    placed = o.checkout(body, key="k")
    record = {k: v for k, v in _record().items() if k not in ("orderId", "entity")}
    _put_record({**record, "response": json.dumps({"orderId": placed.body["id"]})})

    replayed = o.checkout(body, key="k")

    assert replayed.status == 201
    assert replayed.body["id"] == placed.body["id"]


def test_a_key_held_by_a_running_powertools_request_is_409_until_its_time_is_up(shop: Shop) -> None:
    body = _filled_cart_body(shop)
    o.checkout(body, key="k")
    running = {**_record(), "idempotencyStatus": "INPROGRESS", "inProgressExpiresAt": int(time.time() * 1000) + 60_000}
    del running["orderId"]
    _put_record(running)

    refused = o.checkout(_filled_cart_body(shop), key="k")
    _put_record({**running, "inProgressExpiresAt": int(time.time() * 1000) - 1})  # that invocation timed out
    placed = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id).body["total"]), key="k")

    assert refused.status == 409
    assert refused.headers["Retry-After"] == "1"
    assert placed.status == 201
    assert _record()["orderId"] == placed.body["id"]


def test_a_transaction_conflict_on_the_record_is_409_still_processing(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB cancels a transaction that meets another one writing the same item: here, the key's record, written
    by a duplicate of this request that is committing right then."""
    body = _filled_cart_body(shop)
    client = dynamodb_client()

    def conflicting(**params: Any) -> None:
        reasons = [{"Code": "None"}] * (len(params["TransactItems"]) - 1) + [{"Code": "TransactionConflict"}]
        response: Any = {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": reasons,
        }
        raise ClientError(response, "TransactWriteItems")

    monkeypatch.setattr(client, "transact_write_items", conflicting)

    reply = o.checkout(body, key="k")

    assert reply.status == 409
    assert reply.headers["Retry-After"] == "1"
    assert _records() == []
    assert o.orders_of("customer-1") == []


def test_a_duplicate_that_finds_the_cart_already_checked_out_replays_the_order(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A duplicate that ran alongside the first request and read the cart only after the first one's transaction had
    emptied it gets the first one's order, not 'your cart is empty'."""
    body = _filled_cart_body(shop)
    service = ordering_service()
    real_replayed = service.idempotency.replayed
    seen: list[str | None] = []

    def first_look_before_the_other_commits(record: Mapping[str, Any] | None, payload: dict[str, Any]) -> str | None:
        found = real_replayed(record, payload)
        seen.append(found)
        return None if len(seen) == 1 else found  # the first look happened before the other request committed

    placed = o.checkout(body, key="k")
    monkeypatch.setattr(service.idempotency, "replayed", first_look_before_the_other_commits)
    duplicate = o.checkout(body, key="k")

    assert (placed.status, duplicate.status) == (201, 201)
    assert duplicate.body["id"] == placed.body["id"]
    assert [stored["id"] for stored in o.orders_of("customer-1")] == [placed.body["id"]]
