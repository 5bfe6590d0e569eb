"""The REST adapter's request parsing: which versions an If-Match header accepts."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from tests.support import api_event
from waiter.adapters import rest


def _if_match(headers: dict[str, str]) -> frozenset[int] | None:
    app = APIGatewayRestResolver()
    app.current_event = APIGatewayProxyEvent(api_event("PATCH", "/v1/restaurants/r1", headers=headers))
    return rest.if_match(app)


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        pytest.param('"3"', {3}, id="strong-etag"),
        pytest.param('W/"3"', {3}, id="weak-etag"),
        pytest.param("3", {3}, id="unquoted"),
        pytest.param('"1", "2" ,W/"5"', {1, 2, 5}, id="list"),
        pytest.param('"abc"', set(), id="not-a-version"),
        pytest.param('"-1"', set(), id="negative"),
        pytest.param("", set(), id="empty"),
        pytest.param('"1", "x"', {1}, id="list-with-junk"),
    ],
)
def test_if_match_yields_the_versions_it_names(header: str, versions: set[int]) -> None:
    assert _if_match({"If-Match": header}) == frozenset(versions)


@pytest.mark.parametrize("header", ["*", " * "])
def test_if_match_star_accepts_any_version(header: str) -> None:
    assert _if_match({"If-Match": header}) is None


def test_no_if_match_accepts_any_version() -> None:
    assert _if_match({}) is None


def test_if_match_is_read_whatever_its_case() -> None:
    assert _if_match({"if-match": '"4"'}) == frozenset({4})
    assert _if_match({"IF-MATCH": '"4"'}) == frozenset({4})


def test_problems_documents_400_and_500_on_every_route() -> None:
    responses = rest.problems(404)

    assert sorted(responses) == [400, 404, 500]
    assert all("application/problem+json" in r["content"] for r in responses.values())


def test_success_documents_the_status_and_leaves_the_schema_to_the_return_annotation() -> None:
    assert rest.success("The thing") == {200: {"description": "The thing"}}
    assert rest.success("Accepted", status=202) == {202: {"description": "Accepted"}}
