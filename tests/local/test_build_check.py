"""`make build`'s check of sam build's output: every layer of the template is compiled, and no layer is mistaken
for a function artifact holding more than its handler."""

from __future__ import annotations

import py_compile
from pathlib import Path

from local.build_check import function_problems, other_layer_problems
from local.template import ROOT, resources_of_type


def _compiled(site: Path, name: str) -> None:
    source = site / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("VALUE = 1\n")
    py_compile.compile(
        str(source),
        cfile=str(source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"),
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )


def test_a_functions_own_layer_is_not_read_as_a_function_artifact(tmp_path: Path) -> None:
    _compiled(tmp_path / "TokensLayer" / "python", "jwt/__init__.py")
    (tmp_path / "GetMeFunction").mkdir()
    (tmp_path / "GetMeFunction" / "app.py").write_text("")

    assert function_problems(tmp_path, frozenset({"CommonLayer", "TokensLayer"})) == []
    assert function_problems(tmp_path) != []  # without the template's layers it would be a function with extras


def test_a_layer_module_without_its_bytecode_is_a_problem(tmp_path: Path) -> None:
    site = tmp_path / "PaymentsLayer" / "python"
    _compiled(site, "stripe/__init__.py")
    (site / "stripe" / "_error.py").write_text("")

    assert other_layer_problems(tmp_path / "PaymentsLayer") == ["PaymentsLayer: no bytecode for stripe/_error.py"]
    assert other_layer_problems(tmp_path / "Missing") == ["Missing lacks python/"]


def test_every_layer_of_the_template_is_built_and_compiled_by_its_own_makefile() -> None:
    for logical_id, layer in resources_of_type("AWS::Serverless::LayerVersion").items():
        assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}, logical_id
        recipe = (ROOT / str(layer["Properties"]["ContentUri"]) / "Makefile").read_text()
        assert f"build-{logical_id}:" in recipe
        assert "--platform manylinux2014_aarch64 --implementation cp --python-version 3.13" in recipe
        assert "--invalidation-mode unchecked-hash" in recipe
