"""What every local event source shares: invoking a function from a background thread through the gateway's
runtime (so the same module namespaces, environment gate and timeouts apply as for HTTP requests) and the one log
line per delivery: ``<source> -> <function>: <n> records, <k> failures, <ms> ms``.

Deliveries run on threads of their own, never on the HTTP server's event loop, so a slow consumer never holds up a
request. They still take their turn with requests in the runtime (one handler at a time, see
``local.gateway.runtime``): a request waits at most for the one handler running, never for a delivery's retries.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.gateway.functions import LambdaFunction
    from local.gateway.runtime import Outcome, Runtime

log = logging.getLogger("local.gateway")


@dataclass(frozen=True)
class Delivered:
    """A batch delivered to a function: the identifiers the function reported failed (every one when it raised
    or timed out: Lambda retries the whole batch then), and what it returned."""

    failed: frozenset[str]
    outcome: Outcome

    @property
    def ok(self) -> bool:
        from local.gateway.runtime import Returned

        return isinstance(self.outcome, Returned)


def deliver(
    runtime: Runtime, function: LambdaFunction, source: str, event: dict[str, Any], ids: list[str], *, partial: bool
) -> Delivered:
    """Invoke ``function`` with ``event`` (a batch whose item identifiers are ``ids``) and log the delivery.

    With ``partial`` (``ReportBatchItemFailures``) a returned ``batchItemFailures`` names the failed items; a
    malformed answer fails the whole batch, as on Lambda."""
    from local.gateway.runtime import Raised, Returned, TimedOut

    started = time.perf_counter()
    outcome = asyncio.run(runtime.invoke(function, event))
    failed = frozenset(ids)
    match outcome:
        case Returned(value):
            failed = _reported(value, ids) if partial else frozenset()
        case Raised(error, trace):
            log.error("%s failed on a %s batch: %r\n%s", function.name, source, error, trace.rstrip())
        case TimedOut():
            pass
    log.info(
        "%s -> %s: %d records, %d failures, %.1f ms",
        source, function.name, len(ids), len(failed), (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return Delivered(failed, outcome)


def _reported(value: Any, ids: list[str]) -> frozenset[str]:
    failures = value.get("batchItemFailures") if isinstance(value, dict) else None
    if failures is None:
        return frozenset()
    try:
        reported = {str(f["itemIdentifier"]) for f in failures}
    except (TypeError, KeyError):
        return frozenset(ids)
    return frozenset(reported) if reported <= set(ids) else frozenset(ids)  # unknown ids: the batch failed


@dataclass
class Worker:
    """A background thread running ``step`` until stopped; ``step`` returns how long to wait before the next."""

    name: str
    step: Callable[[], float]
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout_s: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pause = self.step()
            except Exception:  # a broken poll must not end the source: log it and poll again
                log.exception("%s: polling failed", self.name)
                pause = 1.0
            self._stop.wait(pause)
