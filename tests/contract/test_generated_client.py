"""A client generated from openapi.json (openapi-python-client, as a user would make one) asks for what the server
requires: a checkout cannot be written without its Idempotency-Key."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from local.template import ROOT

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "waiter_generated_client"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package, imported; generated once per module (about 3 s: no formatter hooks)."""
    where = tmp_path_factory.mktemp("client")
    (where / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    subprocess.run(  # noqa: S603 - the generator installed beside our interpreter
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(ROOT / "openapi.json"),
            "--output-path",
            str(where / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(where / "config.yaml"),
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(f"{PACKAGE}.api.orders.checkout")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.mark.parametrize("function", ["sync", "sync_detailed", "asyncio", "asyncio_detailed"])
def test_the_generated_checkout_takes_the_idempotency_key_as_a_required_argument(
    client: ModuleType, function: str
) -> None:
    parameter = inspect.signature(getattr(client, function)).parameters["idempotency_key"]

    assert parameter.default is inspect.Parameter.empty
    assert parameter.annotation in (str, "str")
