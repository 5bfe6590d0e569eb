"""Running ``bench/child.py`` in fresh processes: one function's fixture (the recorded route it replays), the
command line, the Lambda-like environment, and ``-X importtime`` output cut into phases."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.config import CHILD, ROOT, python
from bench.harness import TourRun
from bench.lambdas import Function, baseline_env, functions

_TIMEOUT_S = 300


@dataclass(frozen=True)
class Fixture:
    """A function's recorded route, pickled for the child (``None`` path: nothing recorded, init only)."""

    function: str
    route: str
    path: Path | None
    services: str
    status: int | None


def write_fixtures(run: TourRun, directory: Path) -> dict[str, Fixture]:
    """One fixture per function: the first route the tour measured for it."""
    fixtures: dict[str, Fixture] = {}
    for route, recorded in run.routes.items():
        if recorded.function in fixtures:
            continue
        path = directory / f"{recorded.function}.pickle"
        path.write_bytes(pickle.dumps(recorded.fixture()))
        fixtures[recorded.function] = Fixture(recorded.function, route, path, recorded.services(), recorded.status)
    return fixtures


@dataclass(frozen=True)
class Probe:
    mode: str  # baseline | cold | warm
    function: Function | None = None
    fixture: Fixture | None = None
    calls: int = 0
    warmup: int = 0
    importtime: bool = False
    layer_dirs: tuple[Path, ...] | None = None  # instead of the function's (the bytecode-free copy)
    extra_env: Mapping[str, str] | None = None

    def command(self, result: Path) -> list[str]:
        function, fixture = self.function, self.fixture
        layers = self.layer_dirs if self.layer_dirs is not None else (function.layer_dirs if function else ())
        return [
            python(),
            *(["-X", "importtime"] if self.importtime else []),
            str(CHILD),
            self.mode,
            str(result),
            fixture.services if fixture else "",
            str(function.code_dir) if function else "",
            function.handler if function else "",
            "|".join(str(p) for p in layers),
            str(fixture.path) if fixture and fixture.path else "",
            str(self.calls),
            str(self.warmup),
            "1" if self.importtime else "0",
        ]

    def env(self) -> dict[str, str]:
        env = self.function.lambda_env() if self.function else baseline_env()
        # the one setting passed through from the developer's shell: where profiles go (see bench/child.py)
        passed = {k: v for k, v in os.environ.items() if k == "BENCH_PSTATS_DIR"}
        return {**env, **(self.extra_env or {}), **passed}


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]
    stderr: str


def run(probe: Probe) -> Outcome:
    """Run the probe in a fresh interpreter; its JSON result (a failed child raises, with its stderr)."""
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as scratch:
        result = Path(scratch) / "result.json"
        done = subprocess.run(  # noqa: S603 - our interpreter and our script
            probe.command(result),
            env=probe.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0 or not result.exists():
            name = probe.function.logical_id if probe.function else "baseline"
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            raise ProbeFailed(f"{name} ({probe.mode}) exited {done.returncode}:\n{tail}")
        found: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return Outcome(found, done.stderr)


class ProbeFailed(RuntimeError):
    pass


def probe_for(logical_id: str, fixtures: Mapping[str, Fixture], mode: str = "cold", **options: Any) -> Probe:
    function = functions()[logical_id]
    return Probe(mode, function, fixtures.get(logical_id), **options)


# ---- -X importtime ------------------------------------------------------------------------------------------------

_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


@dataclass(frozen=True)
class ImportCost:
    """Import times by phase: ``init`` (the handler's import) and ``first_call`` (imports the first request made,
    client creation included), as self time summed per top-level package, and the heaviest single imports."""

    init_by_package: dict[str, float]  # ms
    first_call_by_package: dict[str, float]
    heaviest_init: list[tuple[str, float]]  # (module, cumulative ms) of the imports the handler module made itself

    def top(self, phase: str, count: int = 5) -> list[tuple[str, float]]:
        data = self.init_by_package if phase == "init" else self.first_call_by_package
        return sorted(data.items(), key=lambda kv: -kv[1])[:count]


def parse_importtime(stderr: str) -> ImportCost:
    phase: str | None = None
    by_phase: dict[str, dict[str, float]] = {"init": defaultdict(float), "first_call": defaultdict(float)}
    direct: list[tuple[str, float, int]] = []
    for line in stderr.splitlines():
        if line.startswith("#bench:"):
            marker = line.removeprefix("#bench:").strip()
            phase = {"init-start": "init", "init-end": "first_call", "stub-start": None, "stub-end": "first_call"}.get(
                marker
            )
            continue
        match = _LINE.match(line)
        if not match or phase is None:
            continue
        self_us, cumulative_us, indent, module = match.groups()
        by_phase[phase][module.split(".")[0]] += int(self_us) / 1000
        if phase == "init":
            direct.append((module, int(cumulative_us) / 1000, len(indent)))
    # the handler's own imports are the least indented lines above "app" itself
    nested = [d for d in direct if d[0] != "app"]
    depth = min((d[2] for d in nested), default=0)
    heaviest = sorted(((m, ms) for m, ms, ind in nested if ind == depth), key=lambda kv: -kv[1])[:8]
    return ImportCost(dict(by_phase["init"]), dict(by_phase["first_call"]), heaviest)


def summarize(top: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {ms:.0f}" for name, ms in top) or "-"
