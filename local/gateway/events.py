"""API Gateway REST (v1 payload) proxy integration, both ways: an HTTP request as the event a Lambda receives, and
the Lambda's result as the HTTP response, including the errors API Gateway itself answers with.

Protocol-free: requests and responses are small dataclasses, so this is tested without a server.
Header names arrive lower-cased (ASGI servers normalise them, as HTTP/2 clients send them); handlers must look
headers up case-insensitively, which Powertools' event classes do.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from local.gateway.intrinsics import ACCOUNT_ID

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024  # Lambda's synchronous response limit
NO_CONTENT_STATUSES = frozenset({204, 304})  # responses without content: no body, no Content-Type, no Content-Length

# Content types whose bodies are text; anything else (images, octet-stream, multipart) travels base64-encoded.
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded")
_TEXT_SUFFIXES = ("+json", "+xml", "/javascript", "/yaml", "/x-yaml", "/graphql")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An HTTP request as the gateway received it."""

    method: str
    path: str  # percent-encoded, as sent
    query_string: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    scheme: str = "http"
    port: int = 80

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive)."""
        name = name.lower()
        values = [v for k, v in self.headers if k.lower() == name]
        return values[-1] if values else None


@dataclass(slots=True)
class HttpResponse:
    """An HTTP response to send: status, headers in order (a name may repeat) and the body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class MalformedResultError(ValueError):
    """The handler returned something API Gateway cannot turn into a response ("Malformed Lambda proxy response")."""


# ---- request -> event ---------------------------------------------------------------------------------------


def rest_event(
    request: HttpRequest,
    *,
    resource: str,
    path_parameters: Mapping[str, str],
    stage: str,
    request_id: str | None = None,
    api_id: str = "local",
    now_ms: int | None = None,
) -> dict[str, Any]:
    """The API Gateway REST proxy event (payload version 1.0) for ``request`` routed to ``resource``."""
    path = unquote(request.path)
    headers = _forwarded(request)
    body, is_base64 = encode_body(request.body, request.header("content-type"))
    query = parse_qsl(request.query_string, keep_blank_values=True)
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    request_id = request_id or str(uuid.uuid4())
    host = request.header("host") or "localhost"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": _single(headers),
        "multiValueHeaders": _multi(headers),
        "queryStringParameters": _single(query),
        "multiValueQueryStringParameters": _multi(query),
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "extendedRequestId": request_id,
            "httpMethod": request.method,
            "identity": _identity(request),
            "path": path,
            "protocol": request.protocol,
            "requestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now_ms / 1000)),
            "requestTimeEpoch": now_ms,
            "resourceId": f"{zlib.crc32(resource.encode()):08x}"[:6],
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def encode_body(body: bytes, content_type: str | None) -> tuple[str | None, bool]:
    """The event's ``body`` and ``isBase64Encoded``: text as is; binary types and non-UTF-8 bytes as base64.

    >>> encode_body(b'{"a": 1}', "application/json")
    ('{"a": 1}', False)
    >>> encode_body(b"\\x89PNG", "image/png")
    ('iVBORw==', True)
    >>> encode_body(b"", None)
    (None, False)
    """
    if not body:
        return None, False
    if is_text_type(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def is_text_type(content_type: str | None) -> bool:
    """True for content types whose bodies are text (a missing type counts as text, as for curl -d)."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith(_TEXT_SUFFIXES)


def _forwarded(request: HttpRequest) -> list[tuple[str, str]]:
    """The request's headers plus the X-Forwarded-* ones API Gateway adds."""
    added = [
        ("x-forwarded-for", request.source_ip),
        ("x-forwarded-port", str(request.port)),
        ("x-forwarded-proto", request.scheme),
    ]
    own = {name for name, _ in added}
    return [(k, v) for k, v in request.headers if k.lower() not in own] + added


def _single(pairs: list[tuple[str, str]]) -> dict[str, str] | None:
    """The last value per name; None when there are none, as API Gateway sends it."""
    return dict(pairs) or None


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]] | None:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped or None


def _identity(request: HttpRequest) -> dict[str, Any]:
    unset = (
        "accessKey",
        "accountId",
        "apiKey",
        "apiKeyId",
        "caller",
        "clientCert",
        "cognitoAuthenticationProvider",
        "cognitoAuthenticationType",
        "cognitoIdentityId",
        "cognitoIdentityPoolId",
        "principalOrgId",
        "user",
        "userArn",
    )
    return {**dict.fromkeys(unset), "sourceIp": request.source_ip, "userAgent": request.header("user-agent")}


# ---- result -> response -------------------------------------------------------------------------------------


def proxy_response(result: Any) -> HttpResponse:
    """The HTTP response API Gateway makes of a proxy integration result; MalformedResultError when it cannot.

    ``headers`` and ``multiValueHeaders`` are merged as API Gateway merges them: a name in ``multiValueHeaders``
    takes its values from there only.
    """
    if not isinstance(result, dict):
        raise MalformedResultError(f"the result is a {type(result).__name__}, not an object")
    status = result.get("statusCode")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResultError(f"statusCode {status!r} is not an HTTP status")
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResultError(f"body is a {type(body).__name__}, not a string")
    if body is not None and len(body) > MAX_LAMBDA_RESPONSE_BYTES:
        raise MalformedResultError("the response is larger than Lambda's 6 MB limit")
    headers = _merged_headers(result.get("headers"), result.get("multiValueHeaders"))
    if status in NO_CONTENT_STATUSES:
        # RFC 9110 (15.3.5, 15.4.5): a 204 or 304 ends at its headers; it describes no content, so it names no type.
        return HttpResponse(status, [(n, v) for n, v in headers if n.lower() != "content-type"], b"")
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))  # API Gateway's default
    return HttpResponse(status, headers, _decode_body(body or "", bool(result.get("isBase64Encoded"))))


def _merged_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    if single is not None and not isinstance(single, dict):
        raise MalformedResultError("headers is not an object")
    if multi is not None and not isinstance(multi, dict):
        raise MalformedResultError("multiValueHeaders is not an object")
    merged: list[tuple[str, str]] = []
    for name, values in (multi or {}).items():
        if not isinstance(values, list):
            raise MalformedResultError(f"multiValueHeaders[{name!r}] is not a list")
        merged.extend((str(name), _header_text(v)) for v in values)
    multi_names = {str(n).lower() for n in multi or {}}
    merged.extend((str(n), _header_text(v)) for n, v in (single or {}).items() if str(n).lower() not in multi_names)
    return [(n, v) for n, v in merged if n.lower() not in ("content-length", "transfer-encoding", "connection")]


def _header_text(value: Any) -> str:
    if isinstance(value, dict | list):
        raise MalformedResultError(f"header value {value!r} is not a scalar")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _decode_body(body: str, is_base64: bool) -> bytes:
    if not is_base64:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MalformedResultError("isBase64Encoded is true but body is not base64") from error


# ---- API Gateway's own answers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GatewayError:
    """An answer API Gateway makes itself, of a gateway response type the API may customise (its status, headers and
    body: ``local.gateway.gateway_responses``); uncustomised, it is ``{"message": ...}``."""

    response_type: str  # as in the template's GatewayResponses
    status: int
    message: str | None  # None: API Gateway's {"message": null} (a failed authorizer)
    error_type: str | None = None  # x-amzn-ErrorType


MISSING_ROUTE = GatewayError(
    "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException"
)
INTEGRATION_FAILED = GatewayError("DEFAULT_5XX", 502, "Internal server error", "InternalServerErrorException")
INTEGRATION_TIMEOUT = GatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out")
REQUEST_TOO_LARGE = GatewayError("REQUEST_TOO_LARGE", 413, "Request Too Long")

# What authorizers, API keys and usage plans answer.
UNAUTHORIZED = GatewayError("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException")
ACCESS_DENIED = GatewayError(
    "ACCESS_DENIED", 403, "User is not authorized to access this resource", "AccessDeniedException"
)
EXPLICITLY_DENIED = GatewayError(
    "ACCESS_DENIED",
    403,
    "User is not authorized to access this resource with an explicit deny",
    "AccessDeniedException",
)
AUTHORIZER_CONFIGURATION_ERROR = GatewayError(
    "AUTHORIZER_CONFIGURATION_ERROR", 500, None, "AuthorizerConfigurationException"
)
INVALID_API_KEY = GatewayError("INVALID_API_KEY", 403, "Forbidden", "ForbiddenException")
THROTTLED = GatewayError("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException")
QUOTA_EXCEEDED = GatewayError("QUOTA_EXCEEDED", 429, "Limit Exceeded", "LimitExceededException")


def preflight(headers: Mapping[str, str]) -> HttpResponse:
    """The answer of the mock integration SAM puts on OPTIONS for an API with ``Cors``."""
    return HttpResponse(200, [("Content-Type", "application/json"), *headers.items()], b"")
