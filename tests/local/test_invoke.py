"""``python -m local.invoke``: one function, one event, the result as JSON on stdout (as ``sam local invoke``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from local.template import ROOT
from tests.local.conftest import TinyApp


def invoke(app: TinyApp, function: str, event: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local.invoke", function, str(event_file), "--template", str(app.template), "--no-seed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_invoke_prints_only_the_handlers_result_on_stdout(tiny_app: TinyApp, tmp_path: Path) -> None:
    done = invoke(tiny_app, "EchoFunction", {"path": "/echo/x", "pathParameters": {"word": "x"}}, tmp_path)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["statusCode"] == 200
    seen = json.loads(result["body"])
    assert seen["event"]["pathParameters"] == {"word": "x"}
    assert seen["env"]["GREETING"] == "hello-test"
    assert seen["env"]["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")


def test_invoke_exits_non_zero_with_the_error_when_the_handler_raises(tiny_app: TinyApp, tmp_path: Path) -> None:
    done = invoke(tiny_app, "ReplyFunction", {"pathParameters": {"kind": "raise"}}, tmp_path)

    assert done.returncode == 1
    assert json.loads(done.stdout) == {"errorMessage": "the handler blew up", "errorType": "RuntimeError"}
    assert "Traceback" in done.stderr


@pytest.mark.parametrize("function", ["NoSuchFunction"])
def test_invoke_refuses_a_function_the_template_does_not_declare(
    tiny_app: TinyApp, tmp_path: Path, function: str
) -> None:
    done = invoke(tiny_app, function, {}, tmp_path)

    assert done.returncode == 2
    assert "EchoFunction" in done.stderr
