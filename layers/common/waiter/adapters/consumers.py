"""Event-source adapters: what the REST toolkit (``rest.py``) is for API Gateway, this is for the table's stream
and the bus's SQS queues. Each entry point turns a Lambda batch into domain events, runs one callable per event,
logs one line per batch and answers with the partial batch response Lambda retries from (``ReportBatchItemFailures``
in template.yaml), so one bad record never fails or drops the others.

- ``stream_publisher(bus)``: DynamoDB stream records → domain events (``waiter.repository.stream``) → the bus.
- ``queue_consumer(name, handle)``: SQS messages holding EventBridge entries → ``handle(event)``, through
  Powertools' batch processor; ``message_consumer(name, handle)`` the same for other messages (``handle(body)``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from waiter.events.models import DomainEvent, parse_event
from waiter.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], Any]


class Publisher(Protocol):
    def publish(self, events: list[DomainEvent]) -> list[DomainEvent]: ...


def stream_publisher(bus: Callable[[], Publisher]) -> LambdaHandler:
    """The handler of the table's stream: every record's events are put on the bus (``bus()``, built on first use)
    in as few PutEvents calls as the batch allows.

    Written here rather than with Powertools' batch processor, which runs one record at a time: the records are
    converted first so their events go out ten to a PutEvents call. A record that does not convert (a poison
    record) or whose events the bus still refuses after its retries is reported by its sequence number; Lambda
    then retries from the earliest one reported (bisecting, then the on-failure queue), and consumers drop what
    they already had by ``eventId``.
    """

    # the invocation's context on every log line (function, request id), and nothing left over from the last one
    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:  # noqa: ARG001
        from waiter.repository.stream import events_from_record  # noqa: PLC0415 - first use: the layer's codecs

        started = time.perf_counter()
        records = event.get("Records") or []
        failed: list[str] = []
        owners: dict[str, str] = {}  # event id -> the sequence number of the record it came from
        events: list[DomainEvent] = []
        for record in records:
            sequence = str(record["dynamodb"]["SequenceNumber"])
            try:
                found = events_from_record(record)
            except ValueError as error:
                logger.error("stream record is not a valid item", sequence=sequence, error=str(error))
                failed.append(sequence)
                continue
            for domain_event in found:
                owners[domain_event.event_id] = sequence
            events += found
        refused = bus().publish(events) if events else []
        for domain_event in refused:
            logger.error("the bus refused an event", eventId=domain_event.event_id, type=domain_event.detail_type())
        failed += [owners[e.event_id] for e in refused if owners[e.event_id] not in failed]
        logger.info(
            "stream batch",
            records=len(records),
            events=len(events),
            failures=len(failed),
            durationMs=round((time.perf_counter() - started) * 1000, 1),
        )
        return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}

    return handler


def bus_event(body: str) -> DomainEvent:
    """The domain event in an SQS message body holding an EventBridge entry (the rule's target puts the whole
    entry: ``detail-type``, ``detail``, ...)."""
    entry = json.loads(body)
    return parse_event(str(entry["detail-type"]), dict(entry["detail"]))


def queue_consumer(name: str, handle: Callable[[DomainEvent], object]) -> LambdaHandler:
    """The handler of a consumer's SQS queue: each message's event goes to ``handle``; a message that fails
    (unparseable, or ``handle`` raised) is reported alone and comes back after the visibility timeout, until the
    queue's redrive policy moves it to the DLQ. What ``handle`` returns (when not None) goes on the batch's log line,
    under ``handled``: one line per batch, however many messages it held."""
    return message_consumer(name, lambda body: handle(bus_event(body)))


def message_consumer(name: str, handle: Callable[[str], object]) -> LambdaHandler:
    """Like ``queue_consumer``, for a queue whose messages are not bus entries: ``handle`` gets each message body
    (the payment webhook's queue holds the provider's verified event bodies)."""

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        from aws_lambda_powertools.utilities.batch import (  # noqa: PLC0415 - only queue consumers pay for it
            BatchProcessor,
            EventType,
            process_partial_response,
        )

        started = time.perf_counter()
        handled: list[object] = []  # what ``handle`` said it did, per message (None: nothing to say)

        def record_handler(record: SQSRecord) -> None:
            outcome = handle(record.body)
            if outcome is not None:
                handled.append(outcome)

        # a batch whose every message failed is answered like any other (each reported), not raised: Lambda
        # retries exactly the same messages either way, and the log line below still gets written
        processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
        logger.info(
            "queue batch",
            consumer=name,
            records=len(event.get("Records") or []),
            failures=len(response.get("batchItemFailures", [])),
            durationMs=round((time.perf_counter() - started) * 1000, 1),
            extra={"handled": handled} if handled else None,
        )
        return response

    return handler
