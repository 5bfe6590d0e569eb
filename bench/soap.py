"""P7 - the SOAP facade (SoapPosFunction), against its own budgets:

- cold start: import + init of the SOAP function over the yardstick (``import boto3`` + a DynamoDB client), fresh
  processes interleaved with yardstick samples, as P1 measures every function: <= 1.20x (the XML libraries are
  imported by this function only);
- warm CPU of ``ListOrders`` against the REST partner route for the same page (``GET /v1/partner/orders``): the
  handler's own time per call (AWS client time taken out), replaying the tour's recorded responses: <= 1.5x;
- how fast each XML attack is refused (billion laughs, quadratic blowup, XXE by file and URL, an external DTD,
  XInclude, deep nesting, an oversized body), in-process in a fresh interpreter with the function's environment:
  the slowest median < 100 ms.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from typing import Any

from bench.config import ROOT, RunSize
from bench.lambdas import functions
from bench.probe import Fixture, Probe, ProbeFailed, probe_for, run
from bench.results import Check, PartResult, fmt, median, table

PART, TITLE = "P7", "SOAP facade"
SOAP, REST = "SoapPosFunction", "PartnerListOrdersFunction"
COLD_RATIO = 1.20
WARM_RATIO = 1.5
REFUSAL_MS = 100.0
ATTACK_REPEATS = 20


def measure(size: RunSize, fixtures: Mapping[str, Fixture], progress: Callable[[str], None]) -> PartResult:
    result = PartResult(PART, TITLE)
    rows: list[tuple[str, str, Check | None]] = []
    try:
        progress("P7: cold start of the SOAP function")
        cold, base = _cold(size, fixtures)
        progress("P7: warm ListOrders, SOAP and REST")
        soap_us, rest_us = _warm(size, fixtures, SOAP), _warm(size, fixtures, REST)
        progress("P7: XML attack refusals")
        attacks = _attacks()
    except ProbeFailed as error:
        result.errors.append(str(error))
        return result
    checks = [
        Check(PART, f"{SOAP} import + init / yardstick", cold / base, COLD_RATIO, "x"),
        Check(PART, "ListOrders warm handler CPU, SOAP / REST partner route", soap_us / rest_us, WARM_RATIO, "x"),
        Check(PART, "slowest XML attack refusal (median)", max(attacks.values()), REFUSAL_MS, "ms"),
    ]
    result.checks += checks
    result.data = {
        "cold_init_ms": cold * 1000,
        "yardstick_ms": base * 1000,
        "warm_handler_p50_us": {"soap": soap_us, "rest": rest_us},
        "attack_refusal_ms": attacks,
    }
    rows += [
        ("cold start (import + init)", f"{fmt(cold * 1000)} ms vs yardstick {fmt(base * 1000)} ms", checks[0]),
        ("ListOrders warm, handler only (p50)", f"SOAP {fmt(soap_us, 0)} µs vs REST {fmt(rest_us, 0)} µs", checks[1]),
        *[(f"refused: {name}", f"{fmt(ms, 2)} ms", None) for name, ms in attacks.items()],
        ("slowest refusal", f"{fmt(max(attacks.values()), 2)} ms", checks[2]),
    ]
    result.markdown = table(
        ["what", "measured", "budget"],
        [[w, m, "" if c is None else f"{fmt(c.value, 2)} / {c.limit}{c.unit} {'pass' if c.passed else '**FAIL**'}"]
         for w, m, c in rows],
    )  # fmt: skip
    return result


def _cold(size: RunSize, fixtures: Mapping[str, Fixture]) -> tuple[float, float]:
    soap, base = [], []
    run(probe_for(SOAP, fixtures))  # bytecode caches
    for _ in range(size.cold_repeats):
        base.append(float(run(Probe("baseline")).result["init_s"]))
        soap.append(float(run(probe_for(SOAP, fixtures)).result["init_s"]))
    return median(soap), median(base)


def _warm(size: RunSize, fixtures: Mapping[str, Fixture], name: str) -> float:
    probe = probe_for(name, fixtures, mode="warm", calls=size.warm_calls, warmup=size.warm_warmup)
    outcome = run(probe).result
    if "error" in outcome:
        raise ProbeFailed(f"{name}: {outcome['error']}")
    own = [(t - a) / 1000 for t, a in zip(outcome["warm_ns"], outcome["warm_aws_ns"], strict=True)]
    return median(own)


def _attacks() -> dict[str, float]:
    function = functions()[SOAP]
    paths = [str(function.code_dir), *(str(d) for d in function.layer_dirs), str(ROOT)]
    done = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "bench.soap_attacks", json.dumps(paths), str(ATTACK_REPEATS)],
        env={**function.lambda_env(), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise ProbeFailed(f"attack refusals: {done.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: float(ms) for name, ms in found.items()}
