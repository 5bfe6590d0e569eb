"""The local stand-ins for the template's resources, beyond what the gateway tests see over HTTP."""

from __future__ import annotations

import contextlib
import copy

from local.gateway.boot import start_local
from local.gateway.intrinsics import ACCOUNT_ID, REGION
from tests.local.conftest import TinyApp


def test_a_streamed_table_keeps_its_records_but_transactions_do_not_copy_them_nor_keep_rolled_back_ones(
    tiny_app: TinyApp,
) -> None:
    # moto backs up the whole table before each item of a transaction; copying every stream record written so far
    # made transactions slower with every write (a checkout took seconds after a fuzz run, then timed out)
    from moto.dynamodb.models import dynamodb_backends

    local = start_local(template_path=tiny_app.template, seed=False, hot_reload=False)
    try:
        name = local.stack.provisioned["Table"].ref
        client = local.stack.client("dynamodb")
        for n in range(20):
            client.transact_write_items(
                TransactItems=[{"Put": {"TableName": name, "Item": {"PK": {"S": f"k{n}-{i}"}}}} for i in range(3)]
            )
        table = dynamodb_backends[ACCOUNT_ID][REGION].get_table(name)
        backup = copy.deepcopy(table)

        assert table.stream_shard is not None
        assert backup.stream_shard is not None
        assert len(table.stream_shard.items) == 60  # every write is still in the stream
        # the backup shares the records (only the list of them is copied), so restoring it after a failed
        # transaction drops just that transaction's records: the stream's consumer never sees them
        assert all(a is b for a, b in zip(backup.stream_shard.items, table.stream_shard.items, strict=True))
        assert backup.stream_shard.items is not table.stream_shard.items
        failing = [
            {"Put": {"TableName": name, "Item": {"PK": {"S": "new"}}}},
            {
                "ConditionCheck": {
                    "TableName": name,
                    "Key": {"PK": {"S": "absent"}},
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
        ]
        with contextlib.suppress(client.exceptions.TransactionCanceledException):
            client.transact_write_items(TransactItems=failing)
        restored = dynamodb_backends[ACCOUNT_ID][REGION].get_table(name)
        assert restored.stream_shard is not None
        assert len(restored.stream_shard.items) == 60
    finally:
        local.close()
