"""moto's TransactWriteItems with a journal instead of whole-table copies (``local.gateway.transactions``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.gateway.boot import Local, start_local
from local.gateway.intrinsics import ACCOUNT_ID, REGION
from tests.local.conftest import TinyApp


@pytest.fixture
def local(tiny_app: TinyApp) -> Iterator[Local]:
    started = start_local(template_path=tiny_app.template, seed=False, hot_reload=False)
    try:
        yield started
    finally:
        started.close()


def _table(local: Local) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT_ID][REGION].get_table(local.stack.provisioned["Table"].ref)


def _items(local: Local) -> dict[str, dict[str, Any]]:
    client = local.stack.client("dynamodb")
    name = local.stack.provisioned["Table"].ref
    return {i["PK"]["S"]: i for i in client.scan(TableName=name)["Items"]}


def test_a_transaction_does_not_copy_the_table_it_writes_to(local: Local, monkeypatch: pytest.MonkeyPatch) -> None:
    client = local.stack.client("dynamodb")
    name = local.stack.provisioned["Table"].ref
    table_type = type(_table(local))

    def copied(self: Any, memo: Any) -> Any:
        raise AssertionError("the whole table was copied")

    monkeypatch.setattr(table_type, "__deepcopy__", copied, raising=False)
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": {"PK": {"S": f"k{i}"}}}} for i in range(7)]
    )

    assert sorted(_items(local)) == [f"k{i}" for i in range(7)]


def test_a_cancelled_transaction_leaves_the_items_and_the_stream_as_they_were(local: Local) -> None:
    client = local.stack.client("dynamodb")
    name = local.stack.provisioned["Table"].ref
    client.put_item(TableName=name, Item={"PK": {"S": "kept"}, "n": {"N": "1"}})
    client.put_item(TableName=name, Item={"PK": {"S": "deleted"}})
    before = _items(local)
    shard = _table(local).stream_shard
    stream_before = list(shard.items)

    failing = [
        {
            "Update": {
                "TableName": name,
                "Key": {"PK": {"S": "kept"}},
                "UpdateExpression": "SET n = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            }
        },
        {"Put": {"TableName": name, "Item": {"PK": {"S": "new"}}}},
        {"Delete": {"TableName": name, "Key": {"PK": {"S": "deleted"}}}},
        {
            "ConditionCheck": {
                "TableName": name,
                "Key": {"PK": {"S": "absent"}},
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
    ]
    with pytest.raises(client.exceptions.TransactionCanceledException) as cancelled:
        client.transact_write_items(TransactItems=failing)

    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]  # moto's own answer, unchanged
    assert _items(local) == before
    assert list(_table(local).stream_shard.items) == stream_before  # no record of the cancelled writes


def test_a_transaction_the_journal_cannot_read_gets_motos_own_error(local: Local) -> None:
    client = local.stack.client("dynamodb")

    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.transact_write_items(TransactItems=[{"Put": {"TableName": "no-such-table", "Item": {"PK": {"S": "x"}}}}])
