"""P2 - warm overhead per request: the handler called in-process, in a fresh process of its own (no moto there),
with its AWS clients stubbed by botocore's Stubber (the route's recorded responses), logging at INFO to a stdout
that costs a write(2) per line, as Lambda's does.

Timed per call: the whole handler, stubbed DynamoDB calls included (botocore still serialises, resolves the
endpoint and runs its event hooks for every call; only the HTTP exchange is skipped), and the share spent inside the
AWS clients, so the handler's own time (``handler only``) can be read apart. Two yardsticks are measured in the same
processes, so that a busy machine slows both sides of each ratio alike:

- the **reference handler** (``bench/reference_handler.py``): Powertools' resolver with validation, a Logger with the
  Lambda context injected and one INFO line, parsing the route's own body model from the same event and returning
  it; no SDK call. Its calls are interleaved with the route's. Budget: handler only / reference <= 1.5 (p50) for the
  gated routes;
- the **SDK floor**: one small stubbed PutItem through the same client. Budget: time inside botocore per round trip /
  floor <= 2.0 (p50).

The p99 of each side and their ratio are reported beside the p50s.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from bench.config import BUDGETS, RunSize
from bench.probe import Fixture, ProbeFailed, probe_for, run
from bench.results import Check, PartResult, fmt, median, percentile, table

GATED = ("CreateRestaurantFunction", "AddCartItemFunction", "CheckoutFunction")
ROUTES = (*GATED, "GetRestaurantFunction", "GetMenuFunction", "GetOrderFunction", "GetCartFunction")
PROFILE_CALLS = 300


def measure(size: RunSize, fixtures: dict[str, Fixture], progress: Callable[[str], None]) -> PartResult:
    result = PartResult("P2", "Warm overhead per request")
    rows: list[list[object]] = []
    routes: dict[str, Any] = {}
    for name in ROUTES:
        if name not in fixtures:
            result.errors.append(f"{name}: no recorded route")
            continue
        progress(f"P2: {name} x {size.warm_calls:,}")
        try:
            outcome = run(probe_for(name, fixtures, mode="warm", calls=size.warm_calls, warmup=size.warm_warmup)).result
            profiled = run(
                probe_for(name, fixtures, mode="profile", calls=PROFILE_CALLS, warmup=size.warm_warmup)
            ).result
        except ProbeFailed as error:
            result.errors.append(str(error))
            continue
        if "error" in outcome:
            result.errors.append(f"{name}: {outcome['error']}")
            continue
        routes[name] = _figures(name, fixtures[name], outcome, profiled)
        rows.append(_row(routes[name]))
    for name in GATED:
        r = routes.get(name)
        if not r:
            continue
        result.checks += [
            Check(
                "P2",
                f"{name} handler only / reference, p50",
                r["own_ratio_p50"],
                BUDGETS.warm_own_ratio,
                "x",
                note=f"p99 ratio {fmt(r['own_ratio_p99'], 2)}",
            ),
            Check(
                "P2",
                f"{name} botocore per round trip / SDK floor, p50",
                r["sdk_ratio_p50"],
                BUDGETS.warm_sdk_ratio,
                "x",
                note=f"p99 ratio {fmt(r['sdk_ratio_p99'], 2)}",
            ),
        ]
    result.data = {"routes": routes, "gated": list(GATED)}
    result.markdown = _markdown(rows)
    return result


def _figures(name: str, fixture: Fixture, outcome: dict[str, Any], profiled: dict[str, Any]) -> dict[str, Any]:
    total_us = [ns / 1000 for ns in outcome["warm_ns"]]
    aws_us = [ns / 1000 for ns in outcome["warm_aws_ns"]]
    own_us = [t - a for t, a in zip(total_us, aws_us, strict=True)]
    trips = [max(1, n) for n in outcome.get("warm_aws_calls") or [1] * len(aws_us)]
    per_trip = [a / n for a, n in zip(aws_us, trips, strict=True)]
    reference = [ns / 1000 for ns in outcome.get("reference_ns") or []]
    floor = [ns / 1000 for ns in outcome.get("sdk_floor_ns") or []]
    profile: dict[str, float] = profiled.get("profile", {})
    spent = sum(profile.values()) or 1.0
    shares = {k: v / spent for k, v in sorted(profile.items(), key=lambda kv: -kv[1])[:8]}
    figures: dict[str, Any] = {
        "route": fixture.route,
        "calls": len(total_us),
        "p50_us": percentile(total_us, 0.50),
        "p99_us": percentile(total_us, 0.99),
        "mean_us": sum(total_us) / len(total_us),
        "aws_client_p50_us": percentile(aws_us, 0.50),
        "round_trips": median([float(n) for n in trips]),
        "aws_per_round_trip_p50_us": percentile(per_trip, 0.50),
        "aws_per_round_trip_p99_us": percentile(per_trip, 0.99),
        "handler_only_p50_us": percentile(own_us, 0.50),
        "handler_only_p99_us": percentile(own_us, 0.99),
        "reference_p50_us": percentile(reference, 0.50),
        "reference_p99_us": percentile(reference, 0.99),
        "sdk_floor_p50_us": percentile(floor, 0.50),
        "sdk_floor_p99_us": percentile(floor, 0.99),
        "log_bytes_per_call": median([float(b) for b in outcome["warm_log_bytes"]]),
        "self_time_share_by_package": shares,
        "gated": name in GATED,
    }
    figures["own_ratio_p50"] = _ratio(figures["handler_only_p50_us"], figures["reference_p50_us"])
    figures["own_ratio_p99"] = _ratio(figures["handler_only_p99_us"], figures["reference_p99_us"])
    figures["sdk_ratio_p50"] = _ratio(figures["aws_per_round_trip_p50_us"], figures["sdk_floor_p50_us"])
    figures["sdk_ratio_p99"] = _ratio(figures["aws_per_round_trip_p99_us"], figures["sdk_floor_p99_us"])
    return figures


def _ratio(value: float, base: float) -> float:
    return value / base if base and not math.isnan(base) else float("nan")


def _row(r: dict[str, Any]) -> list[object]:
    return [
        f"`{r['route']}`" + (" (gated)" if r["gated"] else ""),
        f"{r['calls']:,}",
        f"{fmt(r['p50_us'], 0)} / {fmt(r['p99_us'], 0)}",
        f"{fmt(r['handler_only_p50_us'], 0)} / {fmt(r['handler_only_p99_us'], 0)}",
        f"{fmt(r['reference_p50_us'], 0)} / {fmt(r['reference_p99_us'], 0)}",
        f"**{fmt(r['own_ratio_p50'], 2)}** / {fmt(r['own_ratio_p99'], 2)}",
        fmt(r["round_trips"], 0),
        f"{fmt(r['aws_per_round_trip_p50_us'], 0)} / {fmt(r['aws_per_round_trip_p99_us'], 0)}",
        f"{fmt(r['sdk_floor_p50_us'], 0)} / {fmt(r['sdk_floor_p99_us'], 0)}",
        f"**{fmt(r['sdk_ratio_p50'], 2)}** / {fmt(r['sdk_ratio_p99'], 2)}",
        ", ".join(f"{k} {v:.0%}" for k, v in list(r["self_time_share_by_package"].items())[:4]),
    ]


def _markdown(rows: list[list[object]]) -> str:
    return "\n".join(
        [
            f"Budgets (p50, gated routes {', '.join(n.removesuffix('Function') for n in GATED)}): handler only /"
            f" reference <= {BUDGETS.warm_own_ratio:.1f}x; botocore per round trip / SDK floor <="
            f" {BUDGETS.warm_sdk_ratio:.1f}x. Every pair is `p50 / p99` in microseconds, measured in the same process"
            " (the reference interleaved with the route's calls). `handler only` is the route's time outside botocore;"
            " the reference is Powertools' validated resolver + Logger with the Lambda context and one INFO line,"
            " parsing the route's body model and returning it, no SDK call; the SDK floor is one small stubbed PutItem"
            " through the same client. Self-time shares come from a separate cProfile run.",
            "",
            table(
                [
                    "route",
                    "calls",
                    "total us",
                    "handler only us",
                    "reference us",
                    "ratio",
                    "round trips",
                    "botocore per trip us",
                    "SDK floor us",
                    "ratio",
                    "self time by package",
                ],
                rows,
            ),
        ]
    )
