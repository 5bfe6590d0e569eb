"""GraphQL over HTTP and the abuse limits: each limit passes at its value and refuses one over it with a message
naming it; batches, mutations over GET, introspection and suggestions in production, huge documents are refused
(the probes graphql-cop makes); a page of restaurants with their menus costs a bounded number of DynamoDB calls."""

from __future__ import annotations

import json

import pytest

from tests.handlers import api
from tests.handlers.graphql_support import GRAPHQL_RESPONSE, graphql, id_tokens
from tests.handlers.ordering_fixtures import dynamodb_calls
from tests.unit.builders import restaurant_body
from waiter.settings import GraphqlLimits, get_settings

__all__ = ["id_tokens"]

pytestmark = pytest.mark.usefixtures("id_tokens", "table")
LIMITS = GraphqlLimits()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHQL_INTROSPECTION", "false")
    get_settings.cache_clear()


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHQL_INTROSPECTION", "true")
    get_settings.cache_clear()


def _refused(query: str, limit: str, **kwargs: object) -> None:
    answer = graphql(query, **kwargs)  # type: ignore[arg-type]
    assert answer.status == 400, answer.body
    assert answer.data is None
    assert [e["extensions"].get("limit") for e in answer.errors] == [limit], answer.errors


def _passes(query: str, **kwargs: object) -> None:
    answer = graphql(query, **kwargs)  # type: ignore[arg-type]
    assert answer.status == 200, answer.body
    assert answer.errors == [], answer.errors


# ---- depth, aliases, directives, cost ------------------------------------------------------------------------


def test_the_deepest_query_the_schema_nests_passes_the_default_depth_limit() -> None:
    # depth 9: restaurants down to option choices, as deep as the schema goes (the default, 10, leaves one spare)
    _passes(
        "{ restaurants { edges { node { menu { categories { items { optionGroups { choices { name } } } } } } } } }"
    )


def test_aliases_at_the_limit_pass_and_one_more_is_refused() -> None:
    at = "{ " + " ".join(f"a{n}: restaurants(first: 1) {{ pageInfo {{ hasNextPage }} }}" for n in range(15)) + " }"
    over = at.replace("{ a0:", "{ extra: restaurants(first: 1) { pageInfo { hasNextPage } } a0:")

    _passes(at)
    _refused(over, "maxAliases")


def test_directives_at_the_limit_pass_and_one_more_is_refused() -> None:
    at = "{ restaurants(first: 1) { pageInfo { hasNextPage " + "@include(if: true) " * 1 + "} } }"
    many = "{ " + " ".join(f"f{n}: __typename @skip(if: false)" for n in range(LIMITS.max_directives)) + " }"
    over = many.replace("{ f0:", "{ g: __typename @skip(if: false) f0:")

    _passes(at)
    _passes(many)
    _refused(over, "maxDirectives")


def test_cost_weighs_list_fields_by_first_and_refuses_a_query_over_the_budget() -> None:
    page = "restaurants(first: 100) { edges { node { menu { categories { name } } } } }"  # 1 + 100 * 5 = 501

    _passes("{ " + page + " }")
    _refused("{ a: " + page + " b: " + page + " }", "maxCost")  # 1002 > 1000


def test_cost_counts_a_variable_first_at_its_value() -> None:
    page = "restaurants(first: $n) { edges { node { menu { categories { items { name } } } } } }"
    query = "query($n: Int) { a: " + page + " b: " + page + " }"

    _passes(query, variables={"n": 10})
    _refused(query, "maxCost", variables={"n": 100})


def test_the_exact_cost_budget_passes_and_one_over_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ restaurants(first: 3) { edges { node { name } } } }"  # 1 + 3 * (1 + 1 + 1) = 10
    monkeypatch.setenv("GRAPHQL_MAX_COST", "10")
    get_settings.cache_clear()
    _passes(query)
    monkeypatch.setenv("GRAPHQL_MAX_COST", "9")
    get_settings.cache_clear()
    _refused(query, "maxCost")


def test_the_exact_depth_passes_and_one_over_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ restaurants { edges { node { name } } } }"  # depth 4
    monkeypatch.setenv("GRAPHQL_MAX_DEPTH", "4")
    get_settings.cache_clear()
    _passes(query)
    monkeypatch.setenv("GRAPHQL_MAX_DEPTH", "3")
    get_settings.cache_clear()
    _refused(query, "maxDepth")


def test_depth_counts_through_fragments() -> None:
    query = "query { restaurants { ...Page } } fragment Page on RestaurantConnection { edges { node { menu { " \
        "categories { items { optionGroups { choices { name } } } } } } } }"  # fmt: skip
    _passes(query)  # depth 9
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRAPHQL_MAX_DEPTH", "8")
        get_settings.cache_clear()
        _refused(query, "maxDepth")
    get_settings.cache_clear()


# ---- parsing limits ---------------------------------------------------------------------------------------------


def test_a_document_at_the_token_limit_parses_and_one_token_more_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ a: __typename b: __typename }"  # tokens: { a : __typename b : __typename } = 8
    monkeypatch.setenv("GRAPHQL_MAX_TOKENS", "8")
    get_settings.cache_clear()
    _passes(query)
    monkeypatch.setenv("GRAPHQL_MAX_TOKENS", "7")
    get_settings.cache_clear()
    answer = graphql(query)
    assert answer.status == 400
    assert answer.codes == ["GRAPHQL_PARSE_FAILED"]
    assert "tokens" in answer.errors[0]["message"]


def test_a_document_over_the_size_limit_is_refused_before_parsing() -> None:
    huge = "{ __typename " + " " * LIMITS.max_source_length + "}"
    at = "{ __typename" + " " * (LIMITS.max_source_length - len("{ __typename}")) + "}"

    _passes(at)
    answer = graphql(huge)
    assert answer.status == 400
    assert answer.codes == ["GRAPHQL_PARSE_FAILED"]


# ---- protocol ---------------------------------------------------------------------------------------------------


def test_a_batch_of_operations_is_refused() -> None:
    batch = json.dumps([{"query": "{ __typename }"}, {"query": "{ __typename }"}])

    answer = graphql("", body=batch)

    assert answer.status == 400
    assert "batched" in answer.errors[0]["message"]


def test_get_runs_queries_and_refuses_mutations() -> None:
    query = graphql("{ restaurants(first: 1) { pageInfo { hasNextPage } } }", method="GET")
    mutation = graphql('mutation { emptyCart(restaurantId: "r1") }', method="GET")

    assert query.status == 200
    assert query.headers["Cache-Control"].startswith("public")
    assert mutation.status == 405
    assert mutation.headers["Allow"] == "POST"


def test_answers_are_graphql_response_json_unless_the_client_accepts_only_json() -> None:
    default = graphql("{ __typename }")
    legacy = graphql("{ nosuchfield }", headers={"Accept": "application/json"})
    neither = graphql("{ __typename }", headers={"Accept": "text/xml"})

    assert default.headers["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert legacy.status == 200  # the specification's rule for application/json
    assert legacy.headers["Content-Type"].startswith("application/json")
    assert neither.status == 406


def test_a_body_that_is_not_json_or_not_a_query_is_a_400_and_another_media_type_a_415() -> None:
    assert graphql("", body="{not json").status == 400
    assert graphql("", body=json.dumps({"variables": {}})).status == 400
    assert graphql("{ __typename }", headers={"Content-Type": "text/plain"}).status == 415


def test_subscriptions_are_refused_over_http() -> None:
    answer = graphql("subscription { myOrders { id } }")

    assert answer.status == 400
    assert "WebSocket" in answer.errors[0]["message"]


@pytest.mark.usefixtures("production")
def test_in_production_introspection_is_refused_and_errors_suggest_no_field_names() -> None:
    introspection = graphql("{ __schema { types { name } } }")
    typo = graphql('{ restaurant(id: "r1") { nam } }')

    assert introspection.status == 400
    assert "introspection" in introspection.errors[0]["message"].lower()
    assert typo.status == 400
    assert "Did you mean" not in typo.errors[0]["message"]


@pytest.mark.usefixtures("local")
def test_locally_introspection_answers_from_schema_graphql_and_errors_suggest() -> None:
    introspection = graphql("{ __schema { queryType { fields { name } } } }")
    typo = graphql('{ restaurant(id: "r1") { nam } }')

    names = {f["name"] for f in introspection.data["__schema"]["queryType"]["fields"]}
    assert names == {"restaurants", "restaurant", "me", "carts", "cart", "orders", "order", "kitchenOrders"}
    assert "Did you mean" in typo.errors[0]["message"]


# ---- batching reads -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_a_page_of_restaurants_with_details_and_menus_costs_one_query_one_batch_and_one_query_per_menu(
    count: int,
) -> None:
    for n in range(count):
        assert api.create_restaurant(restaurant_body(name=f"Place {n:02}")).status == 201
    query = "{ restaurants(first: 20) { edges { node { name timeZone address { city } " \
        "menu { categories { items { name } } } again: menu { currency } } } } }"  # fmt: skip

    with dynamodb_calls() as calls:
        answer = graphql(query)

    assert answer.errors == []
    assert len(answer.data["restaurants"]["edges"]) == count
    # the listing page, the details of every node in one batch, one Query per menu however often it is asked for
    assert sorted(calls.operations) == sorted(["Query", "BatchGetItem", *["Query"] * count])
