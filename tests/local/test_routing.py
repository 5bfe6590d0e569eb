"""Route matching as API Gateway does it: literal over parameter over greedy, one segment per parameter."""

from __future__ import annotations

import re

import pytest

from local.gateway.routing import Route, RouteTable
from local.template import api_routes

TABLE = RouteTable(
    [
        Route("GET", "/v1/restaurants", "List", "Api"),
        Route("POST", "/v1/restaurants", "Create", "Api"),
        Route("GET", "/v1/restaurants/{restaurantId}", "Get", "Api"),
        Route("GET", "/v1/restaurants/search", "Search", "Api"),
        Route("GET", "/v1/restaurants/{restaurantId}/menu", "Menu", "Api"),
        Route("ANY", "/v1/anything", "Any", "Api"),
        Route("GET", "/static/{proxy+}", "Static", "Api"),
    ]
)


def target(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    match = TABLE.match(path)
    route = match.resource.route(method) if match else None
    return (route.function, match.path_parameters) if match and route else None


def test_method_selects_the_route_on_a_resource() -> None:
    assert target("GET", "/v1/restaurants") == ("List", {})
    assert target("POST", "/v1/restaurants") == ("Create", {})


def test_parameter_captures_one_segment() -> None:
    assert target("GET", "/v1/restaurants/r1") == ("Get", {"restaurantId": "r1"})
    assert target("GET", "/v1/restaurants/r1/menu") == ("Menu", {"restaurantId": "r1"})


def test_literal_segment_wins_over_a_parameter() -> None:
    assert target("GET", "/v1/restaurants/search") == ("Search", {})


def test_parameter_never_spans_segments() -> None:
    assert TABLE.match("/v1/restaurants/r1/extra") is None


def test_percent_encoded_segments_are_decoded() -> None:
    assert target("GET", "/v1/restaurants/caf%C3%A9") == ("Get", {"restaurantId": "café"})


def test_an_encoded_slash_does_not_make_a_one_segment_parameter() -> None:
    assert TABLE.match("/v1/restaurants/a%2Fb") is None


def test_greedy_parameter_takes_one_or_more_segments() -> None:
    assert target("GET", "/static/css/site.css") == ("Static", {"proxy": "css/site.css"})
    assert target("GET", "/static/x") == ("Static", {"proxy": "x"})
    assert TABLE.match("/static") is None


def test_any_covers_every_method() -> None:
    assert target("PATCH", "/v1/anything") == ("Any", {})
    assert target("DELETE", "/v1/anything") == ("Any", {})


def test_trailing_slash_is_ignored() -> None:
    assert target("GET", "/v1/restaurants/") == ("List", {})


def test_undeclared_method_or_path_matches_no_route() -> None:
    assert target("DELETE", "/v1/restaurants") is None
    assert TABLE.match("/v2/restaurants") is None
    assert TABLE.match("/") is None


def test_intermediate_resources_without_methods_are_not_routes() -> None:
    assert TABLE.match("/v1") is None


def test_two_parameter_names_at_one_position_are_refused() -> None:
    with pytest.raises(ValueError, match="conflicts"):
        RouteTable([Route("GET", "/a/{id}", "A", "Api"), Route("GET", "/a/{otherId}/b", "B", "Api")])


def test_the_same_route_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        RouteTable([Route("GET", "/a", "A", "Api"), Route("GET", "/a", "B", "Api")])


def test_every_route_of_the_waiter_template_is_matched_to_its_function() -> None:
    routes = api_routes()
    table = RouteTable(Route(r.method, r.path, r.function, r.api) for r in routes)

    for route in routes:
        concrete = re.sub(r"\{[^}]+\}", "x", route.path)
        match = table.match(concrete)
        assert match is not None, route.path
        found = match.resource.route(route.method)
        assert found is not None
        assert found.function == route.function
