"""Every order write leaves a stream record a subscriber can act on without reading the table again (read from
the local stack's embedded DynamoDB, whose stream the gateway's table declares as NEW_AND_OLD_IMAGES)."""

from __future__ import annotations

import re
from typing import Any

import boto3
import httpx
import pytest

from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway, place_order, skip_when_deployed
from waiter.repository.dynamo import deserialize

pytestmark = pytest.mark.e2e

SUBSCRIBER_FIELDS = ("id", "customerId", "restaurantId", "status", "version", "total", "currency")


def _order_images(gateway: Gateway, order_id: str) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    line = next(line for line in gateway.banner if "moto" in line and "tables:" in line)
    endpoint = re.search(r"http://127\.0\.0\.1:\d+", line)
    table_name = re.search(r"tables: ([^),]+)", line)
    assert endpoint is not None
    assert table_name is not None
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    table = session.client("dynamodb", endpoint_url=endpoint.group(0)).describe_table(TableName=table_name.group(1))
    arn = table["Table"]["LatestStreamArn"]
    streams = session.client("dynamodbstreams", endpoint_url=endpoint.group(0))
    found = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
        for record in records:
            if record["dynamodb"]["Keys"]["PK"]["S"] == f"ORDER#{order_id}":
                old = record["dynamodb"].get("OldImage")
                found.append(
                    (
                        record["eventName"],
                        deserialize(record["dynamodb"]["NewImage"]),
                        deserialize(old) if old else None,
                    )
                )
    return found


def test_placing_and_moving_an_order_streams_self_describing_records(
    api: httpx.Client, gateway: Gateway, customer: Caller, staff: Caller
) -> None:
    skip_when_deployed("reads the local stack's embedded stream")
    order = place_order(api, customer, RESTAURANT_A)
    moved = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{order['id']}/transitions",
        json={"to": "ACCEPTED"},
        headers=staff.headers,
    )
    assert moved.status_code == 200, moved.text

    records = _order_images(gateway, order["id"])

    assert [event for event, _, _ in records] == ["INSERT", "MODIFY"]
    for _, image, _ in records:
        assert all(image.get(name) is not None for name in SUBSCRIBER_FIELDS), sorted(image)
        assert image["total"] == order["total"]
    assert [(image["status"], image["version"]) for _, image, _ in records] == [("PLACED", 1), ("ACCEPTED", 2)]
    old = records[1][2]
    assert old is not None
    assert (old["status"], old["version"]) == ("PLACED", 1)
