"""events/: a sample API Gateway REST proxy event (payload v1) for every function, usable with
`sam local invoke -e` and `make invoke`. Each is a valid event for a route of the function it is named after,
and invoking it against moto answers as documented, never with a 5xx. The DynamoDB calls each invocation makes
must all be allowed by the function's policy in template.yaml.

Naming: events/<LogicalId>.json is the function's main (successful) call; events/<LogicalId>-<case>.json are
other cases, with the status they must produce listed in CASE_STATUS below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventModel

from tests.contract.permissions import policy_table_actions
from tests.contract.template_facts import EventFile, event_files, function_dir, functions, template_routes
from tests.support import ADMIN, call
from waiter.catalog.models import MenuItemCreate, RestaurantCreate
from waiter.catalog.service import CatalogService
from waiter.identity import principal_from_claims
from waiter.repository.catalog import CatalogRepository
from waiter.repository.dynamo import dynamodb_client
from waiter.settings import get_settings

# The restaurant and menu item the sample events address; the test table holds both before each invocation.
RESTAURANT_ID = "3f2c9a7e5b1d4c8e9a6f0b2d4e6a8c1f"
ITEM_ID = "9b8a7c6d5e4f40318f2e1d0c9b8a7f6e"

CASE_STATUS = {
    "ListRestaurantsFunction-all.json": 200,
    "GetRestaurantFunction-unknown.json": 404,
    "CreateRestaurantFunction-anonymous.json": 403,
    "CreateRestaurantFunction-invalid.json": 400,
    "UpdateRestaurantFunction-stale.json": 412,
    "ApiDocsFunction-docs.json": 200,
}

EVENTS = event_files()
MAIN_EVENTS = [e for e in EVENTS if e.case is None]


def _ids(files: list[EventFile]) -> list[str]:
    return [f.name for f in files]


# ---- coverage -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("logical_id", sorted(functions()))
def test_every_function_has_a_main_sample_event(logical_id: str) -> None:
    assert logical_id in {e.function for e in MAIN_EVENTS}, f"add events/{logical_id}.json"


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_every_event_file_is_named_after_a_function(event_file: EventFile) -> None:
    assert event_file.function in functions(), f"{event_file.name}: no function {event_file.function} in template"


def test_every_case_event_states_the_status_it_produces() -> None:
    cases = {e.name for e in EVENTS if e.case is not None}
    assert cases == set(CASE_STATUS), "list each events/<LogicalId>-<case>.json in CASE_STATUS (and only those)"


# ---- shape ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_event_is_a_valid_rest_proxy_event(event_file: EventFile) -> None:
    event = event_file.load()
    parsed = APIGatewayProxyEventModel.model_validate(event)  # Powertools' schema of the REST proxy payload v1
    context = event["requestContext"]
    assert context["httpMethod"] == event["httpMethod"]
    assert context["resourcePath"] == event["resource"]
    assert context["path"] == f"/{context['stage']}{event['path']}"
    assert {k: [v] for k, v in event["headers"].items()} == event["multiValueHeaders"]
    query = event["queryStringParameters"]
    assert event["multiValueQueryStringParameters"] == ({k: [v] for k, v in query.items()} if query else None)
    assert parsed.isBase64Encoded is False


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_event_path_is_its_resource_with_the_path_parameters_filled_in(event_file: EventFile) -> None:
    event = event_file.load()
    names = re.findall(r"{(\w+)}", event["resource"])
    params = event["pathParameters"] or {}
    assert sorted(params) == sorted(names)
    expected = event["resource"]
    for name in names:
        expected = expected.replace("{" + name + "}", params[name])
    assert event["path"] == expected


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_event_targets_a_route_of_the_function_it_is_named_after(event_file: EventFile) -> None:
    event = event_file.load()
    route = (event["httpMethod"], event["resource"])
    assert template_routes().get(route) == event_file.function, f"{route} is not a route of {event_file.function}"


@pytest.mark.parametrize("event_file", MAIN_EVENTS, ids=_ids(MAIN_EVENTS))
def test_main_events_of_management_routes_come_from_an_admin(event_file: EventFile) -> None:
    event = event_file.load()
    if event["httpMethod"] == "GET":
        assert event["requestContext"]["authorizer"] is None, "public reads are sent anonymously"
        return
    assert event["requestContext"]["authorizer"] == {"claims": ADMIN}


# ---- invocation against moto -------------------------------------------------------------------------------


@pytest.fixture
def catalog(table: str) -> None:
    """The restaurant and menu item the events address, created through the domain with the events' ids."""
    settings = get_settings()
    store = CatalogRepository(settings.table_name, settings.cursor_secret)
    admin = principal_from_claims(ADMIN)
    restaurant = _body("CreateRestaurantFunction.json")
    item = _body("CreateMenuItemFunction.json")
    CatalogService(store, ids=lambda: RESTAURANT_ID).create_restaurant(
        admin, RestaurantCreate.model_validate(restaurant)
    )
    CatalogService(store, ids=lambda: ITEM_ID).create_menu_item(
        admin, RESTAURANT_ID, MenuItemCreate.model_validate(item)
    )


def _body(name: str) -> dict[str, Any]:
    event = next(e for e in EVENTS if e.name == name).load()
    body: dict[str, Any] = json.loads(event["body"])
    return body


# TransactWriteItems is authorised per item, as the underlying single-item action (DynamoDB developer guide,
# "Using IAM with DynamoDB transactions").
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


@pytest.fixture
def dynamodb_calls(catalog: None) -> Iterator[set[str]]:
    """The IAM actions of every DynamoDB call made while the test runs (after the catalog is seeded)."""
    actions: set[str] = set()

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                actions.update(f"dynamodb:{_TRANSACT_ACTIONS[kind]}" for kind in entry)
        else:
            actions.add(f"dynamodb:{model.name}")

    events = dynamodb_client().meta.events
    events.register("before-parameter-build.dynamodb", record, unique_id="contract-recorder")
    yield actions
    events.unregister("before-parameter-build.dynamodb", unique_id="contract-recorder")


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_invoking_the_event_answers_as_documented_within_the_functions_permissions(
    event_file: EventFile, dynamodb_calls: set[str]
) -> None:
    status, _, body = call(function_dir(event_file.function), event_file.load())
    assert status < 500, body
    if event_file.case is None:
        assert 200 <= status < 300, body
    else:
        assert status == CASE_STATUS[event_file.name], body
    allowed = policy_table_actions(event_file.function)
    assert dynamodb_calls - allowed == set(), f"calls {event_file.function}'s policy does not allow"
    if event_file.case is None:  # the recorder sees the main calls: table functions touch the table, others not
        assert bool(dynamodb_calls) == bool(allowed)
