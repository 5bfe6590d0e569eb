"""The bench itself runs: ``python -m bench --quick --only P3`` on small tables (the tour of every route on moto,
twice), writing its reports. It also guards P3's budgets: no route scans, and no route's DynamoDB work grows with
the table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from local.template import ROOT

SMOKE = ("--quick", "--only", "P3", "--table-sizes", "1000,2000")


def test_the_dynamodb_work_part_of_the_bench_runs_and_holds(tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "bench", *SMOKE, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    p3 = report["parts"]["P3"]
    assert p3["errors"] == [], p3["errors"]
    assert {c["name"]: c["passed"] for c in p3["checks"]} == dict.fromkeys((c["name"] for c in p3["checks"]), True)
    assert len(p3["data"]["routes"]) >= 40, "every route (and the partner authorizer) is toured"
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "bench.md").read_text(encoding="utf-8").startswith("# Waiter performance bench")
