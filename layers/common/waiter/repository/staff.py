"""Staff memberships: which users work for which restaurant, readable from both sides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from waiter.accounts.models import StaffMember
from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, deserialize, serialize

if TYPE_CHECKING:
    pass


class StaffRepository(TableRepository):
    def add(self, member: StaffMember) -> None:
        item = {
            **keys.staff_membership(member.restaurant_id, member.user_id),
            "GSI1PK": keys.staff_by_user(member.user_id),
            "GSI1SK": member.restaurant_id,
            "entity": "staff",
            **member.model_dump(mode="json", by_alias=True),
        }
        self.client.put_item(TableName=self._table, Item=serialize(item))

    def remove(self, restaurant_id: str, user_id: str) -> bool:
        result = self.client.delete_item(
            TableName=self._table,
            Key=serialize(keys.staff_membership(restaurant_id, user_id)),
            ReturnValues="ALL_OLD",
        )
        return bool(result.get("Attributes"))

    def restaurants_of(self, user_id: str) -> list[str]:
        page = self.client.query(
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=serialize({":pk": keys.staff_by_user(user_id)}),
        )
        return [str(deserialize(raw)["GSI1SK"]) for raw in page.get("Items", [])]

    def staff_of(self, restaurant_id: str) -> list[StaffMember]:
        page = self.client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=serialize(
                {":pk": keys.restaurant_partition(restaurant_id), ":prefix": keys.STAFF_PREFIX}
            ),
        )
        return [_member(deserialize(raw)) for raw in page.get("Items", [])]


def _member(item: dict[str, object]) -> StaffMember:
    return StaffMember.model_validate(
        {k: v for k, v in item.items() if k not in ("PK", "SK", "GSI1PK", "GSI1SK", "entity")}
    )
