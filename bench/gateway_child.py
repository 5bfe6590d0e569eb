"""P6's latency probe, run as ``python -m bench.gateway_child REQUESTS RESULT [no-reload]`` in a process of
its own: the local gateway served in-process on 127.0.0.1 (``local.gateway.serve_in_background``, moto embedded,
demo data), and the same request sent two ways, alternately: as a direct call of the handler (the same module state
and environment, the same moto) and over HTTP through the gateway (one keep-alive connection).

What the gateway adds is measured per request: its round trip less the handler's own call inside it (the runtime's
``Report``, timed around ``handler(event, context)`` exactly as the direct call is timed). The handler talks to
moto over HTTP and takes 5-40 ms, varying by milliseconds from call to call, so the difference of two medians of
separate calls (how it was measured before) swung by more than the figure itself; what a request spends outside
the handler is all in the per-request figure: HTTP, routing, the route's steps, the event, the hot-reload check, the
environment gate, both thread hops and the response. The direct calls still alternate with the others: their
median beside the handler's inside the gateway shows that the handler does the same work in both.

The HTTP client is the standard library's ``http.client``: what is measured is the gateway, and a full-featured
client's own per-request work (httpx: ~0.8 ms here) would be counted as the gateway's.

A third request alternates with those two: the **floor**, the same server stack (uvicorn with the same settings,
httptools and uvloop as uvicorn picks them, a listening socket made the same way, served from a thread of this
process) answering a fixed small body with no gateway work, over a keep-alive connection of its own. P6 divides the
gateway's added latency by the floor's round trip, so a busy machine slows both sides alike. Each round makes the
direct call first, then the gateway and the floor in turns (gateway first in even rounds, floor first in odd ones):
a request right after a handler's milliseconds of work finds the caches cold, one right after another request warm,
and with a fixed order only one of the two would ever be measured cold."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.gateway.server import Receive, Scope, Send

WARMUP = 30


def main(argv: list[str]) -> int:  # noqa: PLR0915 - three alternating measurements, in order
    import http.client  # noqa: PLC0415
    from contextlib import closing  # noqa: PLC0415

    from local.gateway import events  # noqa: PLC0415
    from local.gateway.boot import start_local  # noqa: PLC0415
    from local.gateway.runtime import Report  # noqa: PLC0415
    from local.gateway.server import serve_in_background  # noqa: PLC0415
    from local.seed import SAMPLE_RESTAURANT_ID  # noqa: PLC0415

    requests, result_path = int(argv[0]), Path(argv[1])
    local = start_local(hot_reload="no-reload" not in argv[2:])
    reports: list[Report] = []
    local.runtime.on_report = reports.append
    url, stop = serve_in_background(local=local)
    try:
        function = local.functions["GetRestaurantFunction"]
        path = f"/v1/restaurants/{SAMPLE_RESTAURANT_ID}"
        request = events.HttpRequest(method="GET", path=path, headers=[("host", url.removeprefix("http://"))])
        event = events.rest_event(
            request,
            resource="/v1/restaurants/{restaurantId}",
            path_parameters={"restaurantId": SAMPLE_RESTAURANT_ID},
            stage="local",
        )
        direct: list[float] = []
        gateway: list[float] = []
        inside: list[float] = []  # the handler's own call within each gateway request
        host, _, port = url.removeprefix("http://").rpartition(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        floor_url, stop_floor = floor_server()
        floor_host, _, floor_port = floor_url.removeprefix("http://").rpartition(":")
        floor_connection = http.client.HTTPConnection(floor_host, int(floor_port), timeout=30)
        floor: list[float] = []
        with (
            local.runtime.gate.holding(function.environment),
            closing(connection),
            closing(floor_connection),
        ):
            handler = _handler(function.module_file, function.handler_name)

            def through_gateway() -> tuple[float, float]:
                reports.clear()
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                round_trip_s = time.perf_counter() - started
                if response.status != 200:
                    raise RuntimeError(f"the gateway answered {response.status}: {body[:300]!r}")
                if [r.function for r in reports] != [function.name]:
                    raise RuntimeError(f"expected one call of {function.name}, the runtime reported {reports}")
                return round_trip_s, reports[0].duration_s

            def to_floor() -> float:
                started = time.perf_counter()
                floor_connection.request("GET", path)
                floor_connection.getresponse().read()
                return time.perf_counter() - started

            for n in range(WARMUP + requests):
                event["requestContext"]["requestId"] = str(uuid.uuid4())
                context = _Context(function.name)
                started = time.perf_counter()
                answer = handler(event, context)
                direct_s = time.perf_counter() - started
                if answer.get("statusCode") != 200:
                    raise RuntimeError(f"direct call answered {answer.get('statusCode')}: {answer.get('body')}")
                if n % 2 == 0:
                    gateway_s, inside_s = through_gateway()
                    floor_s = to_floor()
                else:
                    floor_s = to_floor()
                    gateway_s, inside_s = through_gateway()
                if n >= WARMUP:
                    direct.append(direct_s)
                    gateway.append(gateway_s)
                    inside.append(inside_s)
                    floor.append(floor_s)
        stop_floor()
        result_path.write_text(
            json.dumps({"direct_s": direct, "gateway_s": gateway, "handler_s": inside, "floor_s": floor, "path": path}),
            encoding="utf-8",
        )
    finally:
        stop()
    return 0


FLOOR_BODY = b'{"ok":true}'


async def _floor_app(scope: Scope, receive: Receive, send: Send) -> None:
    """A fixed small JSON body for every request: the server stack's own round trip, no gateway work."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(FLOOR_BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FLOOR_BODY})


def floor_server() -> tuple[str, Any]:
    """The floor: uvicorn configured as the local gateway configures it (``uvicorn_config``, ``listening_socket``),
    serving ``_floor_app`` from a thread."""
    import threading  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    # the gateway's own socket (TCP_NODELAY on accepted connections) and uvicorn settings
    from local.gateway.server import uvicorn_config  # noqa: PLC0415
    from local.gateway.sockets import listening_socket, url_of  # noqa: PLC0415

    sock = listening_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(_floor_app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="bench-floor", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the floor server did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return url_of(sock, "http"), stop


def _handler(module_file: Path, name: str) -> Any:
    """The function's module loaded again under its own name: it binds the layer modules the gate made current,
    the ones the gateway's copy uses."""
    spec = importlib.util.spec_from_file_location("bench_gateway_direct", module_file)
    if spec is None or spec.loader is None:
        raise ImportError(module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


class _Context:
    def __init__(self, name: str) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
