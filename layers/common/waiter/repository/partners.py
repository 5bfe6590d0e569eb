"""Partner API keys: one item per key, found by the id inside the key; listed per restaurant through GSI1."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from waiter.partners.models import ApiKeyRecord
from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, deserialize, serialize

if TYPE_CHECKING:
    pass

_INTERNAL = ("PK", "SK", "GSI1PK", "GSI1SK", "entity")


class ApiKeyRepository(TableRepository):
    def put(self, record: ApiKeyRecord) -> None:
        item = {
            **keys.api_key(record.id),
            "GSI1PK": keys.api_keys_of(record.restaurant_id),
            "GSI1SK": f"{record.created_at.isoformat()}#{record.id}",
            "entity": "apiKey",
            **record.model_dump(mode="json", by_alias=True),
        }
        self.client.put_item(
            TableName=self._table, Item=serialize(item), ConditionExpression="attribute_not_exists(PK)"
        )

    def get(self, key_id: str) -> ApiKeyRecord | None:
        raw = self.client.get_item(TableName=self._table, Key=serialize(keys.api_key(key_id))).get("Item")
        return _record(deserialize(raw)) if raw else None

    def list_for(self, restaurant_id: str) -> list[ApiKeyRecord]:
        page = self.client.query(
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=serialize({":pk": keys.api_keys_of(restaurant_id)}),
        )
        return [_record(deserialize(raw)) for raw in page.get("Items", [])]

    def mark_revoked(self, key_id: str, at: datetime) -> None:
        self.client.update_item(
            TableName=self._table,
            Key=serialize(keys.api_key(key_id)),
            UpdateExpression="SET revokedAt = :at",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=serialize({":at": at.isoformat().replace("+00:00", "Z")}),
        )


def _record(item: dict[str, object]) -> ApiKeyRecord:
    return ApiKeyRecord.model_validate({k: v for k, v in item.items() if k not in _INTERNAL})
