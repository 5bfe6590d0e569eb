"""``python -m bench [--quick] [--only P1,P3]``: measure Waiter against its performance budgets (P1-P6, see
docs/performance.md), write reports/bench.md and reports/bench.json, and exit 1 when a budget is missed or a part
could not measure (2 for a usage error)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench.config import REPORTS, RunSize
from bench.results import PartResult

PARTS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8")
TITLES = {
    "P1": "Cold start",
    "P2": "Warm overhead per request",
    "P3": "DynamoDB work per operation",
    "P4": "Footprint",
    "P5": "Cost",
    "P6": "Local gateway",
    "P7": "SOAP facade",
    "P8": "Local event latency",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller table: a smoke run")
    parser.add_argument("--only", default="", help="comma-separated parts to run, e.g. P1,P3 (default: all)")
    parser.add_argument("--out", type=Path, default=REPORTS, help="where bench.md and bench.json go (%(default)s)")
    parser.add_argument(
        "--table-sizes",
        default="",
        metavar="SMALL,LARGE",
        help="P3's two table sizes instead of the mode's (1000,100000; quick: 1000,10000), e.g. for a smoke test",
    )
    args = parser.parse_args(argv)
    selected = [p.strip().upper() for p in args.only.split(",") if p.strip()] or list(PARTS)
    unknown = [p for p in selected if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    size = RunSize.smoke() if args.quick else RunSize.full()
    if args.table_sizes:
        try:
            small, large = (int(n) for n in args.table_sizes.split(","))
        except ValueError:
            parser.error("--table-sizes takes two numbers: SMALL,LARGE")
        size = dataclasses.replace(size, table_sizes=(small, large))
    mode = "quick" if args.quick else "full"

    info = report.machine()
    started = time.perf_counter()
    log(f"bench ({mode}): {', '.join(selected)}")
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as scratch:
        results = _run(selected, size, Path(scratch))
    md_path, json_path = report.write(results, info, mode, args.out)
    failed = [r for r in results if not r.passed]
    log(f"done in {time.perf_counter() - started:.0f} s: {md_path} and {json_path}")
    for line in report.summary_rows(results):
        log("  " + " | ".join(str(cell) for cell in line))
    if failed:
        log(f"budgets missed or not measured: {', '.join(r.part for r in failed)}")
        return 1
    return 0


def _run(selected: list[str], size: RunSize, scratch: Path) -> list[PartResult]:
    from bench import cold_start, cost, dynamo_work, footprint, gateway, warm  # noqa: PLC0415 - moto, SAM, httpx
    from bench.probe import Fixture, write_fixtures  # noqa: PLC0415

    results: list[PartResult] = []
    needs_recording = any(p in selected for p in ("P1", "P2", "P4", "P5", "P7"))
    fixtures: dict[str, Fixture] = {}
    if needs_recording:
        log("recording the route tour on moto (the responses children replay)")
        fixtures = write_fixtures(dynamo_work.recording(), scratch)

    def timed(part: str, run: Callable[[], PartResult]) -> PartResult:
        log(f"{part}: {TITLES[part]}")
        started = time.perf_counter()
        try:
            result = run()
        except Exception as error:  # a part that crashes is reported as failed; the rest still runs
            result = PartResult(part, TITLES[part], errors=[f"{type(error).__name__}: {error}"])
        result.seconds = time.perf_counter() - started
        results.append(result)
        return result

    p1: PartResult | None = None
    if "P1" in selected:
        p1 = timed("P1", lambda: cold_start.measure(size, fixtures, log))
    if "P2" in selected:
        timed("P2", lambda: warm.measure(size, fixtures, log))
    if "P3" in selected:
        timed("P3", lambda: dynamo_work.measure(size))
    functions_p1 = (p1.data.get("functions") or {}) if p1 else {}
    if "P4" in selected:
        rss = {k: (v["rss_init_mb"], v["rss_first_mb"]) for k, v in functions_p1.items()} or None
        timed("P4", lambda: footprint.measure(fixtures, rss, log))
    if "P5" in selected:
        cold = {k: (v["init_ms"] + v["client_ms"]) / 1000 for k, v in functions_p1.items()} or None
        timed("P5", lambda: cost.measure(size, fixtures, dynamo_work.recording(), cold, log))
    if "P6" in selected:
        timed("P6", lambda: gateway.measure(size, log))
    if "P7" in selected:
        from bench import soap  # noqa: PLC0415

        timed("P7", lambda: soap.measure(size, fixtures, log))
    if "P8" in selected:
        from bench import event_latency  # noqa: PLC0415

        timed("P8", lambda: event_latency.measure(size, log))
    return results


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: T201


if __name__ == "__main__":
    raise SystemExit(main())
