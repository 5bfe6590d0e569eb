"""P3 - DynamoDB work per operation: round trips and capacity units of every route, on a table of 1,000 and of
100,000 items (quick: 10,000). A route passes when it never scans and costs exactly the same at both sizes.

Round trips are counted by a ``after-call`` hook on the handlers' clients; ``ReturnConsumedCapacity=TOTAL`` is
injected by a ``before-parameter-build`` hook and moto's answer reported, but moto answers a constant per operation,
so the units that count are modelled from the items each call touched (``bench.capacity``).
"""

from __future__ import annotations

import time
from typing import Any

from bench import peak
from bench.config import RunSize
from bench.harness import RouteRun, TourRun, mocked_cloud, run_tour
from bench.results import Check, PartResult, fmt, table, verdict

_recording: TourRun | None = None


def recording() -> TourRun:
    """The tour on an empty table, recorded: what P1 (b), P2, P4 and P5 replay (run once per bench)."""
    global _recording  # noqa: PLW0603 - one recording per process, shared by the parts
    if _recording is None:
        with mocked_cloud() as cloud:
            _recording = run_tour(cloud)
    return _recording


def measure(size: RunSize) -> PartResult:
    result = PartResult("P3", "DynamoDB work per operation")
    template = recording()
    runs: dict[int, TourRun] = {}
    timings: dict[int, dict[str, float]] = {}
    for count in size.table_sizes:
        started = time.perf_counter()
        with mocked_cloud() as cloud:
            runs[count] = run_tour(cloud, seed_templates=template, seed_items=count)
        timings[count] = {"seconds": time.perf_counter() - started}
    small, large = size.table_sizes
    rows: list[list[object]] = []
    scans: list[str] = []
    growing: list[str] = []
    routes: list[dict[str, Any]] = []
    for route, first in runs[small].routes.items():
        second = runs[large].routes.get(route)
        if second is None:
            result.errors.append(f"{route} was not measured at {large:,} items")
            continue
        if "Scan" in first.operations() + second.operations():
            scans.append(route)
        same = _signature(first) == _signature(second)
        if not same:
            growing.append(route)
        others = [c.operation for c in first.calls if c.service != "dynamodb"]
        rows.append(
            [
                f"`{route}`",
                first.function.removesuffix("Function"),
                len(first.operations()),
                ", ".join(first.operations()) or "-",
                len(others),
                f"{fmt(first.read_units)} / {fmt(second.read_units)}",
                f"{fmt(first.write_units)} / {fmt(second.write_units)}",
                f"{fmt(first.moto_units)} / {fmt(second.moto_units)}",
                "yes" if same else "**no**",
            ]
        )
        routes.append(
            {
                "route": route,
                "function": first.function,
                "round_trips": len(first.operations()),
                "operations": first.operations(),
                "other_aws_calls": others,
                "read_units": {str(small): first.read_units, str(large): second.read_units},
                "write_units": {str(small): first.write_units, str(large): second.write_units},
                "moto_units": {str(small): first.moto_units, str(large): second.moto_units},
                "round_trips_large": len(second.operations()),
                "same_at_both_sizes": same,
            }
        )
    result.checks += [
        Check("P3", "Scans on any route", float(len(scans)), 0, "scans", note=", ".join(scans)),
        Check(
            "P3",
            f"routes whose work differs between {small:,} and {large:,} items",
            float(len(growing)),
            0,
            "routes",
            note=", ".join(growing),
        ),
    ]
    loads = peak.partition_loads(runs[large])
    hottest = loads[0] if loads else None
    if hottest is not None:
        result.checks.append(
            Check(
                "P3",
                f"hottest partition at the modelled peak ({peak.PEAK_RPS:,} requests/s), share of its limit",
                hottest.utilisation,
                peak.HEADROOM,
                "of limit",
                note=hottest.template,
            )
        )
    result.data = {
        "peak": {
            "requests_per_second": peak.PEAK_RPS,
            "partition_read_units": peak.PARTITION_READ_UNITS,
            "partition_write_units": peak.PARTITION_WRITE_UNITS,
            "hot_restaurant_share": peak.HOT_RESTAURANT_SHARE,
            "active_customers_at_peak": peak.ACTIVE_CUSTOMERS_AT_PEAK,
            "partitions": [
                {
                    "partition": load.template,
                    "kind": load.kind,
                    "share": load.share,
                    "read_units_per_s": load.read_units_per_s,
                    "write_units_per_s": load.write_units_per_s,
                    "utilisation": load.utilisation,
                    "routes": list(load.routes),
                }
                for load in loads
            ],
        },
        "table_sizes": list(size.table_sizes),
        "seeded": {str(n): run.seeded for n, run in runs.items()},
        "timings": {str(n): t for n, t in timings.items()},
        "routes": routes,
    }
    result.markdown = _markdown(result, rows, runs, size) + "\n\n" + _peak_markdown(loads)
    return result


def _peak_markdown(loads: list[peak.PartitionLoad]) -> str:
    rows = [
        [
            f"`{load.template}`",
            load.kind,
            f"{load.share:.2%}" if load.share < 1 else "all",
            fmt(load.read_units_per_s, 0),
            fmt(load.write_units_per_s, 0),
            f"{load.utilisation:.1%}",
            ", ".join(load.routes),
        ]
        for load in loads[:12]
    ]
    return (
        f"Partitions at the modelled peak ({peak.PEAK_RPS:,} requests/s of the documented mix, units of the larger"
        f" table; limits {peak.PARTITION_READ_UNITS:,} RRU and {peak.PARTITION_WRITE_UNITS:,} WRU per second per"
        f" partition; hottest restaurant {peak.HOT_RESTAURANT_SHARE:.0%} of restaurant traffic, no customer more than"
        f" 1/{peak.ACTIVE_CUSTOMERS_AT_PEAK:,}; every listing request on one listing page). Gate: the hottest at most"
        f" {peak.HEADROOM:.0%} of its limit (`bench/peak.py`, docs/capacity.md).\n\n"
        + table(["partition", "key kind", "share", "RRU/s", "WRU/s", "of limit", "routes"], rows)
    )


def _signature(run: RouteRun) -> tuple[object, ...]:
    return (tuple(run.operations()), round(run.read_units, 3), round(run.write_units, 3), round(run.moto_units, 3))


def _markdown(result: PartResult, rows: list[list[object]], runs: dict[int, TourRun], size: RunSize) -> str:
    small, large = size.table_sizes
    seeded = ", ".join(f"{run.seeded:,}" for run in runs.values())
    header = [
        "route",
        "function",
        "DynamoDB round trips",
        "operations",
        "other AWS calls",
        f"RRU (model) {small:,} / {large:,}",
        f"WRU (model) {small:,} / {large:,}",
        "moto units",
        "same",
    ]
    checks = "\n".join(
        f"- {c.name}: {fmt(c.value, 0)} (budget {fmt(c.limit, 0)}) - {verdict(c.passed)}" for c in result.checks
    )
    return (
        f"Every route once, on a table seeded with {seeded} items (copies of real restaurants, listing entries, menus,"
        " discount codes, API keys and orders of other customers, under fresh ids). RRU/WRU are the on-demand units"
        " modelled from the sizes of the items each call read or wrote, GSI writes and transactions included"
        " (`bench/capacity.py`); moto's own `ConsumedCapacity` is shown too, but it is a constant per operation.\n\n"
        f"{checks}\n\n{table(header, rows)}"
    )
