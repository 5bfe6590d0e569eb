"""REST adapter toolkit shared by every API function: errors as RFC 9457 problem+json (the one mapping), CORS,
ETag / If-Match, caching (``Cache-Control`` on every response, conditional GETs answering 304), the caller's
identity and the Lambda entry point with logging, metrics and the refusals before routing (malformed ids,
oversized or non-JSON bodies).

Functions use it like this::

    app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
    rest.install(app)

    @app.get("/v1/things/<thing_id>", responses=rest.problems(404))
    def get_thing(thing_id: str) -> Response[ThingView]:
        return rest.ok(service().get(rest.caller(app), thing_id))

    lambda_handler = rest.entrypoint(app)

A public read declares its caching policy once, for the contract and for the response::

    CACHE = rest.PublicCache(max_age_s=30, stale_while_revalidate_s=60)

    @app.get("/v1/things/<thing_id>", responses={**CACHE.responses("The thing"), **rest.problems(404)})
    def get_thing(thing_id: str) -> Response[ThingView]:
        return rest.ok(service().get(rest.caller(app), thing_id), cache=CACHE)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import ProxyEventType
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.data_classes.common import CaseInsensitiveDict
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from waiter.errors import (
    FieldError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    WaiterError,
    problem_document,
)
from waiter.identity import Principal, principal_from_authorizer
from waiter.identity import partner_restaurant as partner_restaurant  # noqa: PLC0414 - re-exported for partner routes
from waiter.model_base import WireModel
from waiter.observability import logger, metrics
from waiter.settings import get_settings

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"

# Every id in a path (restaurant, menu item, order, cart line, API key, user) is short and URL-safe: hex, or a
# Cognito sub (a UUID). `entrypoint` refuses anything else with 400, and the OpenAPI document states the pattern on
# every path parameter (local/openapi.py), so what the contract says and what the API accepts are the same.
PATH_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_PATH_ID = re.compile(PATH_ID_PATTERN)

# Bearer tokens, not cookies, authenticate callers, so any origin may call the API from a browser.
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Api-Key"],
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
    415: "The body is not application/json",
    429: "Too many requests",
    503: "An outside service is unavailable; try again after Retry-After seconds",
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


# The extension a success response names the ids it gives out with; local/openapi.py turns it into OpenAPI links.
IDS_EXTENSION = "x-waiter-ids"


def success(description: str, status: int = 200, *, ids: Mapping[str, str] | None = None) -> dict[int, Any]:
    """OpenAPI entry documenting the success response; its body schema is the handler's return annotation.

    Powertools documents a route's return type only when the route declares no ``responses``; every route
    declares its problems, so every route names its success response with this (or ``created``).

    ``ids`` names the ids the response gives out, each as the parameter other operations take it as (a path
    parameter such as ``orderId``, or ``body.code``) and where it is in the body (a JSON pointer). The document
    links this operation to every operation taking one (``local/openapi.py``), so a client, Swagger UI or a
    stateful fuzzer can go on from it:

    >>> success("My cart", ids={"lineId": "/lines/0/lineId"})[200]["x-waiter-ids"]
    {'lineId': '/lines/0/lineId'}
    """
    response: dict[str, Any] = {"description": description}
    if ids:
        response[IDS_EXTENSION] = dict(ids)
    return {status: response}


def created(description: str, *, ids: Mapping[str, str] | None = None) -> dict[int, Any]:
    """OpenAPI entry documenting a 201 Created with its ``Location`` header; ``ids`` as for ``success``."""
    response = success(description, 201, ids=ids)[201]
    response["headers"] = {"Location": {"schema": {"type": "string"}}}
    return {201: response}


def problem_response(error: WaiterError, request_id: str | None) -> Response[str]:
    return Response(
        status_code=error.status,
        content_type=PROBLEM_JSON,
        body=json.dumps(problem_document(error, request_id)),
        headers=dict(error.headers),
    )


def _field_name(error: dict[str, Any]) -> str:
    """``body.address.city`` from pydantic's location; a JSON syntax error is about the whole body. A header is
    named as HTTP writes it (``header.Idempotency-Key``), not as Powertools lower-cases it.

    >>> _field_name({"loc": ("header", "idempotency-key"), "type": "missing"})
    'header.Idempotency-Key'
    """
    loc = [str(part) for part in cast(Collection[Any], error.get("loc", ()))]
    if error.get("type") == "json_invalid":
        return "body"
    if len(loc) == 2 and loc[0] == "header":
        loc[1] = "-".join(word.capitalize() for word in loc[1].split("-"))
    return ".".join(loc) or "body"


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

    def unsupported_media_type(error: RequestUnsupportedContentType) -> Response[str]:  # noqa: ARG001
        return problem_response(_not_json(), request_id())

    def unroutable(error: NotFoundError) -> Response[str]:  # noqa: ARG001 - Powertools raises it bare
        # API Gateway routed the request here, so the resource exists, yet Powertools' router cannot match the path
        # as sent (an empty segment, say): the path is malformed, not missing.
        return problem_response(ValidationFailed.on("path", "is not a path this API serves"), request_id())

    def unexpected(error: Exception) -> Response[str]:
        logger.error("unhandled error", exc_info=error)  # also when not raised (nothing "current" to log)
        failure = WaiterError(detail="something went wrong on our side; it has been logged")
        return problem_response(failure, request_id())

    app.use([_route_arguments_formatted_for_debug_only])
    if app._proxy_type is ProxyEventType.APIGatewayProxyEvent:  # a REST resolver: see ProxyEvent
        deserializer = app._json_body_deserializer

        def proxy_event(event: dict[str, Any]) -> ProxyEvent:
            # what ``ApiGatewayResolver._to_proxy_event`` does for a REST resolver, with this event class
            return ProxyEvent(event, deserializer)

        app._to_proxy_event = proxy_event  # type: ignore[method-assign]
    app.exception_handler(WaiterError)(domain_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(RequestUnsupportedContentType)(unsupported_media_type)
    app.exception_handler(NotFoundError)(unroutable)
    app.exception_handler(Exception)(unexpected)


# Powertools' router writes a debug line with the route's arguments before calling the route
# (``f"Calling API Route Handler: {route_args}"``): the f-string formats them whatever the level, so every call paid
# for the body model's repr (a twentieth of a restaurant's creation) for a line nobody logs at INFO.
_POWERTOOLS_ROUTER_LOG = logging.getLogger("aws_lambda_powertools.event_handler.api_gateway")


class _RouteArguments(dict[str, Any]):
    """The route's arguments as Powertools passes them on, formatted only when its debug line is written."""

    def __repr__(self) -> str:
        if _POWERTOOLS_ROUTER_LOG.isEnabledFor(logging.DEBUG):
            return dict.__repr__(self)
        return "{...}"  # the line is dropped: Logger.debug checks the same level before formatting anything


def _route_arguments_formatted_for_debug_only(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Any:
    """Runs after Powertools' request validation (its arguments are set then) and before the route."""
    arguments = app.context.get("_route_args")
    if arguments is not None:
        app.context["_route_args"] = _RouteArguments(arguments)
    return next_middleware(app)


class ProxyEvent(APIGatewayProxyEvent):
    """Powertools' REST event with its case-insensitive header maps built once per event.

    ``APIGatewayProxyEvent.headers`` and ``.multi_value_headers`` build a new ``CaseInsensitiveDict`` (every name
    lower-cased) on each access, and one routed request reads them seven times (request validation, its cookies and
    body, CORS, compression): a few per cent of a short route's time. The maps are built from the event once, on
    first access, and each access still gets its own copy (a plain dict copy of the lower-cased map, no lower-casing
    again), as Powertools' request validation writes into the map it gets. The event a Lambda invocation gets is
    never changed while it is handled, so the copies hold what a fresh build would.
    """

    @cached_property
    def _headers_built(self) -> dict[str, str]:
        return super().headers

    @cached_property
    def _multi_value_headers_built(self) -> dict[str, list[str]]:
        return super().multi_value_headers

    @property
    def headers(self) -> dict[str, str]:
        return _copy_of(self._headers_built)

    @property
    def multi_value_headers(self) -> dict[str, list[str]]:
        return _copy_of(self._multi_value_headers_built)


def _copy_of[V](built: dict[str, V]) -> dict[str, V]:
    """A new ``CaseInsensitiveDict`` holding ``built``'s entries, whose names are lower case already."""
    copy: dict[str, V] = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    dict.update(copy, built)
    return copy


def _not_json() -> UnsupportedMediaType:
    return UnsupportedMediaType(
        detail=f"the body must be {JSON}", errors=[FieldError("header.Content-Type", f"must be {JSON}")]
    )


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
        # "3", W/"3" and a public read's "3-<digest>" (``_cached``) all name version 3
        version = tag.strip().removeprefix("W/").strip('"').split("-", 1)[0]
        if version.isdigit():
            versions.add(int(version))
    return frozenset(versions)


def ok[T: BaseModel](
    body: T | None,
    *,
    status: int = 200,
    version: int | None = None,
    location: str | None = None,
    cache: PublicCache | None = None,
) -> Response[T]:
    """A JSON response, with an ``ETag`` for ``version``, a ``Location`` for created resources and, for a public
    read, its caching policy (``entrypoint`` then answers a matching ``If-None-Match`` with 304)."""
    headers: dict[str, str] = {}
    if version is not None:
        headers["ETag"] = f'"{version}"'
    if location is not None:
        headers["Location"] = location
    if cache is not None:
        headers["Cache-Control"] = cache.header
    return Response(status_code=status, content_type="application/json", body=body, headers=headers)


def no_content() -> Response[None]:
    return Response(status_code=204, body=None)


# ---- caching ------------------------------------------------------------------------------------------------

PRIVATE = "private, no-store"
"""``Cache-Control`` of every response but a public read's 200 and 304: what a signed-in caller gets is theirs,
and errors, writes and sign-ins are never worth keeping."""

_VALIDATOR_HEADERS = {"ETag": {"schema": {"type": "string"}, "description": "The representation's entity tag"}}
# An entity tag in an If-None-Match list (RFC 9110 8.8.3): W/ for weak, then the opaque tag in quotes.
_ENTITY_TAG = re.compile(r'(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")')


@dataclass(frozen=True, slots=True)
class PublicCache:
    """The caching policy of a public read: browsers, CDNs and API Gateway's cache may keep the response for
    ``max_age_s`` and serve it ``stale_while_revalidate_s`` longer while they revalidate it (a conditional GET,
    answered 304 when nothing changed). A response to a signed-in caller is ``PRIVATE`` whatever the route says.

    >>> PublicCache(max_age_s=30, stale_while_revalidate_s=60).header
    'public, max-age=30, stale-while-revalidate=60'
    """

    max_age_s: int
    stale_while_revalidate_s: int

    @property
    def header(self) -> str:
        return f"public, max-age={self.max_age_s}, stale-while-revalidate={self.stale_while_revalidate_s}"

    def responses(self, description: str) -> dict[int, Any]:
        """OpenAPI entries: the 200 (its body schema is the handler's return annotation) with its ``ETag`` and
        ``Cache-Control``, and the 304 a matching ``If-None-Match`` gets."""
        headers = {
            **_VALIDATOR_HEADERS,
            "Cache-Control": {
                "schema": {"type": "string", "example": self.header},
                "description": "How long caches may keep it",
            },
        }
        return {
            200: {"description": description, "headers": headers},
            304: {"description": "Not Modified: If-None-Match holds the current ETag; no body", "headers": headers},
        }


def none_match(if_none_match: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` matches ``etag`` (RFC 9110 13.1.2): ``*``, or any tag of the list by weak
    comparison (``W/"3"`` matches ``"3"``).

    >>> none_match('"a", W/"3"', '"3"'), none_match("*", '"3"'), none_match('"4"', '"3"'), none_match(None, '"3"')
    (True, True, False, False)
    """
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    current = etag.removeprefix("W/")
    return any(tag == current for tag in _ENTITY_TAG.findall(if_none_match))


def content_tag(body: str) -> str:
    """A strong entity tag for a representation that has no version of its own (a page, a menu): a hash of its
    bytes, so it changes exactly when the representation does, and needs nothing stored."""
    return '"' + hashlib.blake2b(body.encode(), digest_size=16).hexdigest() + '"'


def _cached(event: Mapping[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """``Cache-Control`` on every response and the conditional GET of public reads, done once for every function.

    A public read (its route declared ``cache=``) answered 200 to an anonymous caller keeps its policy, gets a
    content ``ETag`` if it has no version one, and carries the CORS headers whatever the request's ``Origin``: a
    shared cache serves one copy to every origin. Then a matching ``If-None-Match`` turns it into a 304 without a
    body (with the headers the 200 would have had, RFC 9110 15.4.5). Anything else is ``PRIVATE``.
    """
    declared = _result_header(result, "Cache-Control") or ""
    # the caller's identity is looked at only for a public 200 (the one case it changes): building it costs a
    # pydantic validation of the claims, which every other response would pay for nothing
    if result.get("statusCode") != 200 or not declared.startswith("public") or _signed_in(event):
        _set_result_header(result, "Cache-Control", PRIVATE)
        return result
    # A versioned resource whose representation also holds what is computed as it is read (a restaurant's openNow)
    # changes without a new version: its public tag is the version and a digest of the body, so a cache revalidates
    # when either changes, and If-Match (``if_match``) still reads the version before the dash.
    body_tag = content_tag(str(result.get("body") or ""))
    version_tag = _result_header(result, "ETag")
    etag = body_tag if version_tag is None else f'"{version_tag.strip(chr(34))}-{body_tag.strip(chr(34))[:12]}"'
    _set_result_header(result, "ETag", etag)
    for name, value in CORS.to_dict("*").items():
        if _result_header(result, name) is None:
            _set_result_header(result, name, value)
    request_headers = event.get("headers") or {}
    if_none_match = next((v for k, v in request_headers.items() if k.lower() == "if-none-match"), None)
    if event.get("httpMethod") != "GET" or not none_match(if_none_match, etag):
        return result
    _set_result_header(result, "Content-Type", None)
    return {**result, "statusCode": 304, "body": None, "isBase64Encoded": False}


def _signed_in(event: Mapping[str, Any]) -> bool:
    context = event.get("requestContext") or {}
    return principal_from_authorizer(context.get("authorizer")).is_authenticated


def _result_header(result: Mapping[str, Any], name: str) -> str | None:
    """A header of a proxy result, from ``multiValueHeaders`` (Powertools) or ``headers``, whatever its case."""
    wanted = name.lower()
    for key, values in (result.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return str(values[-1])
    return next((str(v) for k, v in (result.get("headers") or {}).items() if k.lower() == wanted), None)


def _set_result_header(result: dict[str, Any], name: str, value: str | None) -> None:
    """Replace (or, with None, remove) a header of a proxy result in whichever map it uses."""
    wanted = name.lower()
    for key in ("headers", "multiValueHeaders"):
        if result.get(key):
            result[key] = {k: v for k, v in result[key].items() if k.lower() != wanted}
    if value is None:
        return
    if "multiValueHeaders" in result:
        result["multiValueHeaders"] = {**(result["multiValueHeaders"] or {}), name: [value]}
    else:
        result["headers"] = {**(result.get("headers") or {}), name: value}


# ---- entry point --------------------------------------------------------------------------------------------

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def entrypoint(app: APIGatewayRestResolver) -> LambdaHandler:
    """The Lambda handler for ``app``: correlation id, cold-start metric, metrics flush, the refusals before
    routing (ids, the body size limit, media type, a body that does not read as a JSON object), and caching
    (``Cache-Control`` on every response, 304 for a public read whose ``If-None-Match`` matches)."""

    @logger.inject_lambda_context
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        media_type = _content_type(event)  # read once for the two refusals that look at it
        rejected = (
            _reject_malformed_ids(event)
            or _reject_oversized(event)
            or _reject_other_media_types(event, media_type)
            or _reject_unreadable_json(event, media_type)
        )
        if rejected is not None:
            return _cached(event, rejected)
        try:
            return _cached(event, app.resolve(event, context))
        finally:
            _PARSED_BODY.clear()  # the document is this invocation's only

    @functools.wraps(handler)
    def with_correlation_id(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # The correlation id is API Gateway's request id (``correlation_paths.API_GATEWAY_REST``), read here rather
        # than by ``inject_lambda_context(correlation_id_path=...)``: Powertools evaluates that path with JMESPath on
        # every call, a few per cent of a short route's time for one dictionary look-up. Set before the Logger's
        # decorator runs, as Powertools sets it, and never cleared by it (``clear_state`` is off).
        logger.set_correlation_id(_request_id(event))
        return cast(dict[str, Any], handler(event, context))

    return with_correlation_id


def _request_id(event: Mapping[str, Any]) -> Any:
    """``requestContext.requestId`` of the event, or None (what ``correlation_paths.API_GATEWAY_REST`` selects)."""
    context = event.get("requestContext")
    return context.get("requestId") if isinstance(context, dict) else None


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


def _reject_malformed_ids(event: dict[str, Any]) -> dict[str, Any] | None:
    """400 naming each path parameter that cannot be an id (``PATH_ID_PATTERN``): a look-up of it would find
    nothing, and some such values ("?", control characters) Powertools' router cannot even carry."""
    fields = [
        FieldError(f"path.{name}", "must be an id: 1 to 64 letters, digits, '-' or '_'")
        for name, value in (event.get("pathParameters") or {}).items()
        if not _PATH_ID.fullmatch(str(value))
    ]
    if not fields:
        return None
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return _early_problem(ValidationFailed(detail=detail, errors=fields), event)


def _content_type(event: Mapping[str, Any]) -> str | None:
    """The request's media type (lower case, without parameters); None when it sent no Content-Type."""
    headers = event.get("headers") or {}
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return None if value is None else str(value).split(";", 1)[0].strip().lower()


def _reject_other_media_types(event: dict[str, Any], media_type: str | None) -> dict[str, Any] | None:
    """415 for a body that is not JSON (a form, text, XML): every body this API takes is a JSON object.

    A body without a Content-Type is read as JSON, as Powertools reads it.
    """
    if not event.get("body") or media_type in (None, JSON):
        return None
    return _early_problem(_not_json(), event)


def _reject_unreadable_json(event: dict[str, Any], media_type: str | None) -> dict[str, Any] | None:
    """400 for a JSON body that does not read as a JSON object, before Powertools tries:

    - bytes that are not UTF-8 (API Gateway hands them over base64-encoded);
    - text that is not JSON, including what ``json`` refuses with a plain ValueError or RecursionError rather than
      a JSONDecodeError (Powertools catches only that one): an integer of more than 4300 digits, nesting deeper
      than the interpreter's recursion limit;
    - an array: Powertools would validate its first element as the body (every body here is an object).
    """
    body = event.get("body")
    if not body or media_type not in (None, JSON):
        return None
    try:
        text = base64.b64decode(body, validate=True).decode("utf-8") if event.get("isBase64Encoded") else body
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return _early_problem(ValidationFailed.on("body", "is not UTF-8 encoded JSON"), event)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return _early_problem(ValidationFailed.on("body", "is not valid JSON"), event)
    if isinstance(document, list):
        return _early_problem(ValidationFailed.on("body", "must be a JSON object"), event)
    _PARSED_BODY[:] = [(text, document)]  # for Powertools to take rather than parse the text again (``json_body``)
    return None


# The body's document as ``_reject_unreadable_json`` parsed it, kept for the one invocation it belongs to: at most
# one entry, (the text, its document), cleared when the invocation ends.
_PARSED_BODY: list[tuple[str, Any]] = []


def json_body(text: str) -> Any:
    """Powertools' JSON body deserializer for every REST function (``APIGatewayRestResolver(json_body_deserializer=
    rest.json_body)``): the document the check before routing parsed from this very text in this invocation, or
    else ``json.loads`` (Powertools' default), so the body is parsed once, not twice."""
    kept = _PARSED_BODY[0] if _PARSED_BODY else None
    if kept is not None and kept[0] is text:
        return kept[1]
    return json.loads(text)


def _early_problem(error: WaiterError, event: dict[str, Any]) -> dict[str, Any]:
    """A problem+json result for a request refused before routing."""
    request_id = (event.get("requestContext") or {}).get("requestId")
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM_JSON, **_CORS_HEADERS},
        "body": json.dumps(problem_document(error, request_id)),
        "isBase64Encoded": False,
    }
