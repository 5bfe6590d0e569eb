"""Which events each consumer has handled: one conditional write per (consumer, event id), so an event delivered
twice is acted on once. The mark expires (TTL) after EventBridge's and SQS's redelivery windows are long past."""

from __future__ import annotations

import time

from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, is_condition_failure, serialize

KEEP_S = 14 * 24 * 3600  # SQS keeps a message at most 14 days: no redelivery can come later


class DeliveryRepository(TableRepository):
    def claim(self, consumer: str, event_id: str) -> bool:
        """Mark ``event_id`` handled by ``consumer``; False when it already was (a duplicate delivery)."""
        item = {**keys.delivery(consumer, event_id), "entity": "delivery", "expiresAt": int(time.time()) + KEEP_S}
        try:
            self.client.put_item(
                TableName=self._table, Item=serialize(item), ConditionExpression="attribute_not_exists(PK)"
            )
        except Exception as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def release(self, consumer: str, event_id: str) -> None:
        """Forget the mark (handling failed after claiming), so the redelivery is handled."""
        self.client.delete_item(TableName=self._table, Key=serialize(keys.delivery(consumer, event_id)))
