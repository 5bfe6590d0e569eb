"""The probe the benchmarks run in a fresh interpreter, as a script (``python bench/child.py ...``), never imported
by the bench itself at run time.

It imports nothing before the timed window but ``sys`` and ``time`` (and what the interpreter loads at start-up),
so the window holds exactly what a Lambda init pays: importing the handler module and its module-level code.

Modes (argv: MODE RESULT SERVICES CODE_DIR HANDLER LAYERS FIXTURE CALLS WARMUP MARKERS):

``baseline``  ``import boto3`` + ``boto3.client("dynamodb")``: the yardstick of P1.
``cold``      (a) import + init; then (b) the first invocation: the AWS clients the route uses are created (timed:
              a real first request pays for the deferred ``import boto3`` and the client), stubbed with the route's
              recorded responses (untimed), and the handler is called once (timed). RSS after each phase.
``warm``      as ``cold``, then CALLS more invocations (after WARMUP untimed ones), each timed on its own, with the
              bytes the handler wrote to stdout/stderr per call (its log lines and EMF metrics).

SERVICES lists the clients to create as ``service=module:function`` joined by commas; FIXTURE is a pickle of the
route's recording (event, expected status and every AWS response in call order; see ``bench.scenario``).
With MARKERS=1, ``#bench:<phase>`` lines go to stderr, so a ``-X importtime`` run can be cut into phases.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False  # typing is not imported at run time: it would be loaded before the timed window
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Handler = Callable[[Any, Any], Any]

_NS = 1e-9


def _mark(enabled: bool, phase: str) -> None:
    if enabled and sys.__stderr__ is not None:  # the real stderr, where -X importtime writes too
        sys.__stderr__.write(f"#bench:{phase}\n")
        sys.__stderr__.flush()


def main(argv: list[str]) -> int:
    mode, result_path, services, code_dir, handler_spec, layers, fixture, calls, warmup, markers = argv[:10]
    marks = markers == "1"
    sinks = _install_sinks() if mode != "baseline" else None
    if mode != "baseline":
        sys.path[:0] = [code_dir, *[p for p in layers.split("|") if p]]
    module_name, _, function_name = handler_spec.rpartition(".")

    _mark(marks, "init-start")
    started = time.perf_counter_ns()
    started_cpu = time.process_time_ns()
    if mode == "baseline":
        import boto3  # noqa: PLC0415 - the import is what is measured

        boto3.client("dynamodb")
        handler: Handler | None = None
        module = None
    else:
        import importlib  # noqa: PLC0415 - already loaded by the interpreter at start-up

        module = importlib.import_module(module_name)
        handler = getattr(module, function_name)
    init_ns = time.perf_counter_ns() - started
    init_cpu_ns = time.process_time_ns() - started_cpu
    _mark(marks, "init-end")

    result: dict[str, object] = {
        "init_s": init_ns * _NS,
        "init_cpu_s": init_cpu_ns * _NS,  # P5 prices CPU time: a busy machine's pre-emptions are not Lambda's
        "rss_init_kb": _peak_rss_kb(),
    }
    if handler is not None and sinks is not None and fixture:  # no fixture: nothing recorded, init only
        profile = mode == "profile"
        result.update(
            _invoke(
                handler,
                services=services,
                fixture=fixture,
                calls=int(calls),
                warmup=int(warmup),
                marks=marks,
                sinks=sinks,
                profile=profile,
                app=getattr(module, "app", None),
            )
        )
    import json  # noqa: PLC0415

    with open(result_path, "w", encoding="utf-8") as out:  # noqa: PTH123 - pathlib would be one more import
        json.dump(result, out)
    return 0


def _peak_rss_kb() -> int:
    """The peak resident set of this process image (VmHWM). Not getrusage's ru_maxrss: that one survives execve
    and would report the parent's size when the parent was larger."""
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def _install_sinks() -> tuple[_Sink, _Sink]:
    """stdout and stderr as Lambda's runtime leaves them (unbuffered: one write(2) per write), counted."""
    out, err = _Sink(), _Sink()
    sys.stdout, sys.stderr = out, err
    return out, err


class _Sink:
    """A text stream writing to /dev/null with a write(2) per call, counting the UTF-8 bytes written."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self) -> None:
        import os  # noqa: PLC0415 - loaded at start-up already

        self._os = os
        self._fd = os.open(os.devnull, os.O_WRONLY)
        self.bytes = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.bytes += len(data)
        self._os.write(self._fd, data)
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd


class _Context:
    """What Lambda passes as ``context``."""

    def __init__(self, request_id: str) -> None:
        import os  # noqa: PLC0415

        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "bench")
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "2026/01/01/[$LATEST]bench"
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _invoke(  # noqa: PLR0912, PLR0915 - the phases of one cold sandbox, in order
    handler: Handler,
    *,
    services: str,
    fixture: str,
    calls: int,
    warmup: int,
    marks: bool,
    sinks: tuple[_Sink, _Sink],
    profile: bool = False,
    app: Any = None,
) -> dict[str, object]:
    # (b) the first request: creating the clients is part of it (boto3 is imported on first use)
    started = time.perf_counter_ns()
    started_cpu = time.process_time_ns()
    clients = {}
    # bench/ is this script's folder, first on sys.path (not a package root mypy is given: hence the ignore)
    from accessors import client_of  # type: ignore[import-not-found]  # noqa: PLC0415

    for entry in [s for s in services.split(",") if s]:
        service, _, accessor = entry.partition("=")
        clients[service] = client_of(accessor)
    client_ns = time.perf_counter_ns() - started
    client_cpu_ns = time.process_time_ns() - started_cpu

    _mark(marks, "stub-start")
    import copy  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    from botocore import xform_name  # noqa: PLC0415
    from botocore.stub import Stubber  # noqa: PLC0415

    with open(fixture, "rb") as source:  # noqa: PTH123
        recording = pickle.load(source)  # noqa: S301 - the bench's own file, written moments ago
    stubbers = {service: Stubber(client) for service, client in clients.items()}

    def queue() -> None:
        for service, operation, response, error in recording["calls"]:
            if error is None:
                stubbers[service].add_response(xform_name(operation), copy.deepcopy(response))
            else:
                code, message, status = error
                stubbers[service].add_client_error(xform_name(operation), code, message, status)

    for stubber in stubbers.values():
        stubber.activate()
    in_aws = [0]  # ns spent inside the AWS clients (botocore's request pipeline, answered by the stub)
    in_aws_calls = [0]  # and how many calls (round trips on AWS) that was
    for client in clients.values():
        _time_calls(client, in_aws, in_aws_calls)
    queue()
    event = recording["event"]
    _mark(marks, "stub-end")

    started = time.perf_counter_ns()
    first = handler(event, _Context("bench-first"))
    invoke_ns = time.perf_counter_ns() - started
    _mark(marks, "invoke-end")

    result: dict[str, object] = {
        "client_s": client_ns * _NS,
        "client_cpu_s": client_cpu_ns * _NS,
        "invoke_s": invoke_ns * _NS,
        "rss_first_kb": _peak_rss_kb(),
        "first_log_bytes": sinks[0].bytes + sinks[1].bytes,
    }
    problem = _problem(first, recording, stubbers)
    if problem:
        result["error"] = problem
        return result

    times: list[int] = []
    cpu_times: list[int] = []
    aws: list[int] = []
    aws_calls: list[int] = []
    log_bytes: list[int] = []
    reference_times: list[int] = []
    reference = _reference(app, event) if app is not None and not profile and calls else None
    floor_times: list[int] = []
    floor = (
        _sdk_floor(clients["dynamodb"], stubbers["dynamodb"])
        if "dynamodb" in clients and not profile and calls
        else None
    )
    profiler = None
    if profile:
        import cProfile  # noqa: PLC0415

        profiler = cProfile.Profile()
    for n in range(warmup + calls):
        queue()
        context = _Context(f"bench-{n}")
        before = sinks[0].bytes + sinks[1].bytes
        in_aws[0] = 0
        in_aws_calls[0] = 0
        if profiler is not None and n >= warmup:
            profiler.enable()  # around the handler only: queueing the stubbed responses is not its cost
        started_cpu = time.process_time_ns()
        started = time.perf_counter_ns()
        answer = handler(event, context)
        elapsed = time.perf_counter_ns() - started
        elapsed_cpu = time.process_time_ns() - started_cpu
        if profiler is not None:
            profiler.disable()
        if n >= warmup:
            times.append(elapsed)
            cpu_times.append(elapsed_cpu)
            aws.append(in_aws[0])
            aws_calls.append(in_aws_calls[0])
            log_bytes.append(sinks[0].bytes + sinks[1].bytes - before)
        problem = _problem(answer, recording, stubbers)
        if problem:
            result["error"] = f"call {n}: {problem}"
            break
        if reference is not None:
            # interleaved with the route's calls, so both see the same moments of a busy machine
            started = time.perf_counter_ns()
            reference(event, context)
            if n >= warmup:
                reference_times.append(time.perf_counter_ns() - started)
        if floor is not None:
            # likewise the SDK floor: one call after each route call, the caches as the route leaves them
            elapsed = floor()
            if n >= warmup:
                floor_times.append(elapsed)
    if profiler is not None:
        result["profile"] = _by_package(profiler)
        _keep_profile(profiler)
    if calls:
        result["warm_ns"] = times
        result["warm_cpu_ns"] = cpu_times
        result["warm_aws_ns"] = aws
        result["warm_log_bytes"] = log_bytes
        result["warm_aws_calls"] = aws_calls
        if reference_times:
            result["reference_ns"] = reference_times
        if floor_times:
            result["sdk_floor_ns"] = floor_times
    return result


def _reference(app: Any, event: dict[str, Any]) -> Handler | None:
    """P2's reference handler for this route's event and body model (``bench/reference_handler.py``), or None when
    the route's module has no Powertools REST resolver (the authorizer)."""
    try:
        # bench/ is this script's folder, first on sys.path (not a package root mypy is given: hence the ignore)
        import reference_handler  # type: ignore[import-not-found]  # noqa: PLC0415

        model = reference_handler.body_model(app)
    except (AttributeError, TypeError):
        return None
    if "httpMethod" not in event:
        return None
    built: Handler = reference_handler.build(event, model)
    return built


def _sdk_floor(client: Any, stubber: Any) -> Callable[[], int]:
    """The least a handler that writes to DynamoDB can cost here: one small stubbed PutItem through the same client
    (its configuration, its hooks), nothing else. A yardstick for P2, measured in the same process: the returned
    function makes one such call and answers its time in ns (queueing the stubbed answer is not timed)."""
    item = {"PK": {"S": "CUST#c1"}, "SK": {"S": "CART#r1"}, "version": {"N": "1"}, "currency": {"S": "EUR"}}

    def once() -> int:
        stubber.add_response("put_item", {})
        started = time.perf_counter_ns()
        client.put_item(TableName="bench", Item=item, ConditionExpression="attribute_not_exists(PK)")
        return time.perf_counter_ns() - started

    return once


def _keep_profile(profiler: Any) -> None:
    """With BENCH_PSTATS_DIR set, the profile goes there too, for a closer look (``python -m pstats <file>``)."""
    import os  # noqa: PLC0415

    folder = os.environ.get("BENCH_PSTATS_DIR")
    if folder:
        profiler.dump_stats(f"{folder}/{os.environ.get('AWS_LAMBDA_FUNCTION_NAME', 'handler')}-{os.getpid()}.pstats")


def _by_package(profiler: object) -> dict[str, float]:
    """Self time of the profiled calls by where the code lives: a package, the standard library or built-ins."""
    import pstats  # noqa: PLC0415
    import sysconfig  # noqa: PLC0415

    stdlib = sysconfig.get_paths()["stdlib"]
    totals: dict[str, float] = {}
    stats = pstats.Stats(profiler)  # type: ignore[arg-type]
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            where = filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
        elif "/layers/common/" in filename:
            where = "waiter (layer)"
        elif "/functions/" in filename:
            where = "handler module"
        elif filename.startswith(stdlib):
            where = "stdlib " + filename[len(stdlib) :].strip("/").split("/", 1)[0].removesuffix(".py")
        elif filename == "~":
            where = "built-ins"
        else:
            where = filename
        totals[where] = totals.get(where, 0.0) + tottime
    return totals


def _time_calls(client: object, total: list[int], count: list[int]) -> None:
    """Add the time each API call of ``client`` takes (its whole botocore pipeline) to ``total[0]``, and count the
    calls in ``count[0]``."""
    make_call = client._make_api_call  # type: ignore[attr-defined]

    def timed(operation: str, params: dict[str, object]) -> object:
        started = time.perf_counter_ns()
        try:
            return make_call(operation, params)
        finally:
            total[0] += time.perf_counter_ns() - started
            count[0] += 1

    client._make_api_call = timed  # type: ignore[attr-defined]


def _problem(answer: object, recording: dict[str, Any], stubbers: dict[str, Any]) -> str | None:
    """Why a replayed call did not go as recorded (another status, a response left unused), or None."""
    for service, stubber in stubbers.items():
        try:
            stubber.assert_no_pending_responses()
        except AssertionError:
            return f"{service}: the handler made fewer calls than recorded"
    if isinstance(answer, dict) and answer.get("batchItemFailures"):  # a queue consumer that failed a message
        return f"batch item failures: {answer['batchItemFailures']}"
    expected = recording.get("status")
    status = answer.get("statusCode") if isinstance(answer, dict) else None
    if expected is not None and status != expected:
        body = str(answer.get("body"))[:300] if isinstance(answer, dict) else ""
        return f"status {status}, recorded {expected}: {body}"
    return None


def _run(argv: list[str]) -> int:
    """``main``, with any exception's traceback written to the real stderr: the child replaces ``sys.stderr`` with a
    counting sink that writes to /dev/null, so an uncaught error would otherwise leave the parent an exit status and
    no reason (``bench.probe`` shows this stderr's tail in the failure)."""
    try:
        return main(argv)
    except BaseException:
        import traceback  # noqa: PLC0415 - only on failure

        if sys.__stderr__ is not None:
            traceback.print_exc(file=sys.__stderr__)
            sys.__stderr__.flush()
        return 1


def _exit(code: int) -> None:
    """Leave without the interpreter's shutdown: tearing down the ~400 modules of a handler took longer than some of
    the phases measured, once per child, and nothing is left to do once the result file is closed."""
    import os  # noqa: PLC0415 - loaded at start-up already

    for stream in (sys.__stdout__, sys.__stderr__):
        if stream is not None:
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(_run(sys.argv[1:]))
