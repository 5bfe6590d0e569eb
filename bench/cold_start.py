"""P1 - cold start of every function, in fresh processes with the function's template environment.

Two figures per function, both as a median of N fresh processes and as a ratio to the yardstick measured in the
same run (``import boto3`` + ``boto3.client("dynamodb")``, also N fresh processes, interleaved with the functions):

(a) import + module-level init, the budget's definition. The layer defers boto3 to the first DynamoDB call, so this
    can come in under the yardstick;
(b) (a) + the first invocation: creating the clients the route uses (the deferred ``import boto3`` included) and
    the handler's first call with those clients stubbed with the route's recorded responses. This is what the
    first real request pays, network aside.

A separate ``-X importtime`` run per function lists what the time goes to. Also measured, for a few functions: (a)
with a copy of the layer compiled as layers/common/Makefile ships it (unchecked-hash ``.pyc``, bytecode writing off,
as on Lambda's read-only /opt), and with the same copy without bytecode, which is what every cold start would
compile if the layer shipped sources only (SAM's python builder does).
"""

from __future__ import annotations

import compileall
import py_compile
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.config import BUDGETS, ROOT, RunSize
from bench.lambdas import functions
from bench.probe import Fixture, ImportCost, Probe, ProbeFailed, parse_importtime, probe_for, run, summarize
from bench.results import Check, PartResult, fmt, median, table

BASELINE_EVERY = 8  # a yardstick sample after every this many function samples
NO_BYTECODE_SAMPLE = ("GetRestaurantFunction", "CreateRestaurantFunction", "CheckoutFunction", "AuthLoginFunction")
SHIPPED_REPEATS = 5  # at least this many probes of each sampled function as shipped (a quick run had 3)
LAYER_DEPENDENCIES = ("aws_lambda_powertools", "pydantic", "pydantic_core", "annotated_types", "typing_inspection")
LAYER_MODULES = ("typing_extensions.py",)


@dataclass
class Samples:
    init_s: list[float] = field(default_factory=list)
    first_s: list[float] = field(default_factory=list)  # init + clients + first invocation
    client_s: list[float] = field(default_factory=list)
    invoke_s: list[float] = field(default_factory=list)
    rss_init_kb: list[float] = field(default_factory=list)
    rss_first_kb: list[float] = field(default_factory=list)
    first_log_bytes: list[float] = field(default_factory=list)

    def add(self, result: dict[str, Any]) -> None:
        self.init_s.append(float(result["init_s"]))
        self.rss_init_kb.append(float(result["rss_init_kb"]))
        if "invoke_s" in result:
            self.client_s.append(float(result["client_s"]))
            self.invoke_s.append(float(result["invoke_s"]))
            self.first_s.append(float(result["init_s"]) + float(result["client_s"]) + float(result["invoke_s"]))
            self.rss_first_kb.append(float(result["rss_first_kb"]))
            self.first_log_bytes.append(float(result["first_log_bytes"]))


GRAPHQL_FUNCTIONS = frozenset({"GraphqlFunction"})  # their own P1 budget (graphql_cold_start_ratio)


def measure(size: RunSize, fixtures: dict[str, Fixture], progress: Callable[[str], None]) -> PartResult:
    result = PartResult("P1", "Cold start")
    names = list(functions())
    samples: dict[str, Samples] = defaultdict(Samples)
    baseline = Samples()
    failed: dict[str, str] = {}

    def sample(name: str | None, keep: bool = True, first_request: bool = True) -> None:
        # without a fixture the child stops after init: (a) only
        probe = probe_for(name, fixtures if first_request else {}) if name else Probe("baseline")
        try:
            outcome = run(probe).result
        except ProbeFailed as error:
            failed[name or "baseline"] = str(error)
            return
        if "error" in outcome:
            failed[name or "baseline"] = f"the first invocation did not replay: {outcome['error']}"
        if keep:
            (samples[name] if name else baseline).add(outcome)

    # Warming up: the bytecode of the functions and layers written once, here, and one run per function (the
    # -X importtime one, whose figures are wanted anyway) to load the caches, before anything is timed.
    progress("P1: warming up (bytecode, then one -X importtime run per function)")
    _compile_code()
    sample(None, keep=False)
    imports = {name: _import_costs(name, fixtures) for name in names}
    first_request_every = max(1, size.cold_repeats // max(1, size.cold_first_request_repeats))
    for repeat in range(size.cold_repeats):
        progress(f"P1: round {repeat + 1}/{size.cold_repeats}")
        order = names[repeat % len(names) :] + names[: repeat % len(names)]
        for n, name in enumerate(order):
            if n % BASELINE_EVERY == 0:
                sample(None)
            if name not in failed:
                sample(name, first_request=repeat % first_request_every == 0)
    progress("P1: the layer as shipped and without bytecode")
    no_bytecode = _without_bytecode(max(SHIPPED_REPEATS, size.cold_repeats // 4), samples)

    base_s = median(baseline.init_s)
    rows: list[list[object]] = []
    per_function: dict[str, Any] = {}
    for name in names:
        found = samples.get(name)
        if found is None or not found.init_s:
            result.errors.append(f"{name}: {failed.get(name, 'not measured')}")
            continue
        init, first = median(found.init_s), median(found.first_s)
        cost = imports.get(name)
        budget = BUDGETS.graphql_cold_start_ratio if name in GRAPHQL_FUNCTIONS else BUDGETS.cold_start_ratio
        check = Check("P1", f"{name} import + init / yardstick", init / base_s, budget, "x")
        result.checks.append(check)
        fixture = fixtures.get(name)
        per_function[name] = {
            "route": fixture.route if fixture else None,
            "init_ms": init * 1000,
            "init_ratio": init / base_s,
            "first_request_ms": first * 1000,
            "first_request_ratio": first / base_s,
            "client_ms": median(found.client_s) * 1000,
            "first_invoke_ms": median(found.invoke_s) * 1000,
            "rss_init_mb": median(found.rss_init_kb) / 1024,
            # a function the route tour does not reach (stream, queue, WebSocket) is measured at init only
            "rss_first_mb": median(found.rss_first_kb or found.rss_init_kb) / 1024,
            "first_request_log_bytes": median(found.first_log_bytes),
            "samples": len(found.init_s),
            "first_request_samples": len(found.first_s),
            "top_imports_init_ms": dict(cost.top("init", 6)) if cost else {},
            "top_imports_first_call_ms": dict(cost.top("first_call", 6)) if cost else {},
            "heaviest_direct_imports_ms": dict(cost.heaviest_init) if cost else {},
            "replay_error": failed.get(name),
        }
        rows.append(
            [
                name.removesuffix("Function"),
                fmt(init * 1000),
                f"{init / base_s:.2f}x" + ("" if check.passed else " **over**"),
                fmt(first * 1000),
                f"{fmt(first / base_s, 2)}x" if found.first_s else "init only (no recorded route)",
                f"{per_function[name]['rss_init_mb']:.0f} / {per_function[name]['rss_first_mb']:.0f}",
                summarize(cost.top("init", 4)) if cost else "-",
                summarize(cost.top("first_call", 3)) if cost else "-",
            ]
        )
        if name in failed:
            result.errors.append(f"{name}: {failed[name]}")
    if "baseline" in failed:
        result.errors.append(f"yardstick: {failed['baseline']}")
    result.checks += _as_shipped_checks(no_bytecode)
    result.data = {
        "yardstick": "import boto3 + boto3.client('dynamodb')",
        "yardstick_ms": base_s * 1000,
        "yardstick_samples": len(baseline.init_s),
        "yardstick_rss_mb": median(baseline.rss_init_kb) / 1024,
        "repeats": size.cold_repeats,
        "first_request_repeats": len(range(0, size.cold_repeats, first_request_every)),
        "functions": per_function,
        "without_bytecode": no_bytecode,
    }
    result.markdown = _markdown(result, rows, base_s, no_bytecode)
    return result


def _as_shipped_checks(no_bytecode: dict[str, Any]) -> list[Check]:
    """The budget also holds for the layer as its build ships it (sampled functions), over the yardstick sampled in
    turns with those probes (``_shipped_ratio``)."""
    if not no_bytecode:
        return []
    worst = max(no_bytecode, key=lambda n: _shipped_ratio(no_bytecode[n], "init_ms_as_shipped"))
    ratio = _shipped_ratio(no_bytecode[worst], "init_ms_as_shipped")
    name = "sampled functions, layer as shipped / yardstick"
    return [Check("P1", name, ratio, BUDGETS.cold_start_ratio, "x", note=worst)]


def _shipped_ratio(found: dict[str, Any], figure: str) -> float:
    """``figure`` of a sampled function over the yardstick measured in turns with its probes."""
    return float(found[figure]) / float(found["yardstick_ms"])


def _import_costs(name: str, fixtures: dict[str, Fixture]) -> ImportCost | None:
    try:
        outcome = run(probe_for(name, fixtures, importtime=True))
    except ProbeFailed:
        return None
    return parse_importtime(outcome.stderr)


def _compile_code() -> None:
    """Bytecode for the functions' and layers' sources, as the first import of each would write it (the project's
    environment; the shipped layer's own bytecode is measured in ``_without_bytecode``)."""
    folders = {f.code_dir for f in functions().values()} | {d for f in functions().values() for d in f.layer_dirs}
    for folder in sorted(folders):
        compileall.compile_dir(folder, quiet=1)


def _without_bytecode(repeats: int, measured: dict[str, Samples]) -> dict[str, Any]:
    """(a) with the layer's code and dependencies copied twice, bytecode writing off: compiled unchecked-hash as the
    layer's build ships them, and without any bytecode. (a) in the project's environment is the rounds' median
    (``measured``), not measured again."""
    import aws_lambda_powertools  # noqa: PLC0415 - only to locate the installed dependencies

    packages = Path(aws_lambda_powertools.__file__).resolve().parent.parent
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-layer-") as scratch:
        copies = {kind: Path(scratch) / kind / "python" for kind in ("shipped", "bare")}
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for layer in copies.values():
            shutil.copytree(ROOT / "layers" / "common" / "waiter", layer / "waiter", ignore=ignore)
            for package in LAYER_DEPENDENCIES:
                shutil.copytree(packages / package, layer / package, ignore=ignore)
            for module in LAYER_MODULES:
                shutil.copy2(packages / module, layer / module)
        compiled = compileall.compile_dir(
            copies["shipped"], quiet=1, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        if not compiled:
            raise ProbeFailed("compiling the layer copy failed")
        env = {"PYTHONDONTWRITEBYTECODE": "1"}
        for name in NO_BYTECODE_SAMPLE:
            if name not in functions() or not measured.get(name, Samples()).init_s:
                continue
            samples: dict[str, list[float]] = {"venv": measured[name].init_s}
            samples |= {kind: [] for kind in ("shipped", "bare", "yardstick")}
            for _ in range(repeats):
                probe = probe_for(name, {})  # (a) only
                for kind, layer in copies.items():
                    copy = Probe("cold", probe.function, probe.fixture, layer_dirs=(layer,), extra_env=env)
                    samples[kind].append(float(run(copy).result["init_s"]))
                # the yardstick in turns with these probes: a ratio of two figures taken minutes apart on a shared
                # machine moved by a tenth from one quick run to the next (1.31x, then 1.13x, for the same commit)
                samples["yardstick"].append(float(run(Probe("baseline")).result["init_s"]))
            found[name] = {
                "init_ms_with_bytecode": median(samples["venv"]) * 1000,
                "init_ms_as_shipped": median(samples["shipped"]) * 1000,
                "init_ms_without_bytecode": median(samples["bare"]) * 1000,
                "yardstick_ms": median(samples["yardstick"]) * 1000,
                "samples": repeats,
            }
    return found


def _markdown(result: PartResult, rows: list[list[object]], base_s: float, no_bytecode: dict[str, Any]) -> str:
    over = [c for c in result.checks if not c.passed]
    lines = [
        f"Yardstick (`import boto3` + `boto3.client('dynamodb')`, fresh process, median of"
        f" {result.data['yardstick_samples']}): **{fmt(base_s * 1000)} ms**. Budget: (a) <= {BUDGETS.cold_start_ratio}x"
        f" for every function; {len(result.checks) - len(over)}/{len(result.checks)} within it.",
        "",
        "(a) = import + module-level init (the budget's definition); (b) = (a) + creating the route's AWS clients"
        " (the deferred `import boto3` and client set-up) + the first handler call with those clients stubbed"
        " (recorded responses): what the first real request pays, network aside; (a) is the median of"
        f" {result.data['repeats']} rounds, (b) and the RSS after the first request of"
        f" {result.data['first_request_repeats']} of them (the other children stop after init). Import columns:"
        " milliseconds of self time per top-level package from one `-X importtime` run (which inflates them; it is"
        " also the warm-up run before the rounds).",
        "",
        table(
            [
                "function",
                "(a) ms",
                "(a) ratio",
                "(b) ms",
                "(b) ratio",
                "RSS MB init / first",
                "top imports at init (ms)",
                "imports on the first call (ms)",
            ],
            rows,
        ),
    ]
    if no_bytecode:
        lines += [
            "",
            "Lambda mounts the layer read-only, so only the bytecode it ships is ever used. (a) with the project's"
            " environment (above), with a copy of the layer compiled as layers/common/Makefile ships it"
            " (unchecked-hash `.pyc`, bytecode writing off) and with the same copy without bytecode (what a"
            " sources-only layer costs at every cold start); each ratio is over the yardstick sampled in turns with"
            " that function's probes:",
            "",
            table(
                [
                    "function",
                    "(a) ms, environment",
                    "(a) ms as shipped",
                    "ratio as shipped",
                    "(a) ms without .pyc",
                    "ratio without",
                    "yardstick ms, in turns",
                ],
                [
                    [
                        name.removesuffix("Function"),
                        fmt(v["init_ms_with_bytecode"]),
                        fmt(v["init_ms_as_shipped"]),
                        f"{_shipped_ratio(v, 'init_ms_as_shipped'):.2f}x",
                        fmt(v["init_ms_without_bytecode"]),
                        f"{_shipped_ratio(v, 'init_ms_without_bytecode'):.2f}x",
                        fmt(v["yardstick_ms"]),
                    ]
                    for name, v in no_bytecode.items()
                ],
            ),
        ]
    return "\n".join(lines)
