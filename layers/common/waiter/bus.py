"""The event bus (Amazon EventBridge): the only code that puts Waiter's domain events on it.

``publish`` sends events in ``PutEvents`` calls of at most ten entries (the API's limit), retries the entries
EventBridge reports failed (throttling, internal errors) with a short backoff, and returns the events that still
failed, so the caller reports them instead of dropping them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from waiter.events.models import SOURCE, DomainEvent

MAX_ENTRIES = 10  # PutEvents takes at most ten entries per call
ATTEMPTS = 3


@cache
def events_client() -> Any:
    from waiter.aws import client  # noqa: PLC0415 - deferred: importing a handler costs no AWS set-up

    return client("events")


@dataclass
class EventBus:
    """The bus named ``name``; ``client`` is EventBridge's (the shared one unless given)."""

    name: str
    client: Any = None
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def publish(self, events: Sequence[DomainEvent]) -> list[DomainEvent]:
        """Put ``events`` on the bus; the ones EventBridge still refused after retries (empty: all delivered).

        >>> class Refusing:
        ...     def put_events(self, Entries):
        ...         return {"FailedEntryCount": len(Entries), "Entries": [{"ErrorCode": "Throttled"}] * len(Entries)}
        >>> from datetime import UTC, datetime
        >>> from waiter.events.models import RestaurantChanged
        >>> e = RestaurantChanged(event_id="e", occurred_at=datetime(2026, 1, 1, tzinfo=UTC), restaurant_id="r",
        ...     version=2, active=True, changed_fields=["name"])
        >>> EventBus("b", Refusing(), sleep=lambda s: None).publish([e]) == [e]
        True
        """
        failed: list[DomainEvent] = []
        for start in range(0, len(events), MAX_ENTRIES):
            failed += self._put(list(events[start : start + MAX_ENTRIES]))
        return failed

    def _put(self, batch: list[DomainEvent]) -> list[DomainEvent]:
        client = self.client or events_client()
        for attempt in range(ATTEMPTS):
            answer = client.put_events(Entries=[self._entry(e) for e in batch])
            if not answer.get("FailedEntryCount"):
                return []
            # entries come back in the order sent; a failed one has an ErrorCode instead of an EventId
            batch = [e for e, r in zip(batch, answer["Entries"], strict=True) if r.get("ErrorCode")]
            if attempt + 1 < ATTEMPTS:
                self.sleep(0.05 * 2**attempt)
        return batch

    def _entry(self, event: DomainEvent) -> dict[str, Any]:
        return {
            "EventBusName": self.name,
            "Source": SOURCE,
            "DetailType": event.detail_type(),
            "Detail": json.dumps(event.detail(), separators=(",", ":")),
            "Time": event.occurred_at,
        }
