"""moto's ``TransactWriteItems`` kept as fast with a full table as with an empty one.

Before each item of a transaction, moto 5.2 backs up the *whole* table it writes to with ``copy.deepcopy``, to
put the copy back if the transaction is cancelled. A restaurant's creation writes seven items, so seven copies of
the table; after a few thousand writes (a fuzz run, a long ``make dev`` session) one such transaction took seconds,
and on a busy machine ran past its function's 10 s timeout (a 504 in the fuzz gate, on ``POST /v1/restaurants``).

Here the backup is a journal instead: before moto runs the transaction, the items it names (by their keys) are
copied, and how long each table's stream is; when moto cancels it, exactly those items are put back as they were
(or removed, when they did not exist) and the stream records the cancelled writes appended are dropped, so the
table, its indexes (moto computes them from the items) and its stream are as before the call, as with moto's own
backup. moto's code runs unchanged otherwise (its conditions, its errors, its order of writes): only its whole-table
copy is skipped, while this journal stands in for it. When a request names a table or a key the journal cannot read,
moto's own path (whole-table copies) runs, so malformed requests get moto's errors as before.

No library does this (moto has no switch for it); it patches moto's backend in this process, where the gateway's
moto server runs, as ``local.gateway.mailbox`` does for Cognito.
"""

from __future__ import annotations

import contextvars
import copy
import types
from collections.abc import Callable
from typing import Any

_installed: list[bool] = []
_journaling: contextvars.ContextVar[bool] = contextvars.ContextVar("journaling", default=False)

Key = tuple[Any, Any]  # (hash DynamoType, range DynamoType or None)


def install() -> None:
    """Patch moto's DynamoDB backend once per process (every moto server in the process shares the backend)."""
    if _installed:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        # moto's whole-table backup, skipped while a journal stands in for it; every other copy is a copy
        if _journaling.get() and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    setattr(models, "copy", types.SimpleNamespace(deepcopy=deepcopy))  # noqa: B010 - the module moto calls copy.deepcopy through
    original: Callable[[Any, list[dict[str, Any]]], None] = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        journal = _journal(self, transact_items)
        if journal is None:
            original(self, transact_items)  # moto's own backups
            return
        token = _journaling.set(True)
        try:
            original(self, transact_items)
        except BaseException:
            _roll_back(journal)
            raise
        finally:
            _journaling.reset(token)

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed.append(True)


class _TableJournal:
    def __init__(self, table: Any) -> None:
        self.table = table
        shard = table.stream_shard
        self.stream_length = None if shard is None else len(shard.items)
        self.items: dict[Key, Any] = {}  # each named item as it was (a deep copy), None when absent

    def save(self, attributes: dict[str, Any]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        table = self.table
        hash_value = DynamoType(attributes[table.hash_key_attr])
        range_value = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
        key = (hash_value, range_value)
        if key not in self.items:
            current = table.get_item(hash_value, range_value)
            self.items[key] = None if current is None else copy.deepcopy(current)

    def restore(self) -> None:
        items = self.table.items
        for (hash_value, range_value), saved in self.items.items():
            if range_value is None:
                if saved is None:
                    items.pop(hash_value, None)
                else:
                    items[hash_value] = saved
            elif saved is None:
                items.get(hash_value, {}).pop(range_value, None)
            else:
                items[hash_value][range_value] = saved
        shard = self.table.stream_shard
        if shard is not None and self.stream_length is not None:
            del shard.items[self.stream_length :]


def _journal(backend: Any, transact_items: list[dict[str, Any]]) -> list[_TableJournal] | None:
    """The items ``transact_items`` name, saved per table; None when a request is not one the journal can read."""
    journals: dict[str, _TableJournal] = {}
    try:
        for item in transact_items:
            if len(item) != 1:
                return None
            ((op_type, op),) = item.items()
            name = op.get("TableName")
            if name not in backend.tables:
                return None
            journal = journals.get(name)
            if journal is None:
                journal = journals[name] = _TableJournal(backend.tables[name])
            journal.save(op["Item"] if op_type == "Put" else op["Key"])
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return list(journals.values())


def _roll_back(journals: list[_TableJournal]) -> None:
    for journal in journals:
        journal.restore()
