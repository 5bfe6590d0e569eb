"""Every event source of the template running beside the REST API: the table's stream (``streams``), the queues
(``queues``) and the schedules (``schedules``), one background worker each, all built from the template's event
definitions (``local.template.event_sources``). The bus and its rules need no worker: moto delivers to the rules'
queues (``bus``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from local import template as tpl
from local.gateway.queues import QueueSource
from local.gateway.schedules import ScheduleSource
from local.gateway.streams import StreamSource

if TYPE_CHECKING:
    from local.gateway.boot import Local

log = logging.getLogger("local.gateway")

Source = StreamSource | QueueSource | ScheduleSource
_KINDS: dict[str, type[StreamSource] | type[QueueSource] | type[ScheduleSource]] = {
    "DynamoDB": StreamSource,
    "SQS": QueueSource,
    "ScheduleV2": ScheduleSource,
    "Schedule": ScheduleSource,
}


@dataclass
class EventSources:
    sources: list[Source] = field(default_factory=list)

    @classmethod
    def start(cls, local: Local) -> EventSources:
        """Build a worker for each event source of the local stack's template and start them all."""
        started = cls()
        for source in tpl.event_sources(local.stack.template):
            kind = _KINDS[source.kind]
            started.sources.append(kind(source, local.stack, local.runtime, local.functions[source.function]))
        for running in started.sources:
            running.worker.start()
        return started

    def stop(self) -> None:
        for source in self.sources:
            source.worker.stop()
        for source in self.sources:
            source.worker.join(5)

    def banner_lines(self) -> list[str]:
        return [f"  {s.label:<34} -> {s.function.name}" for s in self.sources]
