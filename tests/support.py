"""Helpers the test suites share: loading a function's handler the way Lambda does, building API Gateway
REST proxy events and a Lambda context, and signing in as demo principals (claims as the authorizer passes them)."""

from __future__ import annotations

import importlib.util
import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

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


def api_event(
    method: str,
    path: str,
    *,
    resource: str | None = None,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event. ``body`` may be a dict (sent as JSON) or a raw string."""
    raw_body = json.dumps(body) if isinstance(body, (dict, list)) else body
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    request_id = str(uuid.uuid4())
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "body": raw_body,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": resource or path,
            "httpMethod": method,
            "path": f"/dev{path}",
            "stage": "dev",
            "requestId": request_id,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
            "authorizer": {"claims": claims} if claims else None,
        },
    }


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
