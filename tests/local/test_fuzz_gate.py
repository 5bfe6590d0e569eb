"""The fuzz gate (``make fuzz``, local/fuzz.py) fails on what it is there to catch: a document that allows what
the API refuses ("schema validation mismatch") and operations that only ever answer 404 ("missing test data"), with
its stateful phase on and every operation of openapi.json in one caller's run."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from local import fuzz
from local.template import ROOT

# A tiny API: GET /things/{thingId} finds nothing (404), POST /things refuses every body (400), GET /ping answers,
# GET /boom fails (500).
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "gate", "version": "1"},
    "paths": {
        "/things/{thingId}": {
            "get": {
                "operationId": "getThing",
                "parameters": [{"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}, "404": {"description": "none"}},
            }
        },
        "/things": {
            "post": {
                "operationId": "createThing",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object", "properties": {}}}},
                },
                "responses": {"201": {"description": "made"}, "400": {"description": "refused"}},
            }
        },
        "/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "pong"}}}},
        "/boom": {"get": {"operationId": "boom", "responses": {"200": {"description": "never: it fails"}}}},
    },
}


class _Tiny(BaseHTTPRequestHandler):
    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._answer(200 if self.path.startswith("/ping") else 500 if self.path.startswith("/boom") else 404)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(400)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method: 405, as the API answers
            return lambda: self._answer(405)
        raise AttributeError(name)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def tiny_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiny)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _gate(tmp_path: Path, url: str, operations: list[str]) -> subprocess.CompletedProcess[str]:
    """The gate's own Schemathesis command and configuration (as an anonymous caller), on the tiny API."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "spec.json").write_text(json.dumps(SPEC), encoding="utf-8")
    anonymous = next(c for c in fuzz.CALLERS if c.email is None)
    (tmp_path / "schemathesis.toml").write_text(fuzz.config(anonymous, fuzz.Known({})), encoding="utf-8")
    line = fuzz.command(tmp_path / "spec.json", url, tmp_path, operations, 5)
    return subprocess.run(line, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)  # noqa: S603


def test_an_operation_that_only_answers_404_fails_the_gate(tmp_path: Path, tiny_api: str) -> None:
    done = _gate(tmp_path, tiny_api, ["getThing"])

    assert done.returncode != 0, done.stdout
    assert "Missing test data" in done.stdout


def test_an_operation_that_refuses_what_the_document_allows_fails_the_gate(tmp_path: Path, tiny_api: str) -> None:
    done = _gate(tmp_path, tiny_api, ["createThing"])

    assert done.returncode != 0, done.stdout
    assert "Schema validation mismatch" in done.stdout


def test_an_operation_that_answers_as_documented_passes_the_gate(tmp_path: Path, tiny_api: str) -> None:
    done = _gate(tmp_path, tiny_api, ["ping"])

    assert done.returncode == 0, done.stdout


def test_a_failed_runs_digest_names_each_operation_with_what_failed_there(tmp_path: Path, tiny_api: str) -> None:
    done = _gate(tmp_path, tiny_api, ["getThing", "createThing", "boom", "ping"])

    found = fuzz.digest(done.stdout.splitlines())

    assert done.returncode != 0
    assert "GET /boom: ST101 Server error; ST103 Undocumented status code" in found, found
    assert "warning Missing test data: GET /things/{thingId}" in found, found
    assert "warning Schema validation mismatch: POST /things" in found, found
    assert not any("ping" in line or "Unmatched filters" in line for line in found), found
    assert re.fullmatch(r"2 failures, \d+ warnings in [\d.]+s", found[-1]), found  # the run's closing line


def test_the_gate_fails_on_both_warnings_and_runs_the_stateful_phase() -> None:
    settings = tomllib.loads(fuzz.config(fuzz.CALLERS[0], fuzz.Known({"path.orderId": ["o1"]})))

    assert set(settings["warnings"]["fail-on"]) == {"validation_mismatch", "missing_test_data"}
    assert "stateful" in fuzz.PHASES.split(",")
    assert settings["parameters"]["path.orderId"]["dictionary"] == "path.orderId"


def test_every_operation_of_the_document_is_in_one_callers_run() -> None:
    spec = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))

    assert fuzz.check_coverage(spec) == []


def test_an_operation_expected_to_refuse_passes_the_gate_and_only_that_one(
    tmp_path: Path, tiny_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fuzz, "EXPECTED_REFUSALS", {"createThing": "refuses every body, by design"})

    excused = _gate(tmp_path / "excused", tiny_api, ["createThing"])
    others = _gate(tmp_path / "others", tiny_api, ["getThing"])

    assert excused.returncode == 0, excused.stdout
    assert others.returncode != 0, others.stdout
    assert "Missing test data" in others.stdout


def test_operations_that_use_up_their_data_draw_no_ids_from_the_runs_responses() -> None:
    """An operation that empties, checks out, cancels or deletes must not reach what only another operation draws
    (``Known``) by an id it saw in a response: it draws from its own dictionaries and random values only."""
    own = {"emptyCart": {"path.restaurantId": ["r"]}, "updateCartItem": {"path.lineId": ["l"]}}
    settings = tomllib.loads(fuzz.config(fuzz.CALLERS[0], fuzz.Known({}, own)))
    blocks = {block["include-operation-id"]: block for block in settings["operations"]}

    assert set(fuzz.CONSUMING) <= set(blocks)
    for operation in fuzz.CONSUMING:
        phases = blocks[operation]["phases"]
        assert {phase: phases[phase]["extra-data-sources"]["responses"] for phase in fuzz.DATA_PHASES} == {
            "examples": False,
            "coverage": False,
            "fuzzing": False,
        }, operation
    assert blocks["emptyCart"]["parameters"]["path.restaurantId"]["dictionary"] == "emptyCart.path.restaurantId"
    assert "phases" not in blocks["updateCartItem"]  # the others still learn from responses


def test_every_expected_refusal_is_an_operation_of_the_document() -> None:
    spec = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    operation_ids = {o["operationId"] for path_item in spec["paths"].values() for o in path_item.values()}

    assert set(fuzz.EXPECTED_REFUSALS) <= operation_ids
    assert set(fuzz.CONSUMING) <= operation_ids
