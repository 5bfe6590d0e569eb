"""P4 - footprint: what ``sam build`` ships (the layer unzipped, without boto3/botocore/s3transfer; each function's
zip, deflated in memory as the deployment package would be) and the resident memory after init and after the first
request (peak RSS of a fresh process, from P1's samples when P1 ran in the same bench)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.config import BUDGETS, ROOT
from bench.lambdas import functions
from bench.probe import Fixture, ProbeFailed, probe_for, run
from bench.results import Check, PartResult, fmt, median, table
from local.build_check import LAYER, bytecode_problems, function_artifacts, template_layers

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")  # the Lambda runtime ships these; not counted
SAM = ROOT / ".venv-sam" / "bin" / "sam"
LAMBDA_UNZIPPED_MB = 250  # Lambda's quota for a function's package and all its layers, unzipped


def measure(
    fixtures: dict[str, Fixture], rss: dict[str, tuple[float, float]] | None, progress: Callable[[str], None]
) -> PartResult:
    """``rss``: (init, first request) MB per function from P1, or None to measure one fresh process each."""
    result = PartResult("P4", "Footprint")
    with tempfile.TemporaryDirectory(prefix="bench-sam-") as scratch:
        progress("P4: sam build")
        build = Path(scratch) / "build"
        error = _sam_build(Path(scratch), build)
        if error:
            result.errors.append(error)
        else:
            built_artifacts(result, build)
    progress("P4: resident memory")
    memory = rss if rss is not None else _rss(fixtures, result)
    worst_init = max((v[0] for v in memory.values()), default=float("nan"))
    worst_first = max((v[1] for v in memory.values()), default=float("nan"))
    worst = max(memory, key=lambda k: memory[k][1]) if memory else "-"
    result.checks.append(
        Check(
            "P4", "peak RSS after the first request (largest function)", worst_first, BUDGETS.rss_mb, "MB", note=worst
        )
    )
    result.data["rss_mb"] = {k: {"init": v[0], "first_request": v[1]} for k, v in memory.items()}
    result.data["rss_source"] = "P1 samples (median)" if rss is not None else "one fresh process per function"
    result.markdown = _markdown(result, worst_init, worst_first, worst)
    return result


def _sam_build(scratch: Path, build: Path) -> str | None:
    if not SAM.exists():
        return f"{SAM} is missing (make .venv-sam/.installed)"
    python_dir = Path(sys.base_prefix) / "bin"
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": f"{python_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(SAM),
        "build",
        "--template",
        str(ROOT / "template.yaml"),
        "--base-dir",
        str(ROOT),
        "--build-dir",
        str(build),
        "--cache-dir",
        str(scratch / "cache"),
    ]
    # run from the scratch folder: SAM keeps dependency caches under ./.aws-sam, which must not be the project's
    done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    if done.returncode != 0:
        return "sam build failed:\n" + "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return None


def built_artifacts(result: PartResult, build: Path) -> None:
    # which folders are layers comes from the template, as for `make build` (a layer is not a function's zip)
    layer_ids = template_layers()
    layers = {name: _layer_figures(build / name) for name in sorted(layer_ids) if (build / name).is_dir()}
    users = _layer_users(layer_ids)
    for name, figures in layers.items():
        figures["used_by"] = users.get(name, [])
    zips = {d.name: _zip_size(d) for d in function_artifacts(build, layer_ids)}
    largest = max(zips, key=lambda k: zips[k]) if zips else "-"
    # Lambda mounts every layer read-only: a module without usable bytecode is compiled at every cold start
    missing_bytecode = [
        f"{name}: {problem}" for name in layers for problem in bytecode_problems(build / name / "python")
    ]
    common = layers.get(LAYER)
    result.checks.append(
        Check(
            "P4",
            f"{LAYER} unzipped (without boto3/botocore/s3transfer)",
            common["bytes"] / 1e6 if common else float("nan"),
            BUDGETS.layer_mb,
            "MB",
            note="" if common else f"sam build made no {LAYER}",
        )
    )
    result.checks += [
        Check(
            "P4",
            "layer modules without unchecked-hash CPython 3.13 bytecode (every layer)",
            len(missing_bytecode),
            0,
            "modules",
            note="; ".join(missing_bytecode[:3]),
        ),
        Check(
            "P4",
            "function zip (largest)",
            zips[largest] / 1024 if zips else float("nan"),
            BUDGETS.function_zip_kb,
            "KB",
            note=largest,
        ),
    ]
    result.data.update({"layers": layers, "function_zip_bytes": zips})


def _layer_figures(layer: Path) -> dict[str, Any]:
    """One built layer: bytes unzipped (without what the runtime provides), zipped, by top-level package, files."""
    counted = excluded = 0
    by_package: dict[str, int] = {}
    py_files = pyc_files = 0
    for path in layer.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(layer).parts
        top = relative[1] if len(relative) > 2 and relative[0] == "python" else relative[-1]
        size = path.stat().st_size
        if top.split(".")[0].split("-")[0] in RUNTIME_PROVIDED:
            excluded += size
            continue
        counted += size
        package = top.split("-")[0].split(".")[0]  # dist-info folders, modules and extension modules by name
        by_package[package] = by_package.get(package, 0) + size
        py_files += path.suffix == ".py"
        pyc_files += path.suffix == ".pyc"
    return {
        "bytes": counted,
        "excluded_runtime_bytes": excluded,
        "zip_bytes": _zip_size(layer),
        "by_package_bytes": dict(sorted(by_package.items(), key=lambda kv: -kv[1])),
        "py_files": py_files,
        "pyc_files": pyc_files,
    }


def _largest_with_layers(layers: dict[str, dict[str, Any]]) -> tuple[str, int] | None:
    """The function whose layers weigh the most, and that weight (its own zip is a few KB: left out)."""
    stacked: dict[str, int] = {}
    for layer in layers.values():
        for function in layer["used_by"]:
            stacked[function] = stacked.get(function, 0) + int(layer["bytes"])
    if not stacked:
        return None
    worst = max(stacked, key=lambda k: stacked[k])
    return worst, stacked[worst]


def _layer_users(layer_ids: frozenset[str]) -> dict[str, list[str]]:
    """The functions that list each layer (``Globals`` merged in, as SAM deploys them)."""
    from local import template as tpl  # noqa: PLC0415 - cfn-lint's decoder is slow to import

    template = tpl.load_template()
    users: dict[str, list[str]] = {}
    for function in tpl.resources_of_type("AWS::Serverless::Function", template):
        for layer in tpl.function_properties(function, template).get("Layers") or []:
            target = layer.get("Ref") if isinstance(layer, dict) else None
            if target in layer_ids:
                users.setdefault(str(target), []).append(function)
    return users


def _zip_size(folder: Path) -> int:
    """The deployment package's size: the folder deflated into a zip, in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return len(buffer.getvalue())


def _rss(fixtures: dict[str, Fixture], result: PartResult) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = {}
    for name in functions():
        try:
            outcome = run(probe_for(name, fixtures)).result
        except ProbeFailed as error:
            result.errors.append(str(error))
            continue
        found[name] = (outcome["rss_init_kb"] / 1024, outcome.get("rss_first_kb", outcome["rss_init_kb"]) / 1024)
    return found


def _markdown(result: PartResult, worst_init: float, worst_first: float, worst: str) -> str:
    data: dict[str, Any] = result.data
    lines = []
    if "layers" in data:
        zips: dict[str, int] = data["function_zip_bytes"]
        layers: dict[str, dict[str, Any]] = data["layers"]
        for name, layer in layers.items():
            packages = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in list(layer["by_package_bytes"].items())[:6])
            users: list[str] = layer["used_by"]
            budget = f"budget {BUDGETS.layer_mb:.0f} MB" if name == LAYER else "no budget of its own"
            used_by = (
                "every function"
                if len(users) == len(functions())
                else ", ".join(u.removesuffix("Function") for u in users)
            )
            lines.append(
                f"- {name} unzipped: **{layer['bytes'] / 1e6:.1f} MB** ({budget}; zipped {layer['zip_bytes'] / 1e6:.1f}"
                f" MB; by package, MB: {packages}); {layer['py_files']} `.py` files and {layer['pyc_files']} `.pyc`;"
                f" used by {used_by or 'no function'}"
            )
        lines += [
            f"- function zips ({len(zips)}): largest **{max(zips.values()) / 1024:.1f} KB**"
            f" ({max(zips, key=lambda k: zips[k])}; budget {BUDGETS.function_zip_kb:.0f} KB),"
            f" median {median([float(v) for v in zips.values()]) / 1024:.1f} KB",
            f"- only {LAYER} is held to the layer budget: every function mounts it, so its size is every deployment's"
            " and every cold start's; the other layers are paid only by the functions that list them, whose cold"
            " starts P1 measures. Every layer's modules must ship unchecked-hash bytecode (layers/*/Makefile).",
        ]
        stacked = _largest_with_layers(layers)
        if stacked:
            lines.append(
                f"- largest function with its layers, unzipped: {stacked[0].removesuffix('Function')}"
                f" {stacked[1] / 1e6:.1f} MB (Lambda's limit: {LAMBDA_UNZIPPED_MB} MB for a function and its layers)"
            )
    lines.append(
        f"- peak RSS ({data['rss_source']}): largest after init {fmt(worst_init)} MB, after the first request"
        f" **{fmt(worst_first)} MB** ({worst}; budget {BUDGETS.rss_mb:.0f} MB). In Lambda the runtime interface"
        " client comes on top (not measured here); the stubbed first request skips the TLS connection a real one"
        " opens, and holds the stub and its recorded responses instead."
    )
    rss: dict[str, dict[str, float]] = data["rss_mb"]
    top = sorted(rss.items(), key=lambda kv: -kv[1]["first_request"])[:8]
    lines += [
        "",
        table(
            ["function", "RSS MB after init", "RSS MB after first request"],
            [[k.removesuffix("Function"), fmt(v["init"]), fmt(v["first_request"])] for k, v in top],
        ),
    ]
    return "\n".join(lines)
