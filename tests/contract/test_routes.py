"""One route table, four witnesses: the template's Api events, the committed openapi.json, each handler's
resolver and each handler's own OpenAPI schema must name the same (METHOD, path) set, and every route in the
template must reach the function whose app.py declares it. A function without Api events is allowed only as a
Lambda authorizer the API names (it serves no route and declares none).

The SOAP facade is the one exception: its routes carry XML envelopes, not JSON, so wsdl/pos.wsdl documents them
instead of openapi.json (tests/contract/test_wsdl_sync.py holds it to the code) and its handler has no resolver."""

from __future__ import annotations

import pytest

from tests.contract.access import SOAP_PATH
from tests.contract.template_facts import (
    api_functions,
    authorizer_functions,
    event_source_functions,
    function_dir,
    functions,
    handler_routes,
    handler_schema_routes,
    openapi_routes,
    template_routes,
    websocket_functions,
)
from tests.support import load_function

SOAP_FUNCTIONS = {"SoapPosFunction": {("POST", SOAP_PATH), ("GET", SOAP_PATH)}}
API_FUNCTIONS = sorted(api_functions() - set(SOAP_FUNCTIONS))
SOAP_ROUTES = {route for routes in SOAP_FUNCTIONS.values() for route in routes}


def _rest_routes() -> dict[tuple[str, str], str]:
    return {route: function for route, function in template_routes().items() if route not in SOAP_ROUTES}


def _all_handler_routes() -> dict[tuple[str, str], str]:
    declared: dict[tuple[str, str], str] = {}
    for logical_id in API_FUNCTIONS:
        for route in handler_routes(function_dir(logical_id)):
            assert route not in declared, f"{route} is declared by both {declared[route]} and {logical_id}"
            declared[route] = logical_id
    return declared


def test_template_and_committed_openapi_declare_the_same_routes() -> None:
    in_template = set(_rest_routes())
    documented = openapi_routes()
    assert in_template - documented == set(), "routes the API serves but openapi.json does not document"
    assert documented - in_template == set(), "routes openapi.json documents but no function serves"


def test_template_and_handlers_declare_the_same_routes() -> None:
    in_template = set(_rest_routes())
    in_handlers = set(_all_handler_routes())
    assert in_template - in_handlers == set(), "routes wired in template.yaml that no handler declares"
    assert in_handlers - in_template == set(), "routes handlers declare that template.yaml does not wire"


def test_every_template_route_reaches_the_function_whose_handler_declares_it() -> None:
    declared = _all_handler_routes()
    miswired = {
        route: (function, declared.get(route))
        for route, function in _rest_routes().items()
        if declared.get(route) != function
    }
    assert miswired == {}, "route: (function in template.yaml, function whose app.py declares it)"


@pytest.mark.parametrize("logical_id", API_FUNCTIONS)
def test_each_handler_documents_exactly_the_routes_it_serves(logical_id: str) -> None:
    directory = function_dir(logical_id)
    assert handler_schema_routes(directory) == handler_routes(directory)


@pytest.mark.parametrize("logical_id", sorted(functions()))
def test_every_function_serves_a_route_is_an_authorizer_of_the_api_or_has_an_event_source(logical_id: str) -> None:
    serves = logical_id in set(template_routes().values())
    authorizes = logical_id in authorizer_functions()
    consumes = logical_id in event_source_functions()
    live = logical_id in websocket_functions()
    assert [serves, authorizes, consumes, live].count(True) == 1, (
        f"{logical_id}: needs an Api event, to be named by an authorizer of the Api, one event source, or to be"
        " integrated (or the authorizer) of the WebSocket API"
    )


@pytest.mark.parametrize("logical_id", sorted(authorizer_functions()))
def test_authorizer_functions_declare_no_routes(logical_id: str) -> None:
    module = load_function(function_dir(logical_id))
    assert not hasattr(module, "app"), "an authorizer answers API Gateway with a policy; it has no resolver"
    assert callable(module.lambda_handler)


@pytest.mark.parametrize("logical_id", sorted(SOAP_FUNCTIONS))
def test_the_soap_function_serves_exactly_its_routes_and_openapi_leaves_them_to_the_wsdl(logical_id: str) -> None:
    served = {route for route, function in template_routes().items() if function == logical_id}
    assert served == SOAP_FUNCTIONS[logical_id]
    assert openapi_routes() & served == set(), "documented by wsdl/pos.wsdl, not openapi.json"
    module = load_function(function_dir(logical_id))
    assert not hasattr(module, "app"), "a SOAP function dispatches envelopes, not REST routes"
    assert callable(module.lambda_handler)
