"""Rate-limit counters: one item per (bucket, window), incremented atomically and removed by TTL."""

from __future__ import annotations

from typing import Any

from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, deserialize, serialize


class CounterRepository(TableRepository):
    def increment(self, bucket: str, window_start: int, expires_at: int, by: int = 1) -> int:
        """Add ``by`` to the window's counter and return the new count (one UpdateItem)."""
        result = self.client.update_item(
            TableName=self._table,
            Key=serialize(keys.rate_counter(bucket, window_start)),
            UpdateExpression="ADD hits :by SET expiresAt = if_not_exists(expiresAt, :expires)",
            ExpressionAttributeValues=serialize({":by": by, ":expires": expires_at}),
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["hits"]["N"])

    def delete(self, bucket: str, window_start: int) -> None:
        """Forget one window of a counter (a successful sign-in clears the account's failures)."""
        self.client.delete_item(TableName=self._table, Key=serialize(keys.rate_counter(bucket, window_start)))

    def delete_bucket(self, bucket: str) -> int:
        """Delete every window of a counter (erasing an account): a Query on the counter's partition, then one
        DeleteItem per window (a bucket holds a handful). Returns how many were deleted."""
        deleted = 0
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": serialize({":pk": keys.rate_counter_partition(bucket)}),
            "ProjectionExpression": "PK, SK",
        }
        while True:
            page = self.client.query(**params)
            for raw in page.get("Items", []):
                item = deserialize(raw)
                self.client.delete_item(TableName=self._table, Key=serialize({"PK": item["PK"], "SK": item["SK"]}))
                deleted += 1
            if not page.get("LastEvaluatedKey"):
                return deleted
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
