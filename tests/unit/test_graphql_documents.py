"""The GraphQL document cache: a text is parsed once and a clean document validated once per schema, limits and
`first` weights; anything that could validate differently (other weights, other limits, a document with errors)
is validated in full again, so the limits refuse exactly what they refused without the cache."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, validate

from waiter.adapters.graphql import documents
from waiter.adapters.graphql.binding import executable_schema
from waiter.adapters.graphql.documents import MAX_CACHED_CHARS, parsed, validation_errors
from waiter.settings import GraphqlLimits

LIMITS = GraphqlLimits()
PAGE = "restaurants(first: $n) { edges { node { menu { categories { items { name } } } } } }"
TWO_PAGES = "query Pages($n: Int) { a: " + PAGE + " b: " + PAGE + " }"  # cost 2 + 2n * 5: over 1000 from n = 100
ONE_RESTAURANT = "query One($id: ID!) { restaurant(id: $id) { id name menu { currency } } }"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts graphql-core's validate runs (each appends its error count)."""
    runs: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> list[GraphQLError]:
        errors = validate(*args, **kwargs)
        runs.append(len(errors))
        return errors

    monkeypatch.setattr(documents, "validate", counted)
    return runs


def _errors(query: str, variables: dict[str, Any] | None = None, limits: GraphqlLimits = LIMITS) -> list[str]:
    document = parsed(query, limits)
    found = validation_errors(executable_schema(), document, limits, variables, hide_suggestions=True)
    return [str((e.extensions or {}).get("limit") or e.message) for e in found]


def test_a_text_is_parsed_once_and_shared() -> None:
    assert parsed(ONE_RESTAURANT, LIMITS) is parsed(ONE_RESTAURANT, LIMITS)


def test_a_text_longer_than_the_cache_keeps_is_parsed_on_every_request() -> None:
    long = "{ __typename" + " " * MAX_CACHED_CHARS + "}"
    assert parsed(long, LIMITS) is not parsed(long, LIMITS)
    assert parsed(long, LIMITS).node == parsed(long, LIMITS).node


def test_a_text_that_does_not_parse_fails_on_every_request() -> None:
    for _ in range(2):
        with pytest.raises(GraphQLError, match="Syntax Error"):
            parsed("{ restaurant(id: ) { id } }", LIMITS)


def test_a_clean_document_is_validated_once_whatever_its_other_variables(validations: list[int]) -> None:
    query = ONE_RESTAURANT.replace("One", "OncePerText")
    assert _errors(query, {"id": "r1"}) == []
    assert _errors(query, {"id": "r2"}) == []
    assert validations == [0]


def test_a_new_page_size_is_validated_again_and_refused_over_the_cost_budget(validations: list[int]) -> None:
    query = TWO_PAGES.replace("Pages", "PerWeight")
    assert _errors(query, {"n": 10}) == []
    assert _errors(query, {"n": 10}) == []
    assert _errors(query, {"n": 100}) == ["maxCost"]
    assert _errors(query, {"n": 100}) == ["maxCost"]  # errors are never kept: validated again, refused again
    assert _errors(query, {"n": 10}) == []
    assert validations == [0, 1, 1]


def test_a_page_size_left_out_weighs_as_the_default_page_size(validations: list[int]) -> None:
    query = TWO_PAGES.replace("Pages", "LeftOut")
    assert _errors(query, {"n": LIMITS.default_page_size}) == []
    assert _errors(query) == []  # the same weight: already validated
    assert _errors(query, {"n": "20"}) == []  # not a number: the default weight too
    assert validations == [0]


def test_other_limits_validate_the_same_text_again() -> None:
    query = ONE_RESTAURANT.replace("One", "OtherLimits")
    assert _errors(query, {"id": "r1"}) == []
    assert _errors(query, {"id": "r1"}, GraphqlLimits(max_depth=2)) == ["maxDepth"]
    with pytest.raises(GraphQLError, match="tokens"):
        parsed(query, GraphqlLimits(max_tokens=5))


def test_a_document_with_errors_is_validated_on_every_request(validations: list[int]) -> None:
    query = '{ restaurant(id: "r1") { nosuchfield } }'
    assert len(_errors(query)) == 1
    assert len(_errors(query)) == 1
    assert validations == [1, 1]
