"""Helpers the test suites share: loading a function's handler the way Lambda does, building API Gateway
REST proxy events and a Lambda context, and signing in as demo principals (claims as the authorizer passes them)."""

from __future__ import annotations

import fcntl
import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypedDict, Unpack

from local import samples

ROOT = Path(__file__).resolve().parent.parent

ADMIN = {"sub": "admin-1", "email": "admin@demo.waiter", "cognito:groups": "admins"}
CUSTOMER = {"sub": "customer-1", "email": "customer@demo.waiter", "cognito:groups": "customers"}


def load_function(name: str) -> ModuleType:
    """Import ``functions/<name>/app.py`` under a unique module name (every function's file is called app.py)."""
    module_name = f"waiter_fn_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "functions" / name / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class LambdaContext:
    function_name: str = "test-function"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class EventOptions(TypedDict, total=False):
    """What an ``api_event`` may carry beside its route: a ``query``; a ``body`` (a dict or list is sent as JSON,
    anything else as is); ``headers`` (beside ``Content-Type: application/json``); the caller, as Cognito ``claims``
    or as the context a custom ``authorizer`` set (a partner's, which wins over claims); the client's ``source_ip``."""

    query: dict[str, str] | None
    body: Any
    headers: dict[str, str] | None
    claims: dict[str, str] | None
    authorizer: dict[str, str] | None
    source_ip: str | None


def api_event(
    method: str,
    path: str,
    *,
    resource: str | None = None,
    path_params: dict[str, str] | None = None,
    **options: Unpack[EventOptions],
) -> dict[str, Any]:
    """An API Gateway REST proxy event for ``path``, which may also be a resource (``/v1/carts/{restaurantId}``) to
    fill in from ``path_params``; ``resource`` defaults to ``path`` as given."""
    body, claims, authorizer = options.get("body"), options.get("claims"), options.get("authorizer")
    source_ip = options.get("source_ip")
    return samples.proxy_event(
        method,
        resource or path,
        path_params,
        path=samples.fill_path(path, path_params),
        query=options.get("query"),
        body=json.dumps(body) if isinstance(body, (dict, list)) else body,
        headers={"Content-Type": "application/json", **(options.get("headers") or {})},
        identity={"sourceIp": "127.0.0.1" if source_ip is None else source_ip, "userAgent": "pytest"},
        authorizer=authorizer if authorizer is not None else {"claims": claims} if claims else None,
    )


def call(name: str, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """Invoke a function's handler; returns (status, headers, decoded JSON body or raw text)."""
    result = load_function(name).lambda_handler(event, LambdaContext())
    headers = {k: v[-1] if isinstance(v, list) else v for k, v in (result.get("multiValueHeaders") or {}).items()}
    headers.update(result.get("headers") or {})
    body = result.get("body")
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = body
    return result["statusCode"], headers, decoded


def npm_ci_once(folder: Path, installed: Path, npm: str, shared: Path) -> None:
    """``npm ci`` in ``folder`` (its package-lock.json) unless ``installed`` exists, once for all of pytest-xdist's
    workers: under a lock in ``shared``, their common temporary folder (``tmp_path_factory.getbasetemp().parent``).
    ``npm ci`` first empties node_modules, so a second worker's install once removed a package while the first
    worker's tests were using it (MODULE_NOT_FOUND, in a clean-clone CI run)."""
    with (shared / f"npm-ci-{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not installed.exists():
            done = subprocess.run(  # noqa: S603 - npm from PATH, the folder's lock file
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=folder, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr[-2000:]
