"""The table's stream locally: read from moto with shard iterators and delivered to each ``DynamoDB`` event source
of a function as Lambda's event source mapping delivers it, from the template's settings:

- ``StartingPosition`` (``LATEST``: what was written once the gateway is up, not the demo data), ``FilterCriteria``
  (records no filter matches are dropped, as Lambda drops them; EventBridge pattern syntax, matched with moto's
  own matcher), ``BatchSize`` and ``MaximumBatchingWindowInSeconds``;
- a function error retries the batch, halving it first with ``BisectBatchOnFunctionError``, up to
  ``MaximumRetryAttempts``; with ``ReportBatchItemFailures`` a partial failure retries from the earliest record
  reported; a batch that runs out of retries is described on the ``DestinationConfig.OnFailure`` queue (Lambda's
  ``DDBStreamBatchInfo``) and skipped, so the stream moves on.

Records are handed out in order: one batch at a time per source, like one shard's mapping.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from local.gateway.delivery import Worker, deliver
from local.gateway.queues import queue_url

if TYPE_CHECKING:
    from local.gateway.functions import LambdaFunction
    from local.gateway.resources import Stack
    from local.gateway.runtime import Runtime
    from local.template import EventSource

POLL_S = 0.1  # Lambda polls a shard about four times a second; a little faster keeps local latency low
RETRY_PAUSE_S = 0.2
_READ_LIMIT = 1000  # GetRecords' own maximum


@dataclass
class _Piece:
    records: list[dict[str, Any]]
    attempts: int = 0


class StreamSource:
    """One ``DynamoDB`` event of a function, polled from a background thread."""

    def __init__(self, source: EventSource, stack: Stack, runtime: Runtime, function: LambdaFunction) -> None:
        from moto.events.models import EventPattern

        self.source = source
        self.function = function
        self._runtime = runtime
        self._client = stack.client("dynamodbstreams")
        self._sqs = stack.client("sqs")
        self.stream_arn = str(stack.resolver.resolve(source.setting("Stream")))
        self.batch_size = int(source.setting("BatchSize", 100))
        self.window_s = float(source.setting("MaximumBatchingWindowInSeconds", 0))
        self.bisect = bool(source.setting("BisectBatchOnFunctionError", False))
        self.max_retries = int(source.setting("MaximumRetryAttempts", -1))
        self.partial = "ReportBatchItemFailures" in (source.setting("FunctionResponseTypes") or [])
        filters = (source.setting("FilterCriteria") or {}).get("Filters") or []
        self._patterns = [EventPattern.load(str(f["Pattern"])) for f in filters]
        on_failure = ((source.setting("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self._failure_queue = queue_url(stack, str(stack.resolver.resolve(on_failure))) if on_failure else None
        self._shard = self._client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        self._next = self._start(str(source.setting("StartingPosition", "LATEST")))
        self._pending_since: float | None = None
        self.worker = Worker(f"stream:{source.function}", self.poll)

    @property
    def label(self) -> str:
        return "dynamodb stream"

    def _start(self, position: str) -> int:
        first = int(self._shard["SequenceNumberRange"]["StartingSequenceNumber"])
        if position == "TRIM_HORIZON":
            return first
        position_now = first
        while records := self._read(position_now):
            position_now = int(records[-1]["dynamodb"]["SequenceNumber"]) + 1
        return position_now

    def _read(self, at: int) -> list[dict[str, Any]]:
        """Records from sequence number ``at`` on. A fresh iterator each time: after a rolled-back transaction
        moto's table holds a restored copy of the shard, which an old iterator would not see."""
        iterator = self._client.get_shard_iterator(
            StreamArn=self.stream_arn,
            ShardId=self._shard["ShardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=str(at),
        )["ShardIterator"]
        return list(self._client.get_records(ShardIterator=iterator, Limit=_READ_LIMIT)["Records"])

    def poll(self) -> float:
        records = self._read(self._next)
        if not records:
            return POLL_S
        batch: list[dict[str, Any]] = []
        upto = self._next
        for raw in records:
            if len(batch) == self.batch_size:
                break
            upto = int(raw["dynamodb"]["SequenceNumber"]) + 1
            record = self._as_lambda_record(raw)
            if self._matches(record):
                batch.append(record)
        if batch and len(batch) < self.batch_size and self.window_s:
            self._pending_since = self._pending_since or time.monotonic()
            if time.monotonic() - self._pending_since < self.window_s:
                return POLL_S  # the batching window is still open: more may come
        self._pending_since = None
        if batch:
            self._process(batch)
        self._next = upto
        return 0.0 if len(records) > len(batch) else POLL_S

    def _as_lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as Lambda hands it over: the creation time as epoch seconds (botocore parsed it into a
        datetime) and the stream's ARN (moto's records lack it)."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": change, "eventSourceARN": self.stream_arn}

    def _matches(self, record: dict[str, Any]) -> bool:
        # moto types its matcher's argument as an EventBridge entry; it matches any JSON-like mapping
        return not self._patterns or any(p.matches_event(record) for p in self._patterns)  # type: ignore[arg-type]

    def _process(self, batch: list[dict[str, Any]]) -> None:
        """Deliver ``batch`` until it succeeds or runs out of retries (bisecting on errors when configured)."""
        pieces = [_Piece(batch)]
        while pieces and not self.worker.stopping:
            piece = pieces.pop(0)
            ids = [str(r["dynamodb"]["SequenceNumber"]) for r in piece.records]
            event = {"Records": piece.records}
            delivered = deliver(self._runtime, self.function, self.label, event, ids, partial=self.partial)
            if not delivered.failed:
                continue
            if delivered.ok:  # reported failures: retry from the earliest one, as Lambda checkpoints there
                first = min(ids.index(i) for i in delivered.failed)
                retry = [_Piece(piece.records[first:], piece.attempts + 1)]
            elif self.bisect and len(piece.records) > 1:
                half = len(piece.records) // 2
                retry = [_Piece(piece.records[:half], piece.attempts), _Piece(piece.records[half:], piece.attempts)]
            else:
                retry = [_Piece(piece.records, piece.attempts + 1)]
            for again in reversed(retry):
                if 0 <= self.max_retries < again.attempts:
                    self._give_up(again)
                else:
                    pieces.insert(0, again)
            time.sleep(RETRY_PAUSE_S)

    def _give_up(self, piece: _Piece) -> None:
        """Describe the batch on the on-failure queue (what Lambda sends: where it is in the stream, not the
        records) and move on."""
        first, last = piece.records[0]["dynamodb"], piece.records[-1]["dynamodb"]
        info = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function.arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": piece.attempts,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": self._shard["ShardId"],
                "startSequenceNumber": str(first["SequenceNumber"]),
                "endSequenceNumber": str(last["SequenceNumber"]),
                "approximateArrivalOfFirstRecord": str(first.get("ApproximateCreationDateTime", "")),
                "approximateArrivalOfLastRecord": str(last.get("ApproximateCreationDateTime", "")),
                "batchSize": len(piece.records),
                "streamArn": self.stream_arn,
            },
        }
        if self._failure_queue:
            self._sqs.send_message(QueueUrl=self._failure_queue, MessageBody=json.dumps(info))
