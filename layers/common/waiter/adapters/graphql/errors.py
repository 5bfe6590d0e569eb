"""The one mapping from Waiter's error hierarchy to GraphQL errors (the GraphQL twin of ``rest.problem_response``).

Every error carries ``extensions.code``: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (with the fields,
named as this API names them: ``input.quantity``, ``first``, ``idempotencyKey``), CONFLICT, RATE_LIMITED (with
``retryAfter`` in seconds), SERVICE_UNAVAILABLE (an outside service such as the payment provider is down; with
``retryAfter``), and for what is not the caller's fault INTERNAL_SERVER_ERROR with a message that
names nothing inside (the error itself is logged). Request errors (a document that does not parse or validate)
are GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED, and a limit refused is one of those too.
"""

from __future__ import annotations

from typing import Any

from waiter.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnprocessableContent,
    UnsupportedMediaType,
    WaiterError,
)
from waiter.observability import logger

_CODES: tuple[tuple[type[WaiterError], str], ...] = (
    (Unauthorized, "UNAUTHENTICATED"),
    (Forbidden, "FORBIDDEN"),
    (NotFound, "NOT_FOUND"),
    (TooManyRequests, "RATE_LIMITED"),
    (ServiceUnavailable, "SERVICE_UNAVAILABLE"),  # an outside service (the payment provider) is down: retry later
    (Conflict, "CONFLICT"),
    (PreconditionFailed, "CONFLICT"),  # a stale expectedVersion: the order moved since the caller read it
    (BadRequest, "BAD_USER_INPUT"),
    (UnprocessableContent, "BAD_USER_INPUT"),
    (PayloadTooLarge, "BAD_USER_INPUT"),
    (UnsupportedMediaType, "BAD_USER_INPUT"),
)
_RETRY_LATER = frozenset({"RATE_LIMITED", "SERVICE_UNAVAILABLE"})  # with retryAfter, REST's Retry-After
INTERNAL = "INTERNAL_SERVER_ERROR"
INTERNAL_MESSAGE = "something went wrong on our side; it has been logged"

# The services name fields as REST carries them; GraphQL carries them as arguments.
_FIELD_PREFIXES = (("body.", "input."), ("query.limit", "first"), ("query.cursor", "after"), ("query.", ""))
_FIELD_NAMES = {"header.Idempotency-Key": "idempotencyKey", "body": "input"}


def field_name(rest_name: str) -> str:
    """A service's field name as this API's argument path.

    >>> field_name("body.deliveryAddress.city"), field_name("query.limit"), field_name("header.Idempotency-Key")
    ('input.deliveryAddress.city', 'first', 'idempotencyKey')
    """
    if rest_name in _FIELD_NAMES:
        return _FIELD_NAMES[rest_name]
    for prefix, replacement in _FIELD_PREFIXES:
        if rest_name.startswith(prefix):
            return replacement + rest_name.removeprefix(prefix)
    return rest_name


def code_of(error: WaiterError) -> str:
    """``extensions.code`` of a domain error.

    >>> code_of(NotFound("no such order")), code_of(PreconditionFailed("stale")), code_of(WaiterError("boom"))
    ('NOT_FOUND', 'CONFLICT', 'INTERNAL_SERVER_ERROR')
    >>> code_of(ServiceUnavailable("the payment provider is unavailable"))
    'SERVICE_UNAVAILABLE'
    """
    return next((code for kind, code in _CODES if isinstance(error, kind)), INTERNAL)


def domain_error(error: WaiterError) -> tuple[str, dict[str, Any]]:
    """The message and ``extensions`` of a domain error: its code, the HTTP-equivalent status and problem type the
    REST API would answer with, the fields (renamed) and what the problem carries besides (a fresh cart, when the
    restaurant opens)."""
    code = code_of(error)
    if code == INTERNAL:
        logger.error("unexpected domain error", exc_info=error)
        return INTERNAL_MESSAGE, {"code": INTERNAL}
    extensions: dict[str, Any] = {"code": code, "status": error.status, "type": error.type_uri}
    if error.errors:
        extensions["fields"] = [{"field": field_name(e.field), "message": e.message} for e in error.errors]
    if code in _RETRY_LATER and "Retry-After" in error.headers:
        extensions["retryAfter"] = int(error.headers["Retry-After"])
    extensions.update(error.extra)
    detail = error.detail
    for e in error.errors:  # the detail names fields the REST way too
        detail = detail.replace(e.field, field_name(e.field))
    return detail, extensions


def format_error(error: Any, *, request_code: str | None = None) -> dict[str, Any]:
    """A graphql-core ``GraphQLError`` as the response's ``errors`` entry: a resolver's ``WaiterError`` mapped,
    anything else a resolver raised logged and hidden, graphql-core's own errors (parsing, validation, variables)
    under ``request_code`` or BAD_USER_INPUT."""
    from graphql import GraphQLError  # noqa: PLC0415 - only ever called with graphql-core's errors

    original = getattr(error, "original_error", None)
    if isinstance(original, GraphQLError):  # a variable that did not coerce: graphql-core's own message
        original = None
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    if isinstance(original, WaiterError):
        formatted["message"], formatted["extensions"] = domain_error(original)
    elif original is not None:
        logger.error("resolver failed", exc_info=original)
        formatted["message"], formatted["extensions"] = INTERNAL_MESSAGE, {"code": INTERNAL}
    else:
        formatted["extensions"] = {"code": request_code or "BAD_USER_INPUT", **(error.extensions or {})}
    return formatted


def request_error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    """An ``errors`` entry for a request refused before execution (not JSON, a mutation over GET, a bad token)."""
    return {"message": message, "extensions": {"code": code, **extensions}}


def input_fields(errors: list[dict[str, Any]], root: str) -> list[FieldError]:
    """pydantic's errors for an input argument as field errors named from the argument (``input.quantity``)."""
    fields = []
    for e in errors:
        path = ".".join(str(part) for part in e.get("loc", ()))
        message = "is not a field you can set" if e.get("type") == "extra_forbidden" else str(e.get("msg", "invalid"))
        fields.append(FieldError(f"{root}.{path}" if path else root, message))
    return fields
