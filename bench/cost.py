"""P5 - cost per million requests, from what the other parts measure and public prices, for a documented request
mix; and the log bytes every successful request writes at INFO (measured for every function).

Model, per request of a route (every assumption is a named constant below and in docs/performance.md):

- Lambda duration = the handler's warm CPU time here, p50 (stubbed AWS calls included: botocore's CPU work is real)
  scaled by ``CPU_SCALE`` (a 512 MB function gets 512/1769 of a vCPU), plus ``ROUND_TRIP_MS`` per AWS round trip
  (P3), rounded up to the billed millisecond, at the function's MemorySize; plus, for ``COLD_START_RATE`` of
  requests, the cold start (the CPU time of import + init and the client set-up, scaled likewise; Lambda bills
  init). CPU time rather than wall time, so that a busy machine does not price its pre-emptions;
- DynamoDB: the route's modelled read and write units (P3) at on-demand prices;
- logs: the bytes the handler wrote (its log lines, EMF metrics, warnings), plus the Lambda platform's own
  START/END/REPORT lines, at the CloudWatch Logs ingestion price;
- API Gateway (REST) is reported on top, outside the app's share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bench import peak
from bench.config import BUDGETS, PRICES, RunSize
from bench.harness import RouteRun, TourRun
from bench.lambdas import functions
from bench.probe import Fixture, ProbeFailed, probe_for, run
from bench.results import Check, PartResult, fmt, median, percentile, table
from local.template import function_properties, global_function_properties

VCPU_MB = 1769  # Lambda allocates one vCPU per 1,769 MB of memory
CPU_SCALE = VCPU_MB / 512  # at the template's 512 MB
ROUND_TRIP_MS = 5.0  # an in-region DynamoDB / Cognito request from Lambda, assumed
COLD_START_RATE = 0.01  # share of requests that land on a new sandbox, assumed
GB = 1e9  # CloudWatch Logs bills per GB ingested; decimal GB is the conservative reading

# Lambda's own lines per invocation (Tracing: Active adds the XRAY part of REPORT); written out so their size is exact.
_REQUEST_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
PLATFORM_LINES = (
    f"START RequestId: {_REQUEST_ID} Version: $LATEST\n"
    f"END RequestId: {_REQUEST_ID}\n"
    f"REPORT RequestId: {_REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 78 MB\t\nXRAY TraceId: 1-67a0c0de-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\t"
    "Sampled: true\t\n"
)
COLD_PLATFORM_LINES = (
    "INIT_START Runtime Version: python:3.13.v31\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nInit Duration: 345.67 ms\t"
)

# The request mix, per request: browse 50 %, cart 20 %, checkout 5 %, order status checks 25 % (one copy, shared
# with the capacity model).
MIX = peak.MIX


def measure(
    size: RunSize,
    fixtures: dict[str, Fixture],
    tour: TourRun,
    cold: dict[str, float] | None,
    progress: Callable[[str], None],
) -> PartResult:
    """``cold``: P1's (a) + client set-up in seconds (wall) per function, reported beside the CPU time priced."""
    result = PartResult("P5", "Cost")
    calls = 20 if size.quick else 200
    warm: dict[str, dict[str, float]] = {}
    for name in functions():
        if name not in fixtures:
            continue
        progress(f"P5: {name}")
        try:
            outcome = run(probe_for(name, fixtures, mode="warm", calls=calls, warmup=5)).result
        except ProbeFailed as error:
            result.errors.append(str(error))
            continue
        if "error" in outcome:
            result.errors.append(f"{name}: {outcome['error']}")
            continue
        # Priced from CPU time, not wall time: here the AWS calls are stubbed, so a call is CPU-bound and its wall
        # time is its CPU time plus whatever a busy machine pre-empts it for, which Lambda (its own vCPU share,
        # modelled by CPU_SCALE) would not bill. Wall figures are kept beside them in the report.
        warm[name] = {
            "p50_ms": percentile([ns / 1e6 for ns in outcome["warm_cpu_ns"]], 0.5),
            "wall_p50_ms": percentile([ns / 1e6 for ns in outcome["warm_ns"]], 0.5),
            "log_bytes": median([float(b) for b in outcome["warm_log_bytes"]]),
            "first_log_bytes": float(outcome["first_log_bytes"]),
            "cold_s": float(outcome["init_cpu_s"]) + float(outcome["client_cpu_s"]),
            "cold_wall_s": float(outcome["init_s"]) + float(outcome["client_s"]),
        }
    if cold:  # P1's median wall time of (a) + client set-up, over its rounds: reported, not priced
        for name, seconds in cold.items():
            if name in warm:
                warm[name]["cold_wall_s"] = seconds

    runs = {recorded.function: recorded for recorded in tour.routes.values()}
    per_route: dict[str, dict[str, float]] = {}
    rows: list[list[object]] = []
    for name, share in MIX.items():
        if name not in warm or name not in runs:
            result.errors.append(f"{name}: not measured, the mix cannot be priced")
            continue
        per_route[name] = {
            "share": share,
            **_price(runs[name], warm[name], functions()[name].memory_mb, platform_lines=_platform_lines_logged()),
        }
        r = per_route[name]
        rows.append(
            [
                name.removesuffix("Function"),
                f"{share:.0%}",
                f"{fmt(r['handler_p50_ms'], 2)} ({fmt(r['handler_wall_p50_ms'], 2)})",
                int(r["round_trips"]),
                int(r["billed_ms"]),
                f"{fmt(r['read_units'])} / {fmt(r['write_units'])}",
                fmt(r["app_log_bytes"], 0),
                f"{r['lambda_per_million']:.3f}",
                f"{r['dynamodb_per_million']:.3f}",
                f"{r['logs_per_million']:.3f}",
                f"{r['lambda_per_million'] + r['dynamodb_per_million'] + r['logs_per_million']:.3f}",
            ]
        )

    def weighted(key: str) -> float:
        return sum(v["share"] * v[key] for v in per_route.values()) / (sum(v["share"] for v in per_route.values()) or 1)

    lambda_m, dynamodb_m, logs_m = (
        weighted("lambda_per_million"),
        weighted("dynamodb_per_million"),
        weighted("logs_per_million"),
    )
    app = lambda_m + dynamodb_m + logs_m
    variants = _what_if(runs, warm)
    # what the mix costs before any code runs: no CPU, no cold start; only the request charges, the billed round
    # trips, the DynamoDB units and the log bytes as recorded (the app share cannot be below it without fewer
    # invocations, round trips or units)
    floor = _mix_cost(runs, _without_cpu(warm))
    levers = _levers(runs, warm)
    live = _live_updates(runs, warm, app)
    platform_logs_m = (
        (len(PLATFORM_LINES) / GB * PRICES.logs_per_gb_ingested * 1e6) if _platform_lines_logged() else 0.0
    )
    # the budget is per request: the routes (and the partner authorizer) a client's request invokes; the queue
    # consumers' log bytes are per event, priced where their events are (the live notifier's in mix 2)
    logged = {name: v["log_bytes"] for name, v in warm.items() if not fixtures[name].route.startswith("QUEUE ")}
    loudest = max(logged, key=lambda k: logged[k]) if logged else "-"
    result.checks += [
        Check(
            "P5", "app share (Lambda + DynamoDB + logs) per million requests", app, BUDGETS.app_cost_per_million, "$"
        ),
        Check(
            "P5",
            "log bytes per successful request at INFO (loudest route)",
            logged.get(loudest, float("nan")),
            BUDGETS.log_bytes_per_request,
            "bytes",
            note=loudest,
        ),
    ]
    result.data = {
        "assumptions": {
            "cpu_scale": CPU_SCALE,
            "round_trip_ms": ROUND_TRIP_MS,
            "cold_start_rate": COLD_START_RATE,
            "platform_log_bytes_per_invocation": len(PLATFORM_LINES),
            "cold_platform_log_bytes": len(COLD_PLATFORM_LINES),
            "prices": PRICES.__dict__,
        },
        "mix": MIX,
        "per_route": per_route,
        "per_million": {
            "lambda": lambda_m,
            "dynamodb": dynamodb_m,
            "logs": logs_m,
            "logs_platform_lines_only": platform_logs_m,
            "app_share": app,
            "api_gateway": PRICES.rest_api_per_million,
            "with_api_gateway": app + PRICES.rest_api_per_million,
        },
        "what_if": variants,
        "floor": floor,
        "levers": levers,
        "live_updates": live,
        "log_bytes_per_function": {
            name: {"steady": v["log_bytes"], "first_request": v["first_log_bytes"]} for name, v in warm.items()
        },
    }
    result.markdown = _markdown(result, rows, warm)
    return result


def _levers_markdown(levers: dict[str, Any]) -> str:
    before = levers["before"]
    rows: list[list[object]] = [["as built (before)", "-", f"{before['app_share']:.3f}", "-"]]
    for name, lever in levers["levers"].items():
        rows.append([name, lever["how"], f"{lever['after']['app_share']:.3f}", f"{lever['saving']:+.3f}"])
    rows.append(
        [
            "all modelled levers",
            "-",
            f"{levers['all']['app_share']:.3f}",
            f"{before['app_share'] - levers['all']['app_share']:+.3f}",
        ]
    )
    floor = levers.get("all_floor")
    closing = (
        f"\n\nWith every lever above built and no CPU or cold start at all, the mix would still cost"
        f" **${floor['app_share']:.3f}** per million requests (Lambda ${floor['lambda']:.3f}, DynamoDB"
        f" ${floor['dynamodb']:.3f}, logs ${floor['logs']:.3f})."
        if floor
        else ""
    )
    return (
        "Levers on the app share not built, each priced alone against this run's measurements (modelled on the"
        " recorded calls; $ per million requests of the mix):\n\n"
        + table(["lever", "what changes", "app share", "saving"], rows)
        + closing
    )


def _live_markdown(live: dict[str, Any]) -> str:
    if "error" in live:
        return f"**Mix 2, with live updates**: not priced ({live['error']})."
    a, parts = live["assumptions"], live["push_parts"]
    return (
        f"**Mix 2, with live updates**: the 25 % status polls replaced by WebSocket pushes ({a['pushes_per_order']} per"
        f" order, {live['pushes_per_million_requests']:,.0f} per million requests of the original mix). A push is"
        f" what the tour measured the live notifier doing for one order change: {fmt(a['push_cpu_ms_here'], 2)} ms"
        f" CPU here, {a['push_round_trips']} AWS round trips ({fmt(a['push_read_units'])} RRU), billed"
        f" {a['push_billed_ms']} ms as one invocation per push; {a['posts_per_push']:.0f} post(s) per push,"
        f" {a['sqs_requests_per_push']} SQS requests per push, {a['connection_minutes_per_order']:.0f}"
        f" connection-minutes per order. App share **${live['app_share']:.3f}** (pushes"
        f" ${live['app_share_push_part']:.3f} of it: Lambda ${parts['lambda']:.3f}, DynamoDB ${parts['dynamodb']:.3f},"
        f" logs ${parts['logs']:.3f}, SQS ${parts['sqs']:.3f}; mix 1 ${live['mix1_app_share']:.3f}), API Gateway"
        f" **${live['api_gateway']:.3f}** (REST ${live['api_gateway_rest']:.3f} + WebSocket messages and"
        f" connection-minutes ${live['api_gateway_websocket']:.3f}), total **${live['total']:.3f}**. In full batches"
        f" ({live['full_batches']['batch_size']} changes per invocation, the template's BatchSize, as at any load"
        f" above that many pushes a second): app share **${live['full_batches']['app_share']:.3f}** (pushes"
        f" ${live['full_batches']['push_part']:.3f}), total **${live['full_batches']['total']:.3f}**."
    )


def _platform_lines_logged() -> bool:
    """Whether Lambda writes its START/END/REPORT lines: not when the template's Globals set SystemLogLevel
    above INFO (which needs LogFormat JSON)."""
    config = global_function_properties().get("LoggingConfig") or {}
    return not (config.get("LogFormat") == "JSON" and config.get("SystemLogLevel") in ("WARN", "ERROR", "FATAL"))


def _price(
    recorded: RouteRun | _Route, measured: dict[str, float], memory_mb: int, *, platform_lines: bool = True
) -> dict[str, float]:
    """One request of a route, priced: Lambda (requests, duration, amortised cold start), DynamoDB and logs."""
    memory_gb = memory_mb / 1024
    cpu_scale = VCPU_MB / memory_mb
    round_trips = len(recorded.calls)
    billed_ms = math.ceil(measured["p50_ms"] * cpu_scale + round_trips * ROUND_TRIP_MS)
    cold_ms = measured["cold_s"] * 1000 * cpu_scale
    lambda_usd = (
        PRICES.lambda_per_million_requests / 1e6
        + memory_gb * billed_ms / 1000 * PRICES.lambda_per_gb_second_arm64
        + COLD_START_RATE * memory_gb * cold_ms / 1000 * PRICES.lambda_per_gb_second_arm64
    )
    dynamodb_usd = (
        recorded.read_units * PRICES.dynamodb_per_million_rru + recorded.write_units * PRICES.dynamodb_per_million_wru
    ) / 1e6
    platform = len(PLATFORM_LINES) + COLD_START_RATE * len(COLD_PLATFORM_LINES) if platform_lines else 0.0
    logs_usd = (measured["log_bytes"] + platform) / GB * PRICES.logs_per_gb_ingested
    return {
        "handler_p50_ms": measured["p50_ms"],
        "handler_wall_p50_ms": measured.get("wall_p50_ms", float("nan")),
        "cold_wall_s": measured.get("cold_wall_s", float("nan")),
        "round_trips": round_trips,
        "billed_ms": billed_ms,
        "cold_start_ms_scaled": cold_ms,
        "read_units": recorded.read_units,
        "write_units": recorded.write_units,
        "app_log_bytes": measured["log_bytes"],
        "platform_log_bytes": platform,
        "lambda_per_million": lambda_usd * 1e6,
        "dynamodb_per_million": dynamodb_usd * 1e6,
        "logs_per_million": logs_usd * 1e6,
    }


@dataclass(frozen=True)
class _Route:
    """A route's recorded work with a lever applied: what ``_price`` reads from a ``RouteRun``."""

    calls: tuple[object, ...]
    read_units: float
    write_units: float
    # the share of the route's requests that reach Lambda at all (a lever that answers the rest elsewhere, e.g.
    # from API Gateway's cache, takes them out of the app share; API Gateway still counts them)
    reaching: float = 1.0


def _adjusted(
    run: RouteRun | _Route, *, trips: int = 0, rru: float = 0.0, wru: float = 0.0, reaching: float = 1.0
) -> _Route:
    calls = tuple(run.calls)
    kept = calls[: max(0, len(calls) + trips)] if trips < 0 else calls + (None,) * trips
    return _Route(kept, run.read_units + rru, run.write_units + wru, _reaching(run) * reaching)


def _reaching(run: RouteRun | _Route) -> float:
    return run.reaching if isinstance(run, _Route) else 1.0


def _mix_cost(routes: Mapping[str, RouteRun | _Route], warm: dict[str, dict[str, float]]) -> dict[str, float]:
    """The documented mix priced with ``routes`` (each route's work, levers applied): Lambda, DynamoDB, logs, app."""
    priced = [name for name in MIX if name in routes and name in warm]
    total_share = sum(MIX[name] for name in priced) or 1.0
    parts = {"lambda": 0.0, "dynamodb": 0.0, "logs": 0.0}
    for name in priced:
        price = _price(routes[name], warm[name], functions()[name].memory_mb, platform_lines=_platform_lines_logged())
        for key in parts:
            parts[key] += MIX[name] * _reaching(routes[name]) * price[f"{key}_per_million"] / total_share
    return {**parts, "app_share": sum(parts.values())}


# Levers on the app share not built (yet), each priced alone against the same measurements (before = the routes as
# recorded), modelled on the recorded work, call by call, as the lever would change it. Built levers are measured
# by the recordings themselves (docs/performance.md has their before/after): checkout's idempotency record inside its
# transaction, keys-only kitchen indexes.
CART_LEVER = "cheaper cart writes: the cart read joined to the pricing batch"
CACHE_LEVER = "an API Gateway cache on the public catalog reads"
SMALL_ORDER_LEVER = "an order item of at most 1 KB"
CATALOG_READS = ("ListRestaurantsFunction", "GetRestaurantFunction", "GetMenuFunction")
SMALL_ORDER_SAVES_WRU = 3  # the order's transactional Put 4 -> 2, its GSI1 entry 2 -> 1
CACHE_HIT_RATE = 0.9  # assumed: a catalog changes rarely and is the same for every anonymous caller
LEVERS: dict[str, str] = {
    CART_LEVER: (
        "AddCartItem reads the cart, the restaurant and the item being added in one BatchGetItem (-1 round trip;"
        " the same read units); the other cart routes must read the cart before they know which items to price"
    ),
    CACHE_LEVER: (
        f"{CACHE_HIT_RATE:.0%} of the listing, restaurant and menu requests answered by API Gateway's cache without"
        " invoking Lambda (its hourly charge and the invalidation on every catalog write are not priced)"
    ),
    SMALL_ORDER_LEVER: (
        "checkout writes the order in 1 write unit instead of 2 (doubled in the transaction) and its GSI1 entry in 1"
        " (-3 WRU); a typical order with one line is just over 1 KB, each further line adds ~200 bytes"
    ),
}


def _levers(runs: dict[str, RouteRun], warm: dict[str, dict[str, float]]) -> dict[str, Any]:
    before = _mix_cost(runs, warm)
    add = runs.get("AddCartItemFunction")
    changed: dict[str, dict[str, RouteRun | _Route]] = {}
    if add is not None:
        changed[CART_LEVER] = {"AddCartItemFunction": _adjusted(add, trips=-1)}
    cached = {name: _adjusted(runs[name], reaching=1 - CACHE_HIT_RATE) for name in CATALOG_READS if name in runs}
    if cached:
        changed[CACHE_LEVER] = dict(cached)
    checkout = runs.get("CheckoutFunction")
    if checkout is not None and checkout.write_units >= SMALL_ORDER_SAVES_WRU:
        changed[SMALL_ORDER_LEVER] = {"CheckoutFunction": _adjusted(checkout, wru=-SMALL_ORDER_SAVES_WRU)}
    table: dict[str, Any] = {"before": before, "levers": {}}
    combined: dict[str, RouteRun | _Route] = dict(runs)
    for name, routes in changed.items():
        after = _mix_cost({**runs, **routes}, warm)
        saving = before["app_share"] - after["app_share"]
        table["levers"][name] = {"how": LEVERS[name], "after": after, "saving": saving}
        for function, route in routes.items():
            base = combined[function]
            original = runs[function]
            combined[function] = _adjusted(
                base,
                trips=len(route.calls) - len(original.calls),
                rru=route.read_units - original.read_units,
                wru=route.write_units - original.write_units,
                reaching=_reaching(route),
            )
    table["all"] = _mix_cost(combined, warm)
    # and with no CPU and no cold start either: the least the mix costs with every lever built
    table["all_floor"] = _mix_cost(combined, _without_cpu(warm))
    return table


def _without_cpu(warm: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """The measurements with no CPU time and no cold start: what the recorded work alone is billed."""
    return {name: {**v, "p50_ms": 0.0, "cold_s": 0.0} for name, v in warm.items()}


# The mix with live updates: the 25 % status polls (GetOrder, ListMyOrders) are replaced by WebSocket pushes, one
# per status change of each order, to the customer's open connection. A push costs what the tour measured the live
# notifier doing for one order change (``LIVE_ROUTE``: its CPU here, its AWS calls - the order's GetItem, one Query
# per feed of the order, one post per subscribed connection - and their units), priced as one invocation per push
# (the LiveQueue's event source batches up to 10 changes per invocation, so this is the dearest case), plus the
# LiveQueue's SQS requests for the message and the API Gateway WebSocket post and connection time. Assumed: every
# order is followed live.
POLL_ROUTES = ("GetOrderFunction", "ListMyOrdersFunction")
NOTIFIER = "LiveNotifierFunction"
PUSHES_PER_ORDER = 5  # ACCEPTED, PREPARING, READY, PICKED_UP, DELIVERED
CONNECTION_MINUTES_PER_ORDER = 45.0  # assumed: from checkout to delivery
SQS_REQUESTS_PER_PUSH = 3  # the bus rule's SendMessage, the event source's ReceiveMessage and DeleteMessage
# Of the notifier's log bytes for a batch of one, the share that is the push's own ("handled" entry, ~90 of ~520
# bytes); the rest is the batch line itself, written once per batch.
PUSH_LOG_ENTRY_SHARE = 0.17


def _live_updates(runs: dict[str, RouteRun], warm: dict[str, dict[str, float]], app_mix1: float) -> dict[str, Any]:
    kept = {name: share for name, share in MIX.items() if name not in POLL_ROUTES}
    kept_share = sum(kept.values())
    priced = [name for name in kept if name in runs and name in warm]
    app_requests = 0.0
    for name in priced:
        price = _price(runs[name], warm[name], functions()[name].memory_mb, platform_lines=_platform_lines_logged())
        app_requests += MIX[name] * (
            price["lambda_per_million"] + price["dynamodb_per_million"] + price["logs_per_million"]
        )
    orders = MIX.get("CheckoutFunction", 0.0) * 1e6  # per million requests of the original mix
    pushes = orders * PUSHES_PER_ORDER
    if NOTIFIER not in runs or NOTIFIER not in warm:
        return {"error": f"{NOTIFIER} not measured: the pushes cannot be priced"}
    memory_mb = functions()[NOTIFIER].memory_mb
    push = _price(runs[NOTIFIER], warm[NOTIFIER], memory_mb, platform_lines=_platform_lines_logged())
    posts_per_push = float(runs[NOTIFIER].operations("apigatewaymanagementapi").count("PostToConnection"))
    push_lambda = pushes * push["lambda_per_million"] / 1e6
    push_dynamodb = pushes * push["dynamodb_per_million"] / 1e6
    push_logs = pushes * push["logs_per_million"] / 1e6
    push_sqs = pushes * SQS_REQUESTS_PER_PUSH * PRICES.sqs_per_million_requests / 1e6
    # Full batches (BatchSize messages per invocation, as at any load above BatchSize pushes a second: the batching
    # window fills first): the request charge, the cold starts, the batch's log line and the receive and delete
    # requests are shared by the batch; each push's CPU, round trips, units and post are its own.
    batch = _batch_size(NOTIFIER)
    memory_gb = memory_mb / 1024
    duration_usd = memory_gb * push["billed_ms"] / 1000 * PRICES.lambda_per_gb_second_arm64
    shared_lambda = push["lambda_per_million"] / 1e6 - duration_usd
    batched = {
        "batch_size": batch,
        "lambda": pushes * (duration_usd + shared_lambda / batch),
        "dynamodb": push_dynamodb,
        "logs": pushes * (push["logs_per_million"] / 1e6) * (1 + PUSH_LOG_ENTRY_SHARE * (batch - 1)) / batch,
        "sqs": pushes * (1 + (SQS_REQUESTS_PER_PUSH - 1) / batch) * PRICES.sqs_per_million_requests / 1e6,
    }
    batched["push_part"] = sum(v for k, v in batched.items() if k != "batch_size")
    batched["app_share"] = app_requests + batched["push_part"]
    websocket = (
        pushes * posts_per_push * PRICES.websocket_per_million_messages / 1e6
        + orders * CONNECTION_MINUTES_PER_ORDER * PRICES.websocket_per_million_connection_minutes / 1e6
    )
    rest = kept_share * PRICES.rest_api_per_million
    push_part = push_lambda + push_dynamodb + push_logs + push_sqs
    app = app_requests + push_part
    return {
        "assumptions": {
            "pushes_per_order": PUSHES_PER_ORDER,
            "posts_per_push": posts_per_push,
            "connection_minutes_per_order": CONNECTION_MINUTES_PER_ORDER,
            "sqs_requests_per_push": SQS_REQUESTS_PER_PUSH,
            "push_cpu_ms_here": push["handler_p50_ms"],
            "push_round_trips": push["round_trips"],
            "push_read_units": push["read_units"],
            "push_billed_ms": push["billed_ms"],
        },
        "requests_kept_share": kept_share,
        "pushes_per_million_requests": pushes,
        "app_share": app,
        "app_share_push_part": push_part,
        "push_parts": {"lambda": push_lambda, "dynamodb": push_dynamodb, "logs": push_logs, "sqs": push_sqs},
        "api_gateway_rest": rest,
        "api_gateway_websocket": websocket,
        "api_gateway": rest + websocket,
        "total": app + rest + websocket,
        "mix1_app_share": app_mix1,
        "full_batches": {**batched, "total": batched["app_share"] + rest + websocket},
    }


def _batch_size(function: str) -> int:
    """The BatchSize of ``function``'s SQS event source in template.yaml (Lambda's default, 10, when unset)."""
    events = function_properties(function).get("Events") or {}
    sizes = [int(e["Properties"].get("BatchSize", 10)) for e in events.values() if e.get("Type") == "SQS"]
    return max(sizes, default=1)


def _what_if(runs: dict[str, RouteRun], warm: dict[str, dict[str, float]]) -> dict[str, float]:
    """The mix's app share under other settings the template controls: MemorySize, and Lambda's platform log
    lines switched off (``LoggingConfig: {LogFormat: JSON, SystemLogLevel: WARN}``)."""
    priced = [name for name in MIX if name in runs and name in warm]
    total_share = sum(MIX[name] for name in priced) or 1.0
    variants: dict[str, float] = {}
    for memory_mb in (256, 512, 1024):
        for platform_lines in (True, False):
            cost = 0.0
            for name in priced:
                price = _price(runs[name], warm[name], memory_mb, platform_lines=platform_lines)
                cost += MIX[name] * (
                    price["lambda_per_million"] + price["dynamodb_per_million"] + price["logs_per_million"]
                )
            label = f"{memory_mb} MB, platform log lines {'on' if platform_lines else 'off'}"
            variants[label] = cost / total_share
    return variants


def _markdown(result: PartResult, rows: list[list[object]], warm: dict[str, dict[str, float]]) -> str:
    money: dict[str, float] = result.data["per_million"]
    loud = sorted(warm.items(), key=lambda kv: -kv[1]["log_bytes"])
    logs = ", ".join(f"{k.removesuffix('Function')} {v['log_bytes']:.0f}" for k, v in loud if v["log_bytes"] > 0)
    return "\n".join(
        [
            f"Three figures, per million requests of the documented mix: app share **${money['app_share']:.3f}**"
            f" (budget ${BUDGETS.app_cost_per_million:.2f}), API Gateway **${money['api_gateway']:.3f}**, total"
            f" **${money['with_api_gateway']:.3f}**.",
            "",
            f"Per million requests of the mix: Lambda **${money['lambda']:.3f}**,"
            f" DynamoDB **${money['dynamodb']:.3f}**,"
            f" logs **${money['logs']:.3f}** (of which Lambda's own START/END/REPORT lines"
            f" ${money['logs_platform_lines_only']:.3f}) = app share **${money['app_share']:.3f}** (budget"
            f" ${BUDGETS.app_cost_per_million:.2f}); with API Gateway REST (${money['api_gateway']:.2f}):"
            f" **${money['with_api_gateway']:.3f}**.",
            "",
            f"The floor of this work (no CPU and no cold start at all: the request charges, the billed round trips,"
            f" the DynamoDB units and the log bytes as recorded): **${result.data['floor']['app_share']:.3f}** (Lambda"
            f" ${result.data['floor']['lambda']:.3f}, DynamoDB ${result.data['floor']['dynamodb']:.3f}, logs"
            f" ${result.data['floor']['logs']:.3f}).",
            "",
            f"Assumptions: CPU scale x{CPU_SCALE:.2f} (512 MB = 0.29 vCPU), {ROUND_TRIP_MS:.0f} ms per AWS round trip,"
            f" {COLD_START_RATE:.0%} cold starts, {len(PLATFORM_LINES)} bytes of platform log lines per invocation;"
            " prices as listed in docs/performance.md.",
            "",
            table(
                [
                    "route",
                    "share",
                    "handler CPU p50 ms here (wall)",
                    "round trips",
                    "billed ms",
                    "RRU / WRU",
                    "app log bytes",
                    "Lambda $/M",
                    "DynamoDB $/M",
                    "logs $/M",
                    "total $/M",
                ],
                rows,
            ),
            "",
            f"Log bytes per successful request at INFO, steady state (routes that log anything): {logs or 'none'}.",
            "",
            _levers_markdown(result.data["levers"]),
            "",
            _live_markdown(result.data["live_updates"]),
            "",
            "The same mix under settings the template controls (app share, $ per million requests): "
            + "; ".join(f"{label}: ${value:.3f}" for label, value in result.data["what_if"].items())
            + ".",
        ]
    )
