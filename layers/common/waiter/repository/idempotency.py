"""Checkout's idempotency records in the single table, written by the checkout transaction itself.

A record says "this Idempotency-Key placed this order": ``PK = IDEMPOTENCY#checkout#<function>#<hash>``,
``SK = RECORD``, the order's id, the hash of the request body and ``expiresAt`` (24 hours; also the table's TTL
attribute). Checkout reads the record first, together with the cart (one strongly consistent BatchGetItem,
``OrderingRepository.get_cart_with``): a live record with the same body hash is a replay (the order is read back
and answered as it is now), another hash is a 422. When there is none, the order is placed and the record is one
more ``Put`` of the same ``TransactWriteItems``, conditioned on the key being free (absent or expired): the key is
taken if and only if its order is placed, with no separate in-progress and completed writes.

Why not Powertools' idempotency utility (which kept these records before): it brackets the operation with writes
of its own (an in-progress PutItem before, a completing UpdateItem after) and can not add its record to a
transaction the operation runs; it cannot join the order's ``TransactWriteItems``. Those two writes and round
trips were a fifth of checkout's DynamoDB bill and its slowest part (docs/performance.md). What it guaranteed is
kept:

- a replay (same key, same body) answers the order the first request placed, and does not count against the rate
  limit (the record is read before it);
- the same key with a different body is a 422;
- a key whose first request is still running is a 409 with ``Retry-After: 1`` when it can be seen: DynamoDB
  cancelling the transaction for a conflict on the record (another transaction writing it right then), or a
  Powertools in-progress record left by the previous code during a deploy. Without an in-progress marker, a
  duplicate that arrives while the first is running otherwise runs alongside it; the record's condition (and the
  cart's version) lets one transaction win, and the other then finds the winner's record and replays its order -
  never a second order, and the answer the 409's retry would have got;
- a record is kept 24 hours: after that the key is free again (TTL deletes it within days; the condition and the
  read treat an expired record as absent).

The key layout and the hashes are Powertools' own (MD5 of the JSON of the key and of the body, sorted keys;
attribute names ``expiresAt``, ``idempotencyStatus``, ``payloadHash``, ``response``), so records written by either
version are understood by the other across a deploy. Each key holds the Lambda function's name, so a protocol
adapter that checks out from another function keeps its own records; each record is its own partition
(docs/capacity.md: one shared partition key was the first thing to break at the modelled peak).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from waiter.errors import StillProcessing, UnprocessableContent
from waiter.repository.dynamo import TableRepository, deserialize, serialize

KEPT_SECONDS = 24 * 3600
RECORD_SK = "RECORD"
COMPLETED = "COMPLETED"
_IN_PROGRESS = "INPROGRESS"  # only ever written by the previous code (Powertools' utility)


def record_key(idempotency_key: str) -> dict[str, str]:
    """The table key of the record kept for ``idempotency_key`` (its ``<prefix>#<hash>`` string).

    >>> record_key("IDEMPOTENCY#fn#0a1b")
    {'PK': 'IDEMPOTENCY#fn#0a1b', 'SK': 'RECORD'}
    """
    return {"PK": idempotency_key, "SK": RECORD_SK}


def _digest(data: Any) -> str:
    """Powertools' hash of a key or body: MD5 of its JSON with sorted keys (not a security measure: a name)."""
    return hashlib.md5(json.dumps(data, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


@lru_cache(maxsize=64)
def _key_digest(key: str) -> str:
    """``_digest`` of a key string, remembered: a checkout names its record twice (the read, then the transaction's
    write), and a hash of the same string is the same hash."""
    return _digest(key)


class CheckoutIdempotency(TableRepository):
    def __init__(
        self, table_name: str, scope: str = "IDEMPOTENCY#checkout", clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(table_name)
        self._scope = scope
        self._clock = clock

    @property
    def key_prefix(self) -> str:
        """What comes before each key's hash: the scope and the Lambda function's name."""
        return f"{self._scope}#{os.environ.get('AWS_LAMBDA_FUNCTION_NAME', '')}"

    def _record_id(self, key: str) -> str:
        return f"{self.key_prefix}#{_key_digest(key)}"

    def record_key(self, key: str) -> dict[str, str]:
        """The table key of ``key``'s record: checkout reads it together with the cart
        (``OrderingRepository.get_cart_with``), then asks ``replayed`` what it says."""
        return record_key(self._record_id(key))

    def placed(self, key: str, payload: dict[str, Any]) -> str | None:
        """The id of the order ``key`` placed (a replay), or None when the key is free, read now (strongly
        consistent). A different ``payload`` under the key is a 422; a key still held by an in-progress record
        (written before this code) is a 409."""
        raw = self.client.get_item(TableName=self._table, Key=serialize(self.record_key(key)), ConsistentRead=True)
        return self.replayed(deserialize(raw["Item"]) if raw.get("Item") else None, payload)

    def replayed(self, record: Mapping[str, Any] | None, payload: dict[str, Any]) -> str | None:
        """What ``record`` (a key's record as read, or None when there is none) says of a request with ``payload``:
        the id of the order it placed, or None when the key is free; a 422 or a 409 as ``placed`` says."""
        if not record:
            return None
        now = self._clock()
        if float(record.get("expiresAt", 0)) <= now:
            return None  # expired: TTL has not deleted it yet
        if record.get("idempotencyStatus") == _IN_PROGRESS:
            # Powertools' marker from a request still running when this code was deployed (or one that crashed:
            # it stops counting with that invocation's time)
            if float(record.get("inProgressExpiresAt", 0)) / 1000 > now:
                raise StillProcessing
            return None
        if record.get("payloadHash") != _digest(payload):
            raise UnprocessableContent("this Idempotency-Key was already used with a different request; use a new key")
        if "orderId" in record:
            return str(record["orderId"])
        return str(json.loads(str(record.get("response", "{}")))["orderId"])  # a record Powertools wrote

    def record_put(self, key: str, payload: dict[str, Any], order_id: str) -> dict[str, Any]:
        """The transaction's write taking ``key`` for ``order_id``: refused (a ConditionCheckFailed on this item) when
        a live record holds the key."""
        now = self._clock()
        item = {
            **record_key(self._record_id(key)),
            "entity": "idempotency",
            "idempotencyStatus": COMPLETED,
            "payloadHash": _digest(payload),
            "orderId": order_id,
            "response": json.dumps({"orderId": order_id}, sort_keys=True),  # what Powertools' replay reads
            "expiresAt": int(now) + KEPT_SECONDS,
        }
        return {
            "Put": {
                "TableName": self._table,
                "Item": serialize(item),
                # free: no record, an expired one, or an in-progress marker of the previous code past its time
                "ConditionExpression": (
                    "attribute_not_exists(PK) OR expiresAt <= :now"
                    " OR (idempotencyStatus = :running AND inProgressExpiresAt < :now_ms)"
                ),
                "ExpressionAttributeValues": serialize(
                    {":now": int(now), ":running": _IN_PROGRESS, ":now_ms": int(now * 1000)}
                ),
            }
        }
