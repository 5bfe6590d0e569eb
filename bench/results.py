"""What every part of the bench hands back: budget checks (pass/fail), figures for bench.json and a Markdown section
for bench.md; plus the small statistics the parts share."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """One budget: ``value`` against ``limit`` (lower is better unless ``at_least``)."""

    part: str
    name: str
    value: float
    limit: float
    unit: str
    at_least: bool = False
    note: str = ""

    @property
    def passed(self) -> bool:
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def as_json(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "name": self.name,
            "value": None if math.isnan(self.value) else self.value,
            "limit": self.limit,
            "unit": self.unit,
            "passed": self.passed,
            "note": self.note,
        }


@dataclass
class PartResult:
    part: str  # "P1"
    title: str
    checks: list[Check] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""
    errors: list[str] = field(default_factory=list)  # a part that could not measure something fails
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.errors and all(c.passed for c in self.checks)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.99 for p99)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"
