"""Run the gateway as a subprocess (``python -m local.gateway --port 0``) and learn its URL from its banner: what
end-to-end tests use, so the handlers never share a process (module caches, os.environ, moto's backends) with
the tests that drive them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
READY = re.compile(r"listening on (http://\S+)")
BANNER_END = "Ctrl-C stops."


def spawn(
    port: int = 0,
    args: Sequence[str] = (),
    *,
    timeout_s: float = 60,
    env: dict[str, str] | None = None,
    banner: list[str] | None = None,
    log: list[str] | None = None,
) -> tuple[str, Callable[[], None]]:
    """Start ``python -m local.gateway`` on ``port`` (0: a free one); returns its base URL and a stop function.

    The subprocess's output is drained continuously (a full pipe would block it); its last lines are part of the
    error when it fails to start. ``banner``, when given, receives the banner's lines (demo accounts, the demo
    partner key); ``log`` every line the gateway prints, as it prints them (the password reset codes it logs).
    """
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local.gateway", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tail: deque[str] = deque(maxlen=40)
    ready = threading.Event()
    found: list[str] = []

    output = process.stdout
    if output is None:  # pragma: no cover - stdout=PIPE always gives one
        raise RuntimeError("no output pipe")

    def drain() -> None:
        in_banner = False
        for line in output:
            tail.append(line.rstrip())
            if log is not None:
                log.append(line.rstrip())
            if not found and (hit := READY.search(line)):
                found.append(hit.group(1))
                in_banner = True
            if in_banner and banner is not None:
                banner.append(line.rstrip())
            if in_banner and line.startswith(BANNER_END):
                in_banner = False
                ready.set()
        ready.set()  # the process ended

    threading.Thread(target=drain, name="local-gateway-output", daemon=True).start()
    if not ready.wait(timeout_s) or not found:
        _stop(process)
        raise RuntimeError("the local gateway did not start:\n" + "\n".join(tail))
    return found[0], lambda: _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, as a developer would stop it; killed if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
