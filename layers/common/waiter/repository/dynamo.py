"""DynamoDB plumbing shared by the repositories: the low-level client (cheaper to create than a resource),
attribute-value (de)serialisation and translation of DynamoDB failures into domain errors."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

Item = dict[str, Any]
RawItem = dict[str, Any]


@cache
def dynamodb_client() -> DynamoDBClient:
    """The process-wide client, created on first use so that importing a handler costs no AWS set-up.

    Honours ``AWS_ENDPOINT_URL`` (boto3 reads it natively), which is how the local gateway points at moto.
    """
    import boto3  # noqa: PLC0415 - deferred: handler import must stay cheap

    return boto3.client("dynamodb")


@cache
def _codecs() -> tuple[Any, Any]:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer  # noqa: PLC0415

    return TypeSerializer(), TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError("floats are not stored: money and counts are integers")
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, set, frozenset)):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: Mapping[str, Any]) -> RawItem:
    """A plain dict (JSON-like, integers only) as DynamoDB attribute values."""
    ser, _ = _codecs()
    return {k: ser.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(raw: Mapping[str, Any]) -> Item:
    """DynamoDB attribute values back to a plain dict with ``int`` numbers."""
    _, de = _codecs()
    return {k: _from_dynamo(de.deserialize(v)) for k, v in raw.items()}


def is_condition_failure(error: Exception) -> bool:
    """True when ``error`` is a failed condition (optimistic lock, create-if-absent), alone or in a transaction."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = getattr(error, "response", {}).get("CancellationReasons", [])
        return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)
    return False


class TableRepository:
    """Base of every repository: the table's name and the client to reach it (the shared one unless given)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        return self._client or dynamodb_client()


class PagedRepository(TableRepository):
    """A repository that hands out pagination cursors, signed with ``cursor_secret``."""

    def __init__(self, table_name: str, cursor_secret: bytes, client: DynamoDBClient | None = None) -> None:
        super().__init__(table_name, client)
        self._secret = cursor_secret
