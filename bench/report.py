"""reports/bench.md and reports/bench.json: the machine, the budgets with what was measured, and each part's
section."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.config import ROOT
from bench.results import Check, PartResult, fmt, table, verdict

_GROUPED = 4  # parts with more checks than this are summarised by their worst check


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "load_average_at_start": list(os.getloadavg()),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603, S607
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def write(parts: Sequence[PartResult], info: dict[str, Any], mode: str, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    info = {**info, "load_average_at_end": list(os.getloadavg())}
    passed = all(p.passed for p in parts)
    document = {
        "mode": mode,
        "passed": passed,
        "machine": info,
        "parts": {
            p.part: {
                "title": p.title,
                "passed": p.passed,
                "seconds": p.seconds,
                "errors": p.errors,
                "checks": [c.as_json() for c in p.checks],
                "data": p.data,
            }
            for p in parts
        },
    }
    json_path = directory / "bench.json"
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    md_path = directory / "bench.md"
    md_path.write_text(_markdown(parts, info, mode, passed), encoding="utf-8")
    return md_path, json_path


def summary_rows(parts: Sequence[PartResult]) -> list[list[object]]:
    rows: list[list[object]] = []
    for part in parts:
        checks = part.checks
        # one row for many checks of one kind (P1's per function); checks of different kinds each get their row
        if len(checks) > _GROUPED and len({c.name.split(" ", 1)[-1] for c in checks}) == 1:
            worst = _worst(checks)
            failed = sum(not c.passed for c in checks)
            rows.append(
                [
                    part.part,
                    f"{_name_of_group(checks)} ({len(checks) - failed}/{len(checks)} within)",
                    f"{fmt(worst.value, 2)} {worst.unit} ({worst.name.split()[0]})",
                    f"{'>=' if worst.at_least else '<='} {fmt(worst.limit, 2)} {worst.unit}",
                    verdict(failed == 0),
                ]
            )
        else:
            rows += [
                [
                    part.part,
                    c.name + (f" - {c.note}" if c.note and not c.passed else ""),
                    f"{fmt(c.value, 2)} {c.unit}",
                    f"{'>=' if c.at_least else '<='} {fmt(c.limit, 2)} {c.unit}",
                    verdict(c.passed),
                ]
                for c in checks
            ]
        if part.errors:
            rows.append([part.part, f"{len(part.errors)} measurement error(s), see below", "-", "-", verdict(False)])
    return rows


def _worst(checks: Sequence[Check]) -> Check:
    return max(checks, key=lambda c: (c.value - c.limit) / c.limit if c.limit else c.value)


def _name_of_group(checks: Sequence[Check]) -> str:
    words = checks[0].name.split(" ", 1)
    return f"every function: {words[1]}" if len(words) > 1 else checks[0].name


def _markdown(parts: Sequence[PartResult], info: dict[str, Any], mode: str, passed: bool) -> str:
    lines = [
        "# Waiter performance bench",
        "",
        f"{info['date_utc']}, {mode} run, commit {info['git_commit'] or '?'}"
        f"{' (with local changes)' if info['git_dirty'] else ''}."
        f" Machine: {info['nproc']} CPUs ({info['cpu_model']}), {info['platform']}, Python {info['python']};"
        f" load average {info['load_average_at_start'][0]:.2f} at start, {info['load_average_at_end'][0]:.2f} at the"
        " end (a shared machine: timings are medians and ratios to a yardstick measured in the same run).",
        "",
        f"**Overall: {'all budgets hold' if passed else 'budgets missed'}.**",
        "",
        table(["part", "budget", "measured", "limit", "verdict"], summary_rows(parts)),
    ]
    for part in parts:
        lines += ["", f"## {part.part} - {part.title}", "", f"_{part.seconds:.0f} s_", "", part.markdown]
        if part.errors:
            lines += ["", "Errors:", ""] + [f"- {e}".replace("\n", "\n  ") for e in part.errors]
    return "\n".join(lines) + "\n"
