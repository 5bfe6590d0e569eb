"""P2 - warm overhead per request: the handler called in-process, in a fresh process of its own (no moto there),
with its AWS clients stubbed by botocore's Stubber (the route's recorded responses), logging at INFO to a stdout
that costs a write(2) per line, as Lambda's does.

Timed per call: the whole handler, stubbed DynamoDB calls included (botocore still serialises, resolves the
endpoint and runs its event hooks for every call; only the HTTP exchange is skipped). The share spent inside the AWS
clients is timed too, so the handler's own overhead can be read apart. The budget applies to a validated POST
(CreateRestaurant); the other routes are reported for comparison, and so is an SDK floor (one small stubbed PutItem).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.config import BUDGETS, RunSize
from bench.probe import Fixture, ProbeFailed, probe_for, run
from bench.results import Check, PartResult, fmt, median, percentile, table

GATED = "CreateRestaurantFunction"
ROUTES = (GATED, "AddCartItemFunction", "GetRestaurantFunction", "GetMenuFunction")
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
        total_us = [ns / 1000 for ns in outcome["warm_ns"]]
        aws_us = [ns / 1000 for ns in outcome["warm_aws_ns"]]
        own_us = [t - a for t, a in zip(total_us, aws_us, strict=True)]
        profile: dict[str, float] = profiled.get("profile", {})
        spent = sum(profile.values()) or 1.0
        shares = {k: v / spent for k, v in sorted(profile.items(), key=lambda kv: -kv[1])[:8]}
        routes[name] = {
            "route": fixtures[name].route,
            "calls": len(total_us),
            "p50_us": percentile(total_us, 0.50),
            "p99_us": percentile(total_us, 0.99),
            "mean_us": sum(total_us) / len(total_us),
            "aws_client_p50_us": percentile(aws_us, 0.50),
            "handler_only_p50_us": percentile(own_us, 0.50),
            "handler_only_p99_us": percentile(own_us, 0.99),
            "log_bytes_per_call": median([float(b) for b in outcome["warm_log_bytes"]]),
            "self_time_share_by_package": shares,
            "sdk_floor_p50_us": percentile([ns / 1000 for ns in outcome["sdk_floor_ns"]], 0.50)
            if outcome.get("sdk_floor_ns")
            else None,
        }
        r = routes[name]
        rows.append(
            [
                f"`{r['route']}`" + (" (budget)" if name == GATED else ""),
                f"{r['calls']:,}",
                fmt(r["p50_us"], 0),
                fmt(r["p99_us"], 0),
                fmt(r["aws_client_p50_us"], 0),
                fmt(r["handler_only_p50_us"], 0),
                fmt(r["handler_only_p99_us"], 0),
                ", ".join(f"{k} {v:.0%}" for k, v in list(shares.items())[:5]),
            ]
        )
    gated = routes.get(GATED)
    if gated:
        note = "stubbed DynamoDB included"
        result.checks += [
            Check("P2", f"{GATED} p50 (validated POST)", gated["p50_us"], BUDGETS.warm_p50_us, "us", note=note),
            Check("P2", f"{GATED} p99 (validated POST)", gated["p99_us"], BUDGETS.warm_p99_us, "us", note=note),
        ]
    result.data = {"routes": routes, "gated": GATED}
    floors = [r["sdk_floor_p50_us"] for r in routes.values() if r.get("sdk_floor_p50_us")]
    floor_line = (
        f"SDK floor, same processes: one small stubbed PutItem through the functions' DynamoDB client alone takes"
        f" p50 **{fmt(median(floors), 0)} us** here (botocore's request pipeline without the network), so any route"
        " that writes to DynamoDB starts there."
        if floors
        else ""
    )
    result.markdown = "\n".join(
        [
            floor_line,
            "",
            f"Budget: p50 <= {BUDGETS.warm_p50_us:.0f} us and p99 <= {BUDGETS.warm_p99_us:.0f} us for a validated POST"
            f" ({GATED}), measured with the stubbed DynamoDB call included. `AWS client` is the time inside botocore"
            " (serialisation, endpoint resolution, hooks; the stub answers instead of HTTP); `handler only` is the"
            " rest. Self-time shares come from a separate cProfile run (which slows everything down evenly).",
            "",
            table(
                [
                    "route",
                    "calls",
                    "p50 us",
                    "p99 us",
                    "AWS client p50 us",
                    "handler only p50 us",
                    "handler only p99 us",
                    "self time by package",
                ],
                rows,
            ),
        ]
    )
    return result
