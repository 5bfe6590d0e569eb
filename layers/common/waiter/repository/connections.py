"""WebSocket connections and their subscriptions in the single table (docs/data-model.md).

A connection is an item in its own partition (``WSCONN#<id>``) with a count of its subscriptions; each subscription
sits beside it (``SUB#<topic>``) and in GSI1 under its feed (``FEED#<feed>``), so ``$disconnect`` removes the whole
partition with one Query and the notifier finds a feed's subscribers with one Query: never a Scan. Every item expires
(TTL) two hours after the connection opened, when API Gateway has closed it anyway, so a missed ``$disconnect``
leaves nothing behind for long.
"""

from __future__ import annotations

import time
from typing import Any

from waiter.errors import Conflict, NotFound
from waiter.identity import Principal, Role
from waiter.realtime.subscriptions import Connection, Subscription
from waiter.repository import keys
from waiter.repository.dynamo import TableRepository, deserialize, is_condition_failure, serialize

_BATCH = 25  # BatchWriteItem's limit


def _caller_item(caller: Principal) -> dict[str, Any]:
    # Only what authorization needs: no e-mail address is stored for a connection.
    return {
        "userId": caller.user_id,
        "roles": sorted(r.value for r in caller.roles),
        "restaurants": sorted(caller.restaurants),
    }


def _caller(item: dict[str, Any]) -> Principal:
    return Principal(
        user_id=item.get("userId"),
        roles=frozenset(Role(r) for r in item.get("roles", [])),
        restaurants=frozenset(item.get("restaurants", [])),
    )


class ConnectionRepository(TableRepository):
    def save_connection(self, connection: Connection) -> None:
        item = {
            **keys.live_connection(connection.id),
            "entity": "connection",
            "connectedAt": connection.connected_at.isoformat(),
            "subscriptions": 0,
            "caller": _caller_item(connection.caller),
            "expiresAt": connection.expires_at,
        }
        self.client.put_item(TableName=self._table, Item=serialize(item))

    def delete_connection(self, connection_id: str) -> None:
        """Remove the connection and every subscription of it (idempotent: a second call finds nothing)."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": serialize({":pk": keys.live_connection_partition(connection_id)}),
            "ProjectionExpression": "PK, SK",
        }
        while True:
            page = self.client.query(**params)
            found.extend(page.get("Items", []))
            if not page.get("LastEvaluatedKey"):
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        for start in range(0, len(found), _BATCH):
            requests: Any = {self._table: [{"DeleteRequest": {"Key": key}} for key in found[start : start + _BATCH]]}
            while requests:
                answer = self.client.batch_write_item(RequestItems=requests)
                requests = answer.get("UnprocessedItems") or None

    def subscribe(self, connection: Connection, topic: str, feed: str, *, cap: int) -> None:
        """Add a subscription, counted against ``cap``; subscribing again to the same topic changes nothing.
        ``NotFound`` when the connection is gone, ``Conflict`` when it already holds ``cap`` subscriptions."""
        item = {
            **keys.live_subscription(connection.id, topic),
            "GSI1PK": keys.live_feed(feed),
            "GSI1SK": f"{connection.id}#{topic}",
            "entity": "subscription",
            "topic": topic,
            "connectionId": connection.id,
            "caller": _caller_item(connection.caller),
            "expiresAt": connection.expires_at,
        }
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": serialize(item),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": serialize(keys.live_connection(connection.id)),
                            "UpdateExpression": "ADD subscriptions :one",
                            "ConditionExpression": "attribute_exists(PK) AND subscriptions < :cap",
                            "ExpressionAttributeValues": serialize({":one": 1, ":cap": cap}),
                        }
                    },
                ]
            )
        except Exception as error:
            if not is_condition_failure(error):
                raise
            reasons = getattr(error, "response", {}).get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return  # already subscribed to this topic
            if self._connection_exists(connection.id):
                raise Conflict(f"a connection holds at most {cap} subscriptions: unsubscribe from one first") from None
            raise NotFound("this connection is closed") from None

    def unsubscribe(self, connection_id: str, topic: str) -> None:
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": serialize(keys.live_subscription(connection_id, topic)),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": serialize(keys.live_connection(connection_id)),
                            "UpdateExpression": "ADD subscriptions :minus",
                            "ConditionExpression": "attribute_exists(PK)",
                            "ExpressionAttributeValues": serialize({":minus": -1}),
                        }
                    },
                ]
            )
        except Exception as error:
            if not is_condition_failure(error):
                raise
            # not subscribed (or the connection is gone): nothing to undo

    def subscribers(self, feed: str) -> list[Subscription]:
        """Every live subscription to ``feed``: one Query on GSI1 (paged through; a feed has few subscribers). TTL
        deletes expired items within days, not at once, so the Query leaves out those already past ``expiresAt``."""
        found: list[Subscription] = []
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": "expiresAt > :now",
            "ExpressionAttributeValues": serialize({":pk": keys.live_feed(feed), ":now": int(time.time())}),
        }
        while True:
            page = self.client.query(**params)
            for raw in page.get("Items", []):
                item = deserialize(raw)
                found.append(
                    Subscription(
                        connection_id=str(item["connectionId"]),
                        topic=str(item["topic"]),
                        feed=feed,
                        caller=_caller(item.get("caller", {})),
                    )
                )
            if not page.get("LastEvaluatedKey"):
                return found
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _connection_exists(self, connection_id: str) -> bool:
        answer = self.client.get_item(
            TableName=self._table, Key=serialize(keys.live_connection(connection_id)), ProjectionExpression="PK"
        )
        return "Item" in answer
