"""P4 tells the template's layers from its functions in `sam build`'s output (as `make build` does): every layer is
reported, the layer budget is the common layer's, and a function's own layer is never counted as a function zip."""

from __future__ import annotations

import py_compile
from pathlib import Path

from bench.footprint import built_artifacts
from bench.results import PartResult


def _compiled(site: Path, name: str, size: int) -> None:
    source = site / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("VALUE = 1\n" + "#" * size)
    py_compile.compile(
        str(source),
        cfile=str(source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"),
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def test_every_layer_is_reported_and_only_functions_count_as_function_zips(tmp_path: Path) -> None:
    _compiled(tmp_path / "CommonLayer" / "python", "waiter/__init__.py", 1_000)
    _compiled(tmp_path / "PaymentsLayer" / "python", "stripe/__init__.py", 200_000)
    _compiled(tmp_path / "TokensLayer" / "python", "jwt/__init__.py", 1_000)
    (tmp_path / "GetMeFunction").mkdir()
    (tmp_path / "GetMeFunction" / "app.py").write_text("def lambda_handler(event, context): ...\n")
    result = PartResult("P4", "Footprint")

    built_artifacts(result, tmp_path)

    assert set(result.data["function_zip_bytes"]) == {"GetMeFunction"}
    assert set(result.data["layers"]) == {"CommonLayer", "PaymentsLayer", "TokensLayer"}
    assert result.data["layers"]["PaymentsLayer"]["by_package_bytes"].keys() == {"stripe"}
    assert "CreatePaymentFunction" in result.data["layers"]["PaymentsLayer"]["used_by"]
    checks = {check.name: check for check in result.checks}
    assert checks["CommonLayer unzipped (without boto3/botocore/s3transfer)"].value < 0.01  # MB: the small one
    assert checks["function zip (largest)"].note == "GetMeFunction"
    assert all(check.passed for check in result.checks)


def test_a_module_without_bytecode_in_any_layer_fails_the_bytecode_check(tmp_path: Path) -> None:
    _compiled(tmp_path / "CommonLayer" / "python", "waiter/__init__.py", 10)
    (tmp_path / "TokensLayer" / "python" / "jwt").mkdir(parents=True)
    (tmp_path / "TokensLayer" / "python" / "jwt" / "__init__.py").write_text("")
    result = PartResult("P4", "Footprint")

    built_artifacts(result, tmp_path)

    bytecode = next(c for c in result.checks if "bytecode" in c.name)
    assert (bytecode.value, bytecode.passed) == (1, False)
    assert bytecode.note == "TokensLayer: no bytecode for jwt/__init__.py"
