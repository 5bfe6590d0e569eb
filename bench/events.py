"""API Gateway REST proxy events (and the partner authorizer's REQUEST event) as the benchmarks send them."""

from __future__ import annotations

import json
import uuid
from typing import Any

Claims = dict[str, str]


def claims(sub: str, group: str, *, restaurants: str | None = None, email: str | None = None) -> Claims:
    """A signed-in caller as the Cognito authorizer passes them."""
    found = {"sub": sub, "email": email or f"{sub}@bench.waiter", "cognito:groups": group}
    if restaurants is not None:
        found["custom:restaurants"] = restaurants
    return found


def api_event(
    method: str,
    resource: str,
    path_params: dict[str, str] | None = None,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    caller: Claims | None = None,
    authorizer: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST proxy event for ``resource`` (``/v1/carts/{restaurantId}``) with its path parameters filled in."""
    path = resource
    for name, value in (path_params or {}).items():
        path = path.replace("{" + name + "}", value)
    all_headers = {
        "Accept": "application/json",
        "Host": "api.bench.waiter",
        "User-Agent": "waiter-bench",
        **({"Content-Type": "application/json"} if body is not None else {}),
        **(headers or {}),
    }
    request_id = str(uuid.uuid4())
    context_authorizer: dict[str, Any] | None = {"claims": caller} if caller else None
    if authorizer is not None:
        context_authorizer = dict(authorizer)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "benchapi01",
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/dev{path}",
            "stage": "dev",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTimeEpoch": 1_767_225_600_000,
            "identity": {"sourceIp": "198.51.100.7", "userAgent": "waiter-bench"},
            "authorizer": context_authorizer,
        },
    }


def authorizer_event(api_key: str) -> dict[str, Any]:
    """The REQUEST event API Gateway sends the partner authorizer for ``GET /v1/partner/orders``."""
    headers = {"X-Api-Key": api_key, "Host": "api.bench.waiter"}
    return {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:benchapi01/dev/GET/v1/partner/orders",
        "resource": "/v1/partner/orders",
        "path": "/v1/partner/orders",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {},
        "pathParameters": {},
        "stageVariables": {},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "benchapi01",
            "stage": "dev",
            "httpMethod": "GET",
            "resourcePath": "/v1/partner/orders",
            "path": "/dev/v1/partner/orders",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "198.51.100.7"},
        },
    }


def decoded(result: Any) -> tuple[int | None, Any]:
    """``(status, JSON body)`` of a proxy result; ``(None, result)`` for anything else (an authorizer policy)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return None, result
    body = result.get("body")
    try:
        return int(result["statusCode"]), json.loads(body) if body else None
    except ValueError:
        return int(result["statusCode"]), body
