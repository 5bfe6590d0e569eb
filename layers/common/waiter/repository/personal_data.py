"""A customer's personal data across the table, for export and erasure: every read is a Query on a key or an
index (their carts in their partition, their orders in GSI1, their staff memberships in GSI1), never a Scan."""

from __future__ import annotations

from typing import Any

from waiter.ordering.models import Cart, Order
from waiter.repository import keys
from waiter.repository.counters import CounterRepository
from waiter.repository.dynamo import Item, TableRepository, deserialize, serialize
from waiter.repository.ordering import _strip, put_order_at


class PersonalDataRepository(TableRepository):
    def _query_all(self, **params: Any) -> list[Item]:
        """Every item of a Query, page after page (DynamoDB returns at most 1 MB a page)."""
        items: list[Item] = []
        request: dict[str, Any] = {"TableName": self._table, **params}
        while True:
            page = self.client.query(**request)
            items += [deserialize(raw) for raw in page.get("Items", [])]
            if not page.get("LastEvaluatedKey"):
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def carts_of(self, customer_id: str) -> list[Cart]:
        items = self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=serialize(
                {":pk": keys.customer_partition(customer_id), ":prefix": keys.CART_PREFIX}
            ),
        )
        return [Cart.model_validate(_strip(item)) for item in items]

    def orders_of(self, customer_id: str) -> list[Order]:
        """Every order of the customer, oldest first (GSI1)."""
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=serialize({":pk": keys.orders_of_customer(customer_id)}),
        )
        return [Order.model_validate(_strip(item)) for item in items]

    def staff_restaurants_of(self, user_id: str) -> list[str]:
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=serialize({":pk": keys.staff_by_user(user_id)}),
        )
        return [str(item["GSI1SK"]) for item in items]

    def anonymous_id(self, customer_id: str, *, candidate: str, expires_at: int) -> str:
        """The anonymous id that replaces ``customer_id`` in their orders: ``candidate`` the first time, the same
        one on a repeat (an erasure retried after a failure). Also the marker that refuses new carts."""
        result = self.client.update_item(
            TableName=self._table,
            Key=serialize(keys.erased_account(customer_id)),
            UpdateExpression="SET anonymousId = if_not_exists(anonymousId, :id), expiresAt = :expires, entity = :e",
            ExpressionAttributeValues=serialize({":id": candidate, ":expires": expires_at, ":e": "erasedAccount"}),
            ReturnValues="ALL_NEW",
        )
        return str(deserialize(result["Attributes"])["anonymousId"])

    def delete_cart(self, customer_id: str, restaurant_id: str) -> None:
        self.client.delete_item(TableName=self._table, Key=serialize(keys.cart(customer_id, restaurant_id)))

    def replace_order(self, order: Order, *, expected_version: int) -> None:
        """Write the anonymised order (moved to the anonymous id's GSI1 partition) if no one moved it meanwhile."""
        put_order_at(self, order, expected_version=expected_version)

    def move_discount_use(self, restaurant_id: str, code: str, customer_id: str, anonymous_id: str) -> None:
        """Re-key a once-per-customer code's use from the customer to the anonymous id (the restaurant keeps the
        count of uses); nothing when there is none."""
        old = self.client.delete_item(
            TableName=self._table,
            Key=serialize(keys.discount_use(restaurant_id, code, customer_id)),
            ReturnValues="ALL_OLD",
        ).get("Attributes")
        if not old:
            return
        item = {**deserialize(old), **keys.discount_use(restaurant_id, code, anonymous_id)}
        self.client.put_item(TableName=self._table, Item=serialize(item))

    def remove_staff_membership(self, restaurant_id: str, user_id: str) -> None:
        self.client.delete_item(TableName=self._table, Key=serialize(keys.staff_membership(restaurant_id, user_id)))

    def delete_counters(self, buckets: list[str]) -> None:
        counters = CounterRepository(self._table, self._client)
        for bucket in buckets:
            counters.delete_bucket(bucket)
