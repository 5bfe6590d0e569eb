"""The one error hierarchy of the domain. Every protocol adapter maps these to its own wire format
(REST: RFC 9457 problem+json, in ``waiter.adapters.rest``); services raise nothing else on purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field; ``field`` is a dotted path such as ``body.address.city``."""

    field: str
    message: str


@dataclass
class WaiterError(Exception):
    """Base of every expected failure. ``status`` is the HTTP-equivalent status code."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal Server Error"
    slug: ClassVar[str] = "internal"

    def __str__(self) -> str:
        return self.detail

    @property
    def type_uri(self) -> str:
        return f"https://waiter.dev/problems/{self.slug}"


class BadRequest(WaiterError):
    status, title, slug = 400, "Bad Request", "bad-request"


class ValidationFailed(BadRequest):
    title, slug = "Validation Failed", "validation-failed"

    @classmethod
    def on(cls, field_name: str, message: str) -> ValidationFailed:
        """A validation failure of a single field.

        >>> ValidationFailed.on("body.currency", "must match the restaurant's currency").errors[0].field
        'body.currency'
        """
        return cls(detail=f"{field_name}: {message}", errors=[FieldError(field_name, message)])


class Unauthorized(WaiterError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(WaiterError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(WaiterError):
    status, title, slug = 404, "Not Found", "not-found"


class Conflict(WaiterError):
    status, title, slug = 409, "Conflict", "conflict"


class StillProcessing(Conflict):
    """A request with the same idempotency key is still being processed: retry shortly (409, ``Retry-After``)."""

    def __init__(self) -> None:
        super().__init__(
            "a request with this Idempotency-Key is still being processed; retry shortly", headers={"Retry-After": "1"}
        )


class PreconditionFailed(WaiterError):
    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class PayloadTooLarge(WaiterError):
    status, title, slug = 413, "Payload Too Large", "payload-too-large"


class UnsupportedMediaType(WaiterError):
    status, title, slug = 415, "Unsupported Media Type", "unsupported-media-type"


class UnprocessableContent(WaiterError):
    status, title, slug = 422, "Unprocessable Content", "unprocessable-content"


class TooManyRequests(WaiterError):
    status, title, slug = 429, "Too Many Requests", "too-many-requests"


class ServiceUnavailable(WaiterError):
    """An outside service Waiter depends on is unavailable; ``Retry-After`` says when to try again."""

    status, title, slug = 503, "Service Unavailable", "service-unavailable"


def problem_document(error: WaiterError, request_id: str | None) -> dict[str, Any]:
    """The RFC 9457 body for ``error``; protocol-neutral so every adapter reports failures alike.

    >>> problem_document(NotFound("no such restaurant"), "r-1")["status"]
    404
    """
    body: dict[str, Any] = {
        "type": error.type_uri,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "errors": [{"field": e.field, "message": e.message} for e in error.errors],
        "requestId": request_id,
    }
    body.update(error.extra)
    return body
