"""P6 - the local gateway (``make dev``): the latency it adds over a direct handler call, and the requests per second
it serves to a bounded load on loopback.

Latency runs in a child process (``bench.gateway_child``): gateway in-process, direct call and HTTP request
alternating, so both see the same machine. The added latency is taken per request (the round trip less the
handler's own call inside it, which the runtime reports), not as a difference of two medians of separate handler
calls: those vary by more than the gateway adds. Load runs against ``python -m local.gateway --port 0`` (``spawn``, as a
developer runs it, hot reload on) from this process: N requests from C concurrent keep-alive clients, stopped at
the time cap whatever the count.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.config import BUDGETS, ROOT, RunSize
from bench.results import Check, PartResult, fmt, percentile


def measure(size: RunSize, progress: Callable[[str], None]) -> PartResult:
    result = PartResult("P6", "Local gateway")
    progress("P6: added latency")
    latency = _latency(size.gateway_latency_requests, result)
    progress("P6: added latency, hot reload off")
    without_reload = _latency(size.gateway_latency_requests, result, reload=False)
    progress("P6: load")
    load = _load(size, result)
    if latency:
        direct_ms = [s * 1000 for s in latency["direct_s"]]
        gateway_ms = [s * 1000 for s in latency["gateway_s"]]
        handler_ms = [s * 1000 for s in latency["handler_s"]]
        floor_ms = [s * 1000 for s in latency.get("floor_s") or []]
        added_ms = _added(latency)
        added = percentile(added_ms, 0.5)
        added_p95 = percentile(added_ms, 0.95)
        floor_p50 = percentile(floor_ms, 0.5)
        ratio = added / floor_p50 if floor_ms and floor_p50 > 0 else float("nan")
        result.checks.append(
            Check(
                "P6",
                "p50 added by the gateway / floor round trip p50",
                ratio,
                BUDGETS.gateway_added_ratio,
                "x",
                note=f"added p50 {fmt(added, 2)} ms, floor p50 {fmt(floor_p50, 2)} ms",
            )
        )
        result.data["latency"] = {
            "floor_p50_ms": floor_p50,
            "floor_p95_ms": percentile(floor_ms, 0.95),
            "added_p95_ms": added_p95,
            "added_over_floor_p50": ratio,
            "added_over_floor_p95": added_p95 / percentile(floor_ms, 0.95) if floor_ms else float("nan"),
            "requests": len(direct_ms),
            "route": f"GET {latency['path']}",
            "direct_p50_ms": percentile(direct_ms, 0.5),
            "direct_p99_ms": percentile(direct_ms, 0.99),
            "handler_in_gateway_p50_ms": percentile(handler_ms, 0.5),
            "gateway_p50_ms": percentile(gateway_ms, 0.5),
            "gateway_p99_ms": percentile(gateway_ms, 0.99),
            "added_p50_ms": added,
            # as P6 measured it before: the difference of the two medians (noisy, see _added)
            "difference_of_medians_ms": percentile(gateway_ms, 0.5) - percentile(direct_ms, 0.5),
        }
    if without_reload:
        direct_ms = [s * 1000 for s in without_reload["direct_s"]]
        gateway_ms = [s * 1000 for s in without_reload["gateway_s"]]
        result.data["latency_without_hot_reload"] = {
            "direct_p50_ms": percentile(direct_ms, 0.5),
            "gateway_p50_ms": percentile(gateway_ms, 0.5),
            "added_p50_ms": percentile(_added(without_reload), 0.5),
        }
        quiet_floor = [s * 1000 for s in without_reload.get("floor_s") or []]
        if quiet_floor:
            result.data["latency_without_hot_reload"]["added_over_floor_p50"] = result.data[
                "latency_without_hot_reload"
            ]["added_p50_ms"] / percentile(quiet_floor, 0.5)
    if load:
        result.data["load"] = load
    result.markdown = _markdown(result)
    return result


def _added(latency: dict[str, Any]) -> list[float]:
    """Milliseconds each gateway request spent outside its handler: the round trip less the handler's own call
    (timed inside the gateway around ``handler(event, context)``, as the direct call is timed). Taken per request
    because the handler's time varies by milliseconds between calls (it talks to moto over HTTP), so the difference
    of the gateway's and the direct call's medians swings by more than the gateway adds."""
    return [(g - h) * 1000 for g, h in zip(latency["gateway_s"], latency["handler_s"], strict=True)]


def _clean_env() -> dict[str, str]:
    """This environment without AWS settings: the local gateway sets its own (moto's endpoint, dummy keys)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}


def _latency(requests: int, result: PartResult, *, reload: bool = True) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as scratch:
        output = Path(scratch) / "latency.json"
        done = subprocess.run(  # noqa: S603 - our interpreter and module
            [
                sys.executable,
                "-m",
                "bench.gateway_child",
                str(requests),
                str(output),
                *([] if reload else ["no-reload"]),
            ],
            cwd=ROOT,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or not output.exists():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            result.errors.append(f"gateway latency probe failed ({done.returncode}):\n{tail}")
            return None
        found: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
        return found


def _load(size: RunSize, result: PartResult) -> dict[str, Any] | None:
    import httpx  # noqa: PLC0415

    from local.gateway import spawn  # noqa: PLC0415
    from local.seed import SAMPLE_RESTAURANT_ID  # noqa: PLC0415

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_clean_env())
    try:
        url, stop = spawn(port=0)
    except RuntimeError as error:
        result.errors.append(f"the local gateway did not start: {error}")
        return None
    finally:
        os.environ.clear()
        os.environ.update(saved)
    path = f"/v1/restaurants/{SAMPLE_RESTAURANT_ID}"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    issued = itertools.count()
    deadline = time.monotonic() + size.gateway_load_cap_s

    def client() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while next(issued) < size.gateway_load_requests and time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    status = http.get(path).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1

    try:
        with httpx.Client(base_url=url, timeout=30) as warm:
            for _ in range(20):
                warm.get(path)
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(size.gateway_load_clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        stop()
    done = len(latencies)
    return {
        "route": f"GET {path}",
        "requests": done,
        "clients": size.gateway_load_clients,
        "seconds": elapsed,
        "capped": done < size.gateway_load_requests,
        "requests_per_second": done / elapsed if elapsed else float("nan"),
        "p50_ms": percentile([s * 1000 for s in latencies], 0.5),
        "p99_ms": percentile([s * 1000 for s in latencies], 0.99),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _markdown(result: PartResult) -> str:
    lines = []
    latency = result.data.get("latency")
    if latency:
        lines.append(
            f"- added latency ({latency['route']}, {latency['requests']} alternating requests, one keep-alive"
            f" connection): direct handler call p50 {fmt(latency['direct_p50_ms'], 2)} ms, the same handler inside"
            f" the gateway p50 {fmt(latency['handler_in_gateway_p50_ms'], 2)} ms, the round trip through the gateway"
            f" p50 {fmt(latency['gateway_p50_ms'], 2)} ms; per request, round trip less its handler call:"
            f" **{fmt(latency['added_p50_ms'], 2)} ms added** p50, {fmt(latency['added_p95_ms'], 2)} ms p95"
            f" (difference of the medians, as measured before: {fmt(latency['difference_of_medians_ms'], 2)} ms);"
            f" p99 {fmt(latency['direct_p99_ms'], 2)} vs {fmt(latency['gateway_p99_ms'], 2)} ms (hot reload on, as"
            " `make dev` runs)"
        )
        lines.append(
            f"- floor (the same uvicorn/httptools stack answering a fixed small body, its own"
            " keep-alive connection, in turns with the gateway after each direct call): round trip p50"
            f" {fmt(latency['floor_p50_ms'], 2)} ms, p95 {fmt(latency['floor_p95_ms'], 2)} ms. Added / floor:"
            f" **{fmt(latency['added_over_floor_p50'], 2)}x** p50 (budget {BUDGETS.gateway_added_ratio:.1f}x),"
            f" {fmt(latency['added_over_floor_p95'], 2)}x p95"
        )
    quiet = result.data.get("latency_without_hot_reload")
    if quiet:
        lines.append(
            f"- the same with `--no-reload`: direct p50 {fmt(quiet['direct_p50_ms'], 2)} ms, gateway p50"
            f" {fmt(quiet['gateway_p50_ms'], 2)} ms: {fmt(quiet['added_p50_ms'], 2)} ms added (per request)"
        )
    load = result.data.get("load")
    if load:
        lines.append(
            f"- load ({load['route']}): {load['requests']:,} requests from {load['clients']} concurrent clients in"
            f" {load['seconds']:.1f} s{' (time cap reached)' if load['capped'] else ''}:"
            f" **{load['requests_per_second']:.0f} requests/s**, p50 {fmt(load['p50_ms'], 1)} ms, p99"
            f" {fmt(load['p99_ms'], 1)} ms; statuses {load['statuses']}. Every request runs the handler against the"
            " embedded moto server over HTTP, so this is the whole local stack, not the gateway alone."
        )
    return "\n".join(lines)
