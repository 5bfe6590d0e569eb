"""REST adapter toolkit shared by every API function: errors as RFC 9457 problem+json (the one mapping), CORS,
ETag / If-Match, the caller's identity and the Lambda entry point with logging, metrics and the body limit.

Functions use it like this::

    app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS)
    rest.install(app)

    @app.get("/v1/things/<thing_id>", responses=rest.problems(404))
    def get_thing(thing_id: str) -> Response[ThingView]:
        return rest.ok(service().get(rest.caller(app), thing_id))

    lambda_handler = rest.entrypoint(app)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from waiter.errors import FieldError, Forbidden, PayloadTooLarge, ValidationFailed, WaiterError, problem_document
from waiter.identity import Principal, principal_from_authorizer
from waiter.model_base import WireModel
from waiter.observability import logger, metrics
from waiter.settings import get_settings

PROBLEM_JSON = "application/problem+json"

# Bearer tokens, not cookies, authenticate callers, so any origin may call the API from a browser.
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Api-Key"],
    expose_headers=["ETag", "Location", "Retry-After"],
    max_age=600,
)
_CORS_HEADERS = {"Access-Control-Allow-Origin": "*"}


class FieldProblem(WireModel):
    field: str
    message: str


class Problem(WireModel):
    """RFC 9457 problem details, as every error response carries them."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []
    request_id: str | None = None


_STATUS_TEXT = {
    400: "The request is malformed or fails validation",
    401: "Not signed in",
    403: "Not allowed",
    404: "No such resource",
    409: "Conflicts with the current state",
    412: "If-Match does not match the current ETag",
    413: "The body is larger than 64 KB",
    429: "Too many requests",
}


def problems(*statuses: int) -> dict[int, Any]:
    """OpenAPI ``responses`` for the error statuses a route can return, all as problem+json.

    >>> sorted(problems(404, 412))
    [400, 404, 412, 500]
    """
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "description": _STATUS_TEXT.get(status, "Unexpected error"),
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
        for status in sorted({400, 500, *statuses})
    }


def created(description: str) -> dict[int, Any]:
    """OpenAPI entry documenting a 201 Created with its ``Location`` and ``ETag`` headers."""
    return {201: {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}}


def problem_response(error: WaiterError, request_id: str | None) -> Response[str]:
    return Response(
        status_code=error.status,
        content_type=PROBLEM_JSON,
        body=json.dumps(problem_document(error, request_id)),
        headers=dict(error.headers),
    )


def _field_name(error: dict[str, Any]) -> str:
    """``body.address.city`` from pydantic's location; a JSON syntax error is about the whole body."""
    loc: Collection[Any] = error.get("loc", ())
    if error.get("type") == "json_invalid":
        return "body"
    return ".".join(str(part) for part in loc) or "body"


def install(app: APIGatewayRestResolver) -> None:
    """Register the one error mapping: domain errors, validation errors and the unexpected, all as problem+json."""

    def request_id() -> str | None:
        return app.current_event.request_context.request_id

    def domain_error(error: WaiterError) -> Response[str]:
        return problem_response(error, request_id())

    def invalid_request(error: RequestValidationError) -> Response[str]:
        fields = [FieldError(_field_name(e), _message(e)) for e in error.errors()]
        detail = "; ".join(f"{f.field}: {f.message}" for f in fields[:5]) or "the request is invalid"
        return problem_response(ValidationFailed(detail=detail, errors=fields), request_id())

    def unexpected(error: Exception) -> Response[str]:  # noqa: ARG001 - logged with its traceback below
        logger.exception("unhandled error")
        failure = WaiterError(detail="something went wrong on our side; it has been logged")
        return problem_response(failure, request_id())

    app.exception_handler(WaiterError)(domain_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(Exception)(unexpected)


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return "is not valid JSON"
    if error.get("type") == "extra_forbidden":
        return "is not a field you can set"
    return str(error.get("msg", "is invalid"))


# ---- request helpers ----------------------------------------------------------------------------------------


def caller(app: APIGatewayRestResolver) -> Principal:
    """The caller as the API's authorizer identified it (anonymous on public routes)."""
    context = app.current_event.get("requestContext") or {}
    return principal_from_authorizer(context.get("authorizer"))


def partner_restaurant(caller: Principal) -> str:
    """The one restaurant a partner key is scoped to; Forbidden for anyone but a partner."""
    if not caller.is_partner or len(caller.restaurants) != 1:
        raise Forbidden("partner routes take a partner API key (X-Api-Key)")
    return next(iter(caller.restaurants))


def header(app: APIGatewayRestResolver, name: str) -> str | None:
    """A request header, whatever case the client sent it in."""
    headers = app.current_event.headers or {}
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def source_ip(app: APIGatewayRestResolver) -> str:
    """The client's address as API Gateway saw it (the key for per-IP rate limits)."""
    return app.current_event.request_context.identity.source_ip or "unknown"


def if_match(app: APIGatewayRestResolver) -> frozenset[int] | None:
    """The versions an ``If-Match`` header accepts; ``None`` when absent or ``*``; an empty set when nothing parses."""
    value = header(app, "If-Match")
    if value is None or value.strip() == "*":
        return None
    versions: set[int] = set()
    for tag in value.split(","):
        version = tag.strip().removeprefix("W/").strip('"')
        if version.isdigit():
            versions.add(int(version))
    return frozenset(versions)


def ok[T: BaseModel](
    body: T | None, *, status: int = 200, version: int | None = None, location: str | None = None
) -> Response[T]:
    """A JSON response, with an ``ETag`` for ``version`` and a ``Location`` for created resources."""
    headers: dict[str, str] = {}
    if version is not None:
        headers["ETag"] = f'"{version}"'
    if location is not None:
        headers["Location"] = location
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


def no_content() -> Response[None]:
    return Response(status_code=204, body=None)


# ---- entry point --------------------------------------------------------------------------------------------

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def entrypoint(app: APIGatewayRestResolver) -> LambdaHandler:
    """The Lambda handler for ``app``: correlation id, cold-start metric, metrics flush and the body size limit."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        rejected = _reject_oversized(event) or _reject_array_body(event)
        return rejected if rejected is not None else app.resolve(event, context)

    return cast(LambdaHandler, handler)


def _reject_oversized(event: dict[str, Any]) -> dict[str, Any] | None:
    """413 before any parsing: the check runs ahead of validation, so a huge body is never decoded."""
    body = event.get("body") or ""
    limit = get_settings().max_body_bytes
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size <= limit:
        return None
    error = PayloadTooLarge(
        detail=f"the body is {size} bytes; the limit is {limit}", errors=[FieldError("body", "is too large")]
    )
    return _early_problem(error, event)


def _reject_array_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """400 for a JSON array body: Powertools would validate its first element as the body (every body is an object)."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded") or not body.lstrip().startswith("["):
        return None
    return _early_problem(ValidationFailed.on("body", "must be a JSON object"), event)


def _early_problem(error: WaiterError, event: dict[str, Any]) -> dict[str, Any]:
    """A problem+json result for a request refused before routing."""
    request_id = (event.get("requestContext") or {}).get("requestId")
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM_JSON, **_CORS_HEADERS},
        "body": json.dumps(problem_document(error, request_id)),
        "isBase64Encoded": False,
    }
