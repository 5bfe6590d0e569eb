"""DynamoDB plumbing shared by the repositories: the low-level client (cheaper to create than a resource),
attribute-value (de)serialisation and translation of DynamoDB failures into domain errors."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from waiter.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

Item = dict[str, Any]
RawItem = dict[str, Any]


@cache
def dynamodb_client() -> DynamoDBClient:
    """The process-wide client, created on first use so that importing a handler costs no AWS set-up.

    Honours ``AWS_ENDPOINT_URL``, which is how the local gateway points at moto.
    """
    from waiter.aws import client  # noqa: PLC0415 - deferred: handler import must stay cheap

    return cast("DynamoDBClient", client("dynamodb", validate_parameters=get_settings().validate_aws_requests))


# The attribute-value codec, written here rather than taken from boto3.dynamodb.types: Waiter stores only strings,
# integers, booleans, lists and maps (money is integer minor units; floats are refused), and boto3's serializer
# routes every number through a trapping decimal context and imports boto3 itself, which the functions otherwise
# never load (waiter.aws). Reading accepts every DynamoDB type, so items written by other tools still load.


def _attribute(value: Any) -> dict[str, Any]:
    # Exact-type checks first: nearly every value is one of these five, and an isinstance against an ABC (Mapping)
    # costs more than the encoding itself. Subclasses (enums, other mappings) take the general path below.
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is dict:
        return {"M": {k: _attribute(v) for k, v in value.items() if v is not None}}
    if kind is int:
        return {"N": str(value)}
    if kind is bool:
        return {"BOOL": value}
    if kind is list:
        return {"L": [_attribute(v) for v in value]}
    return _other_attribute(value)


def _other_attribute(value: Any) -> dict[str, Any]:  # noqa: PLR0911 - one return per DynamoDB type
    if value is True or value is False:
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, Mapping):
        return {"M": {k: _attribute(v) for k, v in value.items() if v is not None}}
    if isinstance(value, list | tuple):
        return {"L": [_attribute(v) for v in value]}
    if value is None:
        return {"NULL": True}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, float):
        raise TypeError("floats are not stored: money and counts are integers")
    raise TypeError(f"cannot store a {type(value).__name__}")


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else float(number)


def _value(attribute: Mapping[str, Any]) -> Any:
    # The common kinds first, each a membership test: a read decodes every attribute of every item it returns, and
    # unpacking the one-entry dict and matching its key against each case in turn cost more than the decoding.
    if len(attribute) == 1:
        if "S" in attribute:
            return attribute["S"]
        if "M" in attribute:
            return {k: _value(v) for k, v in attribute["M"].items()}
        if "N" in attribute:
            return _number(attribute["N"])
        if "L" in attribute:
            return [_value(v) for v in attribute["L"]]
    return _other_value(attribute)


def _other_value(attribute: Mapping[str, Any]) -> Any:  # noqa: PLR0911 - one return per DynamoDB type
    ((kind, value),) = attribute.items()
    match kind:
        case "S" | "B" | "BOOL":
            return value
        case "N":
            return _number(value)
        case "M":
            return {k: _value(v) for k, v in value.items()}
        case "L":
            return [_value(v) for v in value]
        case "NULL":
            return None
        case "SS" | "BS":
            return list(value)
        case "NS":
            return [_number(v) for v in value]
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


def serialize(item: Mapping[str, Any]) -> RawItem:
    """A plain dict (JSON-like, integers only) as DynamoDB attribute values; ``None`` values are left out.

    >>> serialize({"id": "r1", "price": 450, "open": True, "tags": ["a"], "note": None})
    {'id': {'S': 'r1'}, 'price': {'N': '450'}, 'open': {'BOOL': True}, 'tags': {'L': [{'S': 'a'}]}}
    """
    return {k: _attribute(v) for k, v in item.items() if v is not None}


def deserialize(raw: Mapping[str, Any]) -> Item:
    """DynamoDB attribute values back to a plain dict with ``int`` numbers (sets come back as lists).

    >>> deserialize({"price": {"N": "450"}, "tags": {"L": [{"S": "a"}]}, "gone": {"NULL": True}})
    {'price': 450, 'tags': ['a'], 'gone': None}
    """
    return {k: _value(v) for k, v in raw.items()}


class StoredModels[M]:
    """The domain models of stored items, each validated once per document it was read as.

    Reading a restaurant or a menu item decodes it and validates it (its validators included) on every request that
    prices a cart, though such an item seldom changes. Validation is a pure function of the stored document and the
    models are frozen, so the model built from a document stands for any later read of an equal document: a read
    whose item, as DynamoDB returned it, equals the one kept for its key (``PK``, ``SK``) gets the kept model; any
    other read is decoded and validated as always (and an item that does not validate is never kept). Attribute
    values compare type and all (``{"N": "1"}`` is not ``{"BOOL": True}``), so an equal document is the same
    document. Bounded: cleared when full.
    """

    def __init__(self, build: Callable[[Item], M], limit: int = 256) -> None:
        self._build = build
        self._limit = limit
        self._kept: dict[tuple[Any, Any], tuple[RawItem, M]] = {}

    def read(self, raw: RawItem) -> M:
        key = (raw.get("PK", {}).get("S"), raw.get("SK", {}).get("S"))
        kept = self._kept.get(key)
        if kept is not None and kept[0] == raw:
            return kept[1]
        model = self._build(deserialize(raw))
        if key[0] is not None and key[1] is not None:
            if len(self._kept) >= self._limit:
                self._kept.clear()
            self._kept[key] = (copy.deepcopy(raw), model)  # a copy: nothing the caller does to ``raw`` reaches it
        return model

    def clear(self) -> None:
        self._kept.clear()


def is_condition_failure(error: Exception) -> bool:
    """True when ``error`` is a failed condition (optimistic lock, create-if-absent), alone or in a transaction."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = getattr(error, "response", {}).get("CancellationReasons", [])
        return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)
    return False


BATCH_GET_LIMIT = 100  # keys per BatchGetItem (DynamoDB's limit)
_BATCH_RETRIES = 5


class TableRepository:
    """Base of every repository: the table's name and the client to reach it (the shared one unless given)."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        return self._client or dynamodb_client()

    def batch_get(self, wanted: Sequence[Mapping[str, str]]) -> list[Item]:
        """The items of ``wanted`` that exist, in any order: one BatchGetItem per 100 keys, unprocessed keys
        retried with backoff (as DynamoDB asks)."""
        return [deserialize(raw) for raw in self.batch_get_raw(wanted)]

    def batch_get_raw(self, wanted: Sequence[Mapping[str, str]], *, consistent: bool = False) -> list[RawItem]:
        """``batch_get`` with the items as DynamoDB returned them (attribute values, not decoded); ``consistent``:
        strongly consistent reads (a unit per 4 KB instead of half)."""
        found: list[RawItem] = []
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            chunk = wanted[start : start + BATCH_GET_LIMIT]
            keys_and_mode: dict[str, Any] = {"Keys": [serialize(k) for k in chunk]}
            if consistent:
                keys_and_mode["ConsistentRead"] = True
            request: dict[str, Any] = {self._table: keys_and_mode}
            for attempt in range(_BATCH_RETRIES):
                result = self.client.batch_get_item(RequestItems=request)
                found += result.get("Responses", {}).get(self._table, [])
                request = dict(result.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(0.02 * 2**attempt)
            else:
                raise RuntimeError("DynamoDB left keys unprocessed after retries")
        return found


class PagedRepository(TableRepository):
    """A repository that hands out pagination cursors, signed with ``cursor_secret``."""

    def __init__(self, table_name: str, cursor_secret: bytes, client: DynamoDBClient | None = None) -> None:
        super().__init__(table_name, client)
        self._secret = cursor_secret
