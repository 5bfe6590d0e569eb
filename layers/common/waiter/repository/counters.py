"""Rate-limit counters: one item per (bucket, window), incremented atomically and removed by TTL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, serialize

if TYPE_CHECKING:
    pass


class CounterRepository(TableRepository):
    def increment(self, bucket: str, window_start: int, expires_at: int) -> int:
        """Add one to the window's counter and return the new count (one UpdateItem)."""
        result = self.client.update_item(
            TableName=self._table,
            Key=serialize(keys.rate_counter(bucket, window_start)),
            UpdateExpression="ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)",
            ExpressionAttributeValues=serialize({":one": 1, ":expires": expires_at}),
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["hits"]["N"])
