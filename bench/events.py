"""API Gateway REST proxy events (and the partner authorizer's REQUEST event) as the benchmarks send them: the shapes
of ``local.samples`` with the bench's headers, API id and client address."""

from __future__ import annotations

import json
import uuid
from typing import Any

from local import samples

Claims = dict[str, str]
HOST = "api.bench.waiter"
API_ID = "benchapi01"
SOURCE_IP = "198.51.100.7"


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
    all_headers = {
        "Accept": "application/json",
        "Host": HOST,
        "User-Agent": "waiter-bench",
        **({"Content-Type": "application/json"} if body is not None else {}),
        **(headers or {}),
    }
    context_authorizer: dict[str, Any] | None = {"claims": caller} if caller else None
    if authorizer is not None:
        context_authorizer = dict(authorizer)
    return samples.proxy_event(
        method,
        resource,
        path_params,
        query=query,
        body=json.dumps(body) if body is not None else None,
        headers=all_headers,
        identity={"sourceIp": SOURCE_IP, "userAgent": "waiter-bench"},
        authorizer=context_authorizer,
        context={
            "accountId": samples.ACCOUNT_ID,
            "apiId": API_ID,
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": 1_767_225_600_000,
        },
    )


SOAP_NAMESPACE = "https://waiter.dev/soap/pos/v1"  # waiter.adapters.soap.pos.NAMESPACE (not imported: XML libs)


def soap_event(operation: str, inner: str = "", *, authorizer: dict[str, str]) -> dict[str, Any]:
    """A SOAP 1.1 request to ``POST /v1/soap/pos`` calling ``operation`` with ``inner`` (``pos:``-prefixed elements)."""
    event = api_event(
        "POST",
        "/v1/soap/pos",
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_NAMESPACE}/{operation}"'},
        authorizer=authorizer,
    )
    event["body"] = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
        f' xmlns:pos="{SOAP_NAMESPACE}"><soap:Body><pos:{operation}>{inner}</pos:{operation}></soap:Body>'
        "</soap:Envelope>"
    )
    return event


def authorizer_event(api_key: str) -> dict[str, Any]:
    """The REQUEST event API Gateway sends the partner authorizer for ``GET /v1/partner/orders``."""
    headers = {"X-Api-Key": api_key, "Host": HOST}
    return samples.authorizer_event(headers, api_id=API_ID, request_id=str(uuid.uuid4()), source_ip=SOURCE_IP)


def decoded(result: Any) -> tuple[int | None, Any]:
    """``(status, JSON body)`` of a proxy result; ``(None, result)`` for anything else (an authorizer policy)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return None, result
    body = result.get("body")
    try:
        return int(result["statusCode"]), json.loads(body) if body else None
    except ValueError:
        return int(result["statusCode"]), body


WS_API_ID = "benchws001"


def ws_event(route_key: str, connection_id: str, caller: Claims, body: Any = None) -> dict[str, Any]:
    """A WebSocket API event for ``route_key`` (``$connect``, ``subscribe``...) on ``connection_id``, from a caller
    the ``$connect`` authorizer let in (its context, as ``WsAuthorizerFunction`` returns it)."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    domain = f"{WS_API_ID}.execute-api.us-east-1.amazonaws.com"
    event: dict[str, Any] = {
        "headers": {"Host": domain, "Sec-WebSocket-Version": "13"} if event_type == "CONNECT" else None,
        "requestContext": {
            "stage": "dev",
            "domainName": domain,
            "apiId": WS_API_ID,
            "connectionId": connection_id,
            "connectedAt": 1_767_225_600_000,
            "requestTimeEpoch": 1_767_225_600_500,
            "requestId": str(uuid.uuid4()),
            "messageDirection": "IN",
            "identity": {"sourceIp": SOURCE_IP, "userAgent": "waiter-bench"},
            "routeKey": route_key,
            "eventType": event_type,
            "authorizer": {
                "principalId": caller["sub"],
                "sub": caller["sub"],
                "cognito:groups": caller["cognito:groups"],
                "custom:restaurants": caller.get("custom:restaurants", ""),
            },
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def queue_event(detail_type: str, detail: dict[str, Any], *, queue: str = "live") -> dict[str, Any]:
    """An SQS batch of one message: a domain event as the bus's rule delivers it to ``queue`` (an EventBridge
    envelope in the body)."""
    envelope = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": "waiter.orders",
        "account": samples.ACCOUNT_ID,
        "time": "2026-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench-receipt",
                "body": json.dumps(envelope),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:{samples.ACCOUNT_ID}:waiter-dev-{queue}",
                "awsRegion": "us-east-1",
            }
        ]
    }
