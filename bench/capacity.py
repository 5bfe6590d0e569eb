"""DynamoDB capacity, modelled from item sizes by the published on-demand rules, because moto's ``ConsumedCapacity``
is a constant per operation (1.0 for a Query whatever it reads, nothing for a transaction).

Rules applied (DynamoDB developer guide, "Read/write capacity mode" and "Managing capacity for transactions"):

- item size: the UTF-8 length of every attribute name plus its value (strings by UTF-8 length, numbers about one
  byte per two significant digits plus one, binary by length, booleans and nulls one byte, lists and maps three
  bytes plus one per element plus their contents);
- read request units: an eventually consistent read of up to 4 KB is 0.5, strongly consistent 1, transactional 2;
  a GetItem of a missing item still costs the minimum; a Query is charged for the total size of the items it
  read, rounded up to 4 KB; BatchGetItem is a GetItem per key;
- write request units: 1 per KB of the larger of the old and the new item, 2 per KB in a transaction; every
  global secondary index the item is in (before or after) costs a write of the projected item (ALL projection
  here), two when the write moves the item to another index key; a ConditionCheck in a transaction is a
  transactional read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

RawItem = Mapping[str, Any]


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str | None

    def key_of(self, item: RawItem | None) -> tuple[Any, ...] | None:
        """The item's key in this index, or None when the item is not in it (a sparse index)."""
        if item is None or self.hash_key not in item:
            return None
        if self.range_key is not None and self.range_key not in item:
            return None
        return (repr(item[self.hash_key]), repr(item.get(self.range_key)) if self.range_key else None)

    def partition(self, item: RawItem | None) -> str:
        """The label of the index partition the item is in: ``<index> <hash key value>``."""
        return f"{self.name} {_text((item or {}).get(self.hash_key))}"


def indexes_of(table_definition: Mapping[str, Any]) -> list[Index]:
    found = []
    for gsi in table_definition.get("GlobalSecondaryIndexes") or []:
        schema = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        found.append(Index(str(gsi["IndexName"]), schema["HASH"], schema.get("RANGE")))
    return found


def item_size(item: RawItem | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: Mapping[str, Any]) -> int:  # noqa: PLR0911 - one branch per attribute type
    ((kind, content),) = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        return _number_size(str(content))
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in content.items())
    return len(str(content).encode())


def _number_size(text: str) -> int:
    try:
        digits = Decimal(text).normalize().as_tuple().digits
    except InvalidOperation:
        return len(text)
    return math.ceil(len(digits) / 2) + 1


def read_units(size: int, *, consistent: bool = False, transactional: bool = False) -> float:
    blocks = max(1, math.ceil(size / 4096))
    if transactional:
        return 2.0 * blocks
    return float(blocks) if consistent else 0.5 * blocks


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def write_cost(
    old: RawItem | None, new: RawItem | None, indexes: Sequence[Index], *, transactional: bool = False
) -> float:
    """Write request units of replacing ``old`` by ``new`` (None: absent), the table's indexes included."""
    return sum(units for _, units in write_parts(old, new, indexes, transactional=transactional))


def write_parts(
    old: RawItem | None, new: RawItem | None, indexes: Sequence[Index], *, transactional: bool = False
) -> list[tuple[str, float]]:
    """``write_cost`` split by the partition that pays it: ``("table <PK>", units)`` and ``("<index> <key>", units)``
    (DynamoDB's per-partition limits apply to each index's partitions as to the table's)."""
    item = new or old or {}
    parts = [
        (
            table_partition(item),
            float(write_units(max(item_size(old), item_size(new))) * (2 if transactional else 1)),
        )
    ]
    for index in indexes:
        before, after = index.key_of(old), index.key_of(new)
        if before is not None and after is not None and before == after:
            parts.append((index.partition(new), float(write_units(max(item_size(old), item_size(new))))))
        else:
            if before is not None:
                parts.append((index.partition(old), float(write_units(item_size(old)))))
            if after is not None:
                parts.append((index.partition(new), float(write_units(item_size(new)))))
    return parts


def table_partition(item_or_key: RawItem | None) -> str:
    """The label of the table partition an item or key lives in: ``table <PK>``."""
    return f"table {_text((item_or_key or {}).get('PK'))}"


def _text(value: Any) -> str:
    if isinstance(value, Mapping) and len(value) == 1:
        return str(next(iter(value.values())))
    return str(value)


def query_units(items: Sequence[RawItem], *, consistent: bool = False) -> float:
    return read_units(sum(item_size(i) for i in items), consistent=consistent)
