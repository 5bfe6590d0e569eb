"""Checks `sam build`'s output before anything is deployed from it (run by `make build`):

- the common layer holds the waiter package and its dependencies, built for arm64;
- every module in every layer of the template (the common layer and the functions' own, such as the payment
  provider's SDK) ships its bytecode for CPython 3.13, hash-based and unchecked, so Lambda (which mounts
  the layer read-only) never compiles it at a cold start and never discards it over a timestamp;
- each function's artifact is its handler only (plus the API docs function's OpenAPI document).

Usage: ``python -m local.build_check [.aws-sam/build]``; exits 1 listing every problem.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from local.template import resources_of_type

LAYER = "CommonLayer"
REQUIRED_PACKAGES = ("waiter", "aws_lambda_powertools", "pydantic", "pydantic_core")
FUNCTION_EXTRAS = {"ApiDocsFunction": {"openapi.json"}}
CACHE_TAG = "cpython-313"
_FLAG_HASH_BASED = 0b01
_FLAG_CHECK_SOURCE = 0b10


def pyc_path(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"


def bytecode_problems(site: Path) -> list[str]:
    """Every .py below ``site`` without a 3.13 .pyc that is hash-based and unchecked."""
    problems = []
    magic = importlib.util.MAGIC_NUMBER if sys.version_info[:2] == (3, 13) else None
    for source in sorted(site.rglob("*.py")):
        compiled = pyc_path(source)
        if not compiled.is_file():
            problems.append(f"no bytecode for {source.relative_to(site)}")
            continue
        header = compiled.read_bytes()[:8]
        flags = int.from_bytes(header[4:8], "little")
        if magic is not None and header[:4] != magic:
            problems.append(f"{compiled.relative_to(site)} is not CPython 3.13 bytecode")
        elif flags & _FLAG_HASH_BASED == 0 or flags & _FLAG_CHECK_SOURCE:
            problems.append(f"{compiled.relative_to(site)} is not unchecked-hash bytecode")
    return problems


def layer_problems(layer: Path) -> list[str]:
    site = layer / "python"
    problems = [f"the layer lacks python/{name}" for name in REQUIRED_PACKAGES if not (site / name).is_dir()]
    binaries = list((site / "pydantic_core").glob("_pydantic_core*.so"))
    if not any("aarch64" in b.name for b in binaries):
        problems.append("pydantic_core in the layer is not built for arm64 (aarch64)")
    return problems + bytecode_problems(site)


def other_layer_problems(layer: Path) -> list[str]:
    """A function's own layer (its ``requirements.txt`` installed by its Makefile): present, and compiled."""
    site = layer / "python"
    if not site.is_dir():
        return [f"{layer.name} lacks python/"]
    return [f"{layer.name}: {problem}" for problem in bytecode_problems(site)]


def template_layers() -> frozenset[str]:
    """The logical ids of the template's layers. ``sam build`` names each artifact folder after its resource, so
    these folders of a build are layers and every other folder is a function's."""
    return frozenset(resources_of_type("AWS::Serverless::LayerVersion")) | {LAYER}


def function_artifacts(build: Path, layers: frozenset[str] = frozenset({LAYER})) -> list[Path]:
    """The functions' artifact folders of a build: every folder but the ``layers``', by name."""
    return sorted(p for p in build.iterdir() if p.is_dir() and p.name not in layers)


def function_problems(build: Path, layers: frozenset[str] = frozenset({LAYER})) -> list[str]:
    problems = []
    for artifact in function_artifacts(build, layers):
        allowed = {"app.py"} | FUNCTION_EXTRAS.get(artifact.name, set())
        extra = {str(f.relative_to(artifact)) for f in artifact.rglob("*") if f.is_file()} - allowed
        problems += [f"{artifact.name} should hold only its handler, not {name}" for name in sorted(extra)]
    return problems


def main(argv: list[str]) -> int:
    build = Path(argv[0] if argv else ".aws-sam/build")
    layers = template_layers()
    problems = layer_problems(build / LAYER) + function_problems(build, layers)
    for other in sorted(layers - {LAYER}):
        problems += other_layer_problems(build / other)
    for problem in problems[:50]:
        print(f"error: {problem}", file=sys.stderr)
    if len(problems) > 50:
        print(f"error: ... and {len(problems) - 50} more", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
