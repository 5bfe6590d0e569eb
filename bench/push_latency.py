"""P9 - local push latency: a staff transition answered over REST → its ``order`` frame received on a WebSocket
subscribed to the order, through the whole local chain (stream poll → PublishEventsFunction → bus → LiveQueue →
LiveNotifierFunction → the local Management API → the socket), p50/p95 over a bounded run against the local
gateway as ``make dev`` runs it; and the AWS calls the notifier makes per push, counted (``bench.counted_gateway``):
one Query per feed of the order (its customer's, its own, its kitchen's) and one post per subscribed connection.

The budget on p95 is the measured figure with headroom (docs/performance.md): like P8, most of the time is the local
pollers' waits (the stream's and the queue's 1 s batching windows), not code, so it guards against the chain
breaking or gaining a poll, not against milliseconds."""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.config import RunSize
from bench.event_latency import place_pickup_order
from bench.results import Check, PartResult, fmt, percentile, table

P95_BUDGET_MS = 6000.0  # measured p95 3.0-3.9 s at load 9-12 on 2 cores (docs/performance.md): ~1.5x headroom
NOTIFIER = "LiveNotifierFunction"
FEEDS_PER_ORDER = 3  # customer:<id>, order:<id>, kitchen:<id> (waiter.realtime.subscriptions.feeds_of)
MOVES = ("ACCEPTED", "PREPARING", "READY", "PICKED_UP")  # a pickup order, as staff moves it
_CALL = re.compile(rf"^aws-call {NOTIFIER} (\S+) (\S+)$")
_BATCH = '"message":"queue batch"'  # the notifier's one line per batch: what each event pushed, under "handled"


def measure(size: RunSize, progress: Callable[[str], None]) -> PartResult:
    import httpx  # noqa: PLC0415
    from websockets.sync.client import connect  # noqa: PLC0415

    from local.gateway import spawn, websocket_url  # noqa: PLC0415
    from local.seed import DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF, SAMPLE_RESTAURANT_ID  # noqa: PLC0415

    result = PartResult("P9", "Local push latency")
    wanted = max(8, size.gateway_latency_requests // 16)
    orders = math.ceil(wanted / len(MOVES))
    banner: list[str] = []
    log: list[str] = []
    progress(f"P9: {orders * len(MOVES)} transitions pushed over the local WebSocket API")
    url, stop = spawn(
        port=0, banner=banner, log=log, timeout_s=180, module="bench.counted_gateway",
        env={"BENCH_COUNT_FUNCTIONS": NOTIFIER},
    )  # fmt: skip
    restaurant = SAMPLE_RESTAURANT_ID
    try:
        ws_url = websocket_url(banner)
        if ws_url is None:
            raise RuntimeError("the gateway's banner names no WebSocket API")
        with httpx.Client(base_url=url, timeout=30) as api:
            customer = _token(api, DEMO_CUSTOMER.email, DEMO_PASSWORD)
            staff = _token(api, DEMO_STAFF.email, DEMO_PASSWORD)
            with (
                connect(f"{ws_url}/?token={customer}", open_timeout=30) as mine,
                # never read until the end: its frames queue up unbounded, so the client keeps answering pings
                connect(f"{ws_url}/?token={staff}", open_timeout=30, max_queue=None) as kitchen,
            ):
                _subscribe(mine, "my-orders")
                _subscribe(kitchen, f"kitchen:{restaurant}")
                latencies: list[float] = []
                counted_from = 0
                for run in range(orders + 1):  # the first order warms the functions up (cold starts are P1's)
                    if run == 1:  # once the warm-up's last push has logged its end too
                        time.sleep(2)
                        counted_from, latencies = len(log), []
                    order_id = place_pickup_order(api, {"Authorization": f"Bearer {customer}"}, restaurant)
                    _frame(mine, order_id, "PLACED")
                    for to in MOVES:
                        latencies.append(
                            _move(api, mine, staff, restaurant=restaurant, order_id=order_id, to=to) * 1000
                        )
                time.sleep(2)  # the kitchen socket's last pushes and their log lines
                counted = log[counted_from:]
    finally:
        stop()
    calls = Counter(f"{m.group(1)}.{m.group(2)}" for line in counted if (m := _CALL.match(line)))
    pushes = [posts for line in counted if _BATCH in line for posts in _posts_pushed(line)]
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    per_push = {name: count / len(pushes) for name, count in sorted(calls.items())} if pushes else {}
    queries = per_push.get("dynamodb.Query", math.nan)
    posts = per_push.get("apigatewaymanagementapi.PostToConnection", math.nan)
    connections = 2  # the customer's my-orders and the kitchen's subscription: each order reaches both
    result.checks = [
        Check("P9", "push latency p95", p95, P95_BUDGET_MS, "ms", note=f"p50 {fmt(p50)} ms over {len(latencies)}"),
        Check("P9", "DynamoDB Queries per push", queries, FEEDS_PER_ORDER, "", note="one per feed of the order"),
        Check("P9", "posts per push", posts, connections, "", note=f"one per subscribed connection ({connections})"),
        Check("P9", "posts per push, none missed", posts, connections, "", at_least=True, note="every subscriber"),
    ]
    if not pushes:
        result.errors.append("the notifier logged no push")
    result.data = {
        "transitions": len(latencies),
        "p50_ms": p50,
        "p95_ms": p95,
        "samples_ms": latencies,
        "pushes": len(pushes),
        "posts_logged_per_push": sum(pushes) / len(pushes) if pushes else None,
        "aws_calls_per_push": per_push,
    }
    result.markdown = "\n\n".join(
        [
            table(
                ["transitions", "p50 ms", "p95 ms", "max ms", "budget p95 ms"],
                [[len(latencies), fmt(p50), fmt(p95), fmt(max(latencies)), fmt(P95_BUDGET_MS, 0)]],
            ),
            table(
                ["AWS call of the notifier", "per push", f"(over {len(pushes)} pushes)"],
                [[f"`{name}`", fmt(value, 2), calls[name]] for name, value in per_push.items()],
            ),
        ]
    )
    return result


def _posts_pushed(line: str) -> list[int]:
    """The posts of each push a batch line of the notifier reports (``handled``: one entry per pushed event)."""
    try:
        entry = json.loads(line[line.index("{") :])
    except ValueError:
        return []
    if entry.get("consumer") != "live-notifier":
        return []
    return [int(pushed["posts"]) for pushed in entry.get("handled") or []]


def _token(api: Any, email: str, password: str) -> str:
    answer = api.post("/v1/auth/login", json={"email": email, "password": password})
    answer.raise_for_status()
    return str(answer.json()["idToken"])


def _subscribe(socket: Any, topic: str) -> None:
    socket.send(json.dumps({"action": "subscribe", "topic": topic}))
    answer = json.loads(socket.recv(timeout=30))
    if answer.get("type") != "subscribed":
        raise RuntimeError(f"subscribing to {topic} failed: {answer}")


def _move(api: Any, socket: Any, staff: str, *, restaurant: str, order_id: str, to: str) -> float:
    """Seconds from the transition's response to its frame on the customer's socket."""
    moved = api.post(
        f"/v1/restaurants/{restaurant}/orders/{order_id}/transitions",
        json={"to": to},
        headers={"Authorization": f"Bearer {staff}"},
    )
    answered = time.perf_counter()
    moved.raise_for_status()
    _frame(socket, order_id, to)
    return time.perf_counter() - answered


def _frame(socket: Any, order_id: str, status: str, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while (left := deadline - time.monotonic()) > 0:
        frame = json.loads(socket.recv(timeout=left))
        if frame.get("type") == "order" and frame["order"]["id"] == order_id and frame["order"]["status"] == status:
            return
    raise TimeoutError(f"no {status} frame for order {order_id} within {within_s} s")
