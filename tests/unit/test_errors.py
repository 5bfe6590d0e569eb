"""Every expected failure becomes one RFC 9457 problem document, whatever the protocol."""

from __future__ import annotations

import pytest

from waiter.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    WaiterError,
    problem_document,
)


def test_a_problem_document_has_the_rfc_9457_members_and_the_request_id() -> None:
    error = ValidationFailed(
        detail="two fields are wrong",
        errors=[FieldError("body.name", "is required"), FieldError("body.price", "must be >= 0")],
    )

    assert problem_document(error, "req-1") == {
        "type": "https://waiter.dev/problems/validation-failed",
        "title": "Validation Failed",
        "status": 400,
        "detail": "two fields are wrong",
        "errors": [
            {"field": "body.name", "message": "is required"},
            {"field": "body.price", "message": "must be >= 0"},
        ],
        "requestId": "req-1",
    }


def test_a_problem_document_without_field_errors_has_an_empty_list() -> None:
    document = problem_document(NotFound("restaurant r9 does not exist"), None)

    assert (document["status"], document["errors"], document["requestId"]) == (404, [], None)
    assert document["detail"] == "restaurant r9 does not exist"


def test_extra_members_are_added_to_the_document() -> None:
    error = TooManyRequests("slow down", extra={"retryAfterSeconds": 30})

    document = problem_document(error, "r")

    assert document["retryAfterSeconds"] == 30
    assert document["status"] == 429


@pytest.mark.parametrize(
    ("error_type", "status", "slug"),
    [
        (BadRequest, 400, "bad-request"),
        (ValidationFailed, 400, "validation-failed"),
        (Unauthorized, 401, "unauthorized"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not-found"),
        (Conflict, 409, "conflict"),
        (PreconditionFailed, 412, "precondition-failed"),
        (PayloadTooLarge, 413, "payload-too-large"),
        (UnsupportedMediaType, 415, "unsupported-media-type"),
        (TooManyRequests, 429, "too-many-requests"),
        (WaiterError, 500, "internal"),
    ],
)
def test_each_error_maps_to_its_status_and_type(error_type: type[WaiterError], status: int, slug: str) -> None:
    document = problem_document(error_type("detail"), "r")

    assert (document["status"], document["type"]) == (status, f"https://waiter.dev/problems/{slug}")
    assert document["title"] == error_type.title


def test_validation_failed_on_names_one_field() -> None:
    error = ValidationFailed.on("query.limit", "must be between 1 and 100")

    assert error.errors == [FieldError("query.limit", "must be between 1 and 100")]
    assert str(error) == "query.limit: must be between 1 and 100"
