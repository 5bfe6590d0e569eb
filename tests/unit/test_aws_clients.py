"""The layer's DynamoDB client (waiter.aws): the regional endpoint without per-call gathering of table ARNs, and
request bodies dumped directly that are byte for byte what botocore's own serializer writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

from waiter.aws import client

ITEM = {
    "PK": {"S": "REST#r1"},
    "SK": {"S": "PROFILE"},
    "name": {"S": "Pizzeria Ünïcode \u2603"},
    "price": {"N": "450"},
    "open": {"BOOL": True},
    "tags": {"L": [{"S": "a"}, {"NULL": True}]},
    "summary": {"M": {"city": {"S": "Berlin"}, "rating": {"N": "4"}}},
}
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("PutItem", {"TableName": "t", "Item": ITEM, "ConditionExpression": "attribute_not_exists(PK)"}),
    (
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": ITEM}},
                {"Delete": {"TableName": "t", "Key": {"PK": {"S": "CUST#c"}, "SK": {"S": "CART#r"}}}},
                {
                    "ConditionCheck": {
                        "TableName": "t",
                        "Key": {"PK": {"S": "REST#r"}, "SK": {"S": "PROFILE"}},
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": {":v": {"N": "3"}},
                    }
                },
            ]
        },
    ),
    (
        "Query",
        {
            "TableName": "t",
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "REST#r#ORDERS"}},
            "ExclusiveStartKey": {"PK": {"S": "ORDER#o"}, "SK": {"S": "ORDER"}},
            "Limit": 20,
            "ScanIndexForward": False,
        },
    ),
    ("BatchGetItem", {"RequestItems": {"t": {"Keys": [{"PK": {"S": "a"}, "SK": {"S": "b"}}], "ConsistentRead": True}}}),
    ("PutItem", {"TableName": "t", "Item": {**ITEM, "blob": {"B": b"\x00\xffbytes"}}}),  # botocore base64-encodes it
]


@pytest.fixture
def plain() -> Any:
    """botocore's own client, as it comes: the reference the layer's client must match."""
    session = botocore.session.get_session()
    return session.create_client("dynamodb", region_name="eu-west-1", config=Config(parameter_validation=False))


@pytest.mark.parametrize("validate", [False, True])
@pytest.mark.parametrize(("operation", "params"), REQUESTS, ids=[f"{op}-{n}" for n, (op, _) in enumerate(REQUESTS)])
def test_request_bodies_are_byte_for_byte_botocores(
    plain: Any, operation: str, params: dict[str, Any], validate: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    layer = client("dynamodb", validate_parameters=validate)
    model = layer.meta.service_model.operation_model(operation)

    ours = layer._serializer.serialize_to_request(params, model)
    theirs = plain._serializer.serialize_to_request(params, plain.meta.service_model.operation_model(operation))

    assert ours == theirs


def test_values_json_cannot_carry_go_through_botocores_serializer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    layer = client("dynamodb", validate_parameters=False)
    model = layer.meta.service_model.operation_model("ExportTableToPointInTime")
    when = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)

    request = layer._serializer.serialize_to_request(
        {"TableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/t", "S3Bucket": "b", "ExportTime": when}, model
    )

    assert b'"ExportTime": 1767312000' in request["body"]


def test_the_client_uses_the_regional_endpoint_even_when_the_account_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCOUNT_ID", "123456789012")  # what Lambda's credentials make known
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    layer = client("dynamodb", validate_parameters=False)
    sent: list[str] = []

    def stop_before_sending(request: Any, **_: Any) -> None:
        sent.append(request.url)
        raise _Sent

    layer.meta.events.register("before-send.dynamodb", stop_before_sending)
    with pytest.raises(_Sent):
        layer.transact_write_items(TransactItems=REQUESTS[1][1]["TransactItems"])

    assert sent == ["https://dynamodb.eu-west-1.amazonaws.com/"]
    assert layer.meta.service_model.operation_model("TransactWriteItems").operation_context_parameters == []


class _Sent(Exception):
    """Raised instead of sending: the test needs the request, not an answer."""
