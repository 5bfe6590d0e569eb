"""events/: a sample event for every function, usable with `sam local invoke -e` and `make invoke`. API functions
get API Gateway REST proxy events (payload v1); Lambda authorizers get the REQUEST authorizer event API Gateway
sends them. Each event is valid for a route of the function it is named after, carries the caller that route's
authorizer lets through (tests/contract/access.py), and invoking it against moto, holding what the events address
(tests/contract/samples.py), answers as documented, never with a 5xx. Every AWS call an invocation makes must be
allowed by the function's policy in template.yaml (with the environment the template gives the function, every
reference standing for the moto resource), and between them a function's events must use every grant of its
policy, so that nothing is granted for nothing.

Naming: events/<LogicalId>.json is the function's main call, which succeeds (2xx; an Allow for an authorizer)
unless EXPECTED_STATUS says why it cannot as a static sample; events/<LogicalId>-<case>.json are other cases,
each with the status (or authorizer outcome) it must produce listed below.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import ApiGatewayAuthorizerRequest, APIGatewayProxyEventModel
from moto import mock_aws

from local.gateway.payments import LocalPaymentProvider
from local.gateway.payments import signature_header as provider_signature
from local.template import table_definition
from tests.contract import samples
from tests.contract.access import DEFAULT_AUTHORIZER, IN_FUNCTION_TOKEN_VERIFICATION, NONE, PARTNER_AUTHORIZER
from tests.contract.aws_calls import Recorder, recording
from tests.contract.moto_stack import MotoStack, stack_for
from tests.contract.permissions import Grants, allowed, exercised, service_grants
from tests.contract.template_facts import (
    EventFile,
    authorizer_functions,
    event_files,
    event_source_functions,
    function_dir,
    functions,
    route_auth,
    template_routes,
    websocket_functions,
)
from tests.support import LambdaContext, call, load_function
from waiter import compose
from waiter.accounts.cognito import cognito_client
from waiter.errors import Unauthorized
from waiter.partners.usage_plans import apigateway_client
from waiter.payments import secrets as payment_secrets
from waiter.payments.queue import sqs_client
from waiter.payments.secrets import secretsmanager_client
from waiter.repository.dynamo import dynamodb_client
from waiter.settings import get_settings

EXPECTED_STATUS = {
    # other cases
    "ListRestaurantsFunction-all.json": 200,
    "GetRestaurantFunction-unknown.json": 404,
    "CreateRestaurantFunction-anonymous.json": 403,
    "CreateRestaurantFunction-invalid.json": 400,
    "UpdateRestaurantFunction-stale.json": 412,
    "ApiDocsFunction-docs.json": 200,
    "UpdateRestaurantFunction-cuisines.json": 200,  # moves its listing entries: deletes the stale ones
    "ListRestaurantOrdersFunction-all.json": 200,  # no status filter: the kitchen view of every order (GSI2)
    "PartnerListOrdersFunction-all.json": 200,  # likewise, for the partner key's restaurant
    "SoapPosFunction-all.json": 200,  # ListOrders without a status: every order (GSI2)
    "SoapPosFunction-menu.json": 200,  # GetMenu over SOAP 1.2
    "SoapPosFunction-availability.json": 200,  # SetItemAvailability: GetItem, conditional PutItem
    "SoapPosFunction-wsdl.json": 200,  # GET ?wsdl
    "SoapPosFunction-xxe.json": 500,  # a DTD declaring an external entity: a soap:Client fault (SOAP 1.1: HTTP 500)
    "SetAvailabilityFunction-resume.json": 200,
    # the sample order's Idempotency-Key and body again: that order (its record read with the cart, the order read)
    "CheckoutFunction-replay.json": 201,
    # GraphQL, signed in (sample tokens, see _SampleTokens): the customer's reads (me, carts, orders, an order); a
    # checkout then a line added and the cart emptied; the kitchen views (all: GSI2, by status: GSI3); a move
    "GraphqlFunction-customer.json": 200,
    "GraphqlFunction-checkout.json": 200,
    "GraphqlFunction-kitchen.json": 200,
    "GraphqlFunction-transition.json": 200,  # resuming a restaurant that takes orders changes nothing but is fine
    "GraphqlFunction-payment.json": 200,  # startPayment: the sample card order's intent at the local provider
    # main calls a static sample cannot make successfully
    # a sample cannot know the e-mailed code: "wrong or expired" on body.code (as for an unknown address)
    "AuthConfirmFunction.json": 400,
    "AuthRefreshFunction.json": 401,  # refresh tokens come from a sign-in; a sample's is expired or revoked
    "CreatePaymentFunction.json": 409,  # the sample order is paid in cash
    "CreatePaymentFunction-card.json": 200,  # the sample card order: its intent at the local payment provider
    "PaymentWebhookFunction-unsigned.json": 400,  # no Stripe-Signature: nothing queued
}
# What an authorizer answers: "Allow" / "Deny" (a policy), or "Unauthorized" (it raises, API Gateway answers 401).
AUTHORIZER_OUTCOME = {
    "PartnerAuthorizerFunction-unknown.json": "Unauthorized",  # a well-formed key that was never issued
}

# functions that read or erase everything of a customer, orders included
_ALL_OF_A_CUSTOMER = {"ExportMeFunction", "DeleteMeFunction"}
# functions whose one route serves order operations too (the GraphQL documents address the sample orders)
_ORDERS_BEHIND_ONE_ROUTE = {"GraphqlFunction"}
SOAP_FUNCTION = "SoapPosFunction"
# API Gateway's REST events (proxy and authorizer); the event-source functions' samples:
# tests/contract/test_event_sources.py; the WebSocket API's: tests/contract/test_websocket.py
EVENTS = [e for e in event_files() if e.function not in set(event_source_functions()) | websocket_functions()]
MAIN_EVENTS = [e for e in EVENTS if e.case is None]
AUTHORIZERS = authorizer_functions()  # {function: authorizer name}


def _ids(files: list[EventFile]) -> list[str]:
    return [f.name for f in files]


def _is_authorizer(event_file: EventFile) -> bool:
    return event_file.function in AUTHORIZERS


# ---- coverage -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("logical_id", sorted(functions()))
def test_every_function_has_a_main_sample_event(logical_id: str) -> None:
    assert logical_id in {e.function for e in event_files() if e.case is None}, f"add events/{logical_id}.json"


@pytest.mark.parametrize("event_file", event_files(), ids=_ids(event_files()))
def test_every_event_file_is_named_after_a_function(event_file: EventFile) -> None:
    assert event_file.function in functions(), f"{event_file.name}: no function {event_file.function} in template"


def test_every_case_event_states_the_outcome_it_produces() -> None:
    cases = {e.name for e in EVENTS if e.case is not None}
    stated = {name for name in [*EXPECTED_STATUS, *AUTHORIZER_OUTCOME] if "-" in name}
    assert cases == stated, "list each events/<LogicalId>-<case>.json in EXPECTED_STATUS or AUTHORIZER_OUTCOME"
    assert {n for n in EXPECTED_STATUS if "-" not in n} <= {e.name for e in MAIN_EVENTS}
    assert all(n.split("-")[0].removesuffix(".json") in AUTHORIZERS for n in AUTHORIZER_OUTCOME)


# ---- shape ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_file", EVENTS, ids=_ids(EVENTS))
def test_event_is_a_valid_event_of_its_kind(event_file: EventFile) -> None:
    event = event_file.load()
    context = event["requestContext"]
    assert context["httpMethod"] == event["httpMethod"]
    assert context["resourcePath"] == event["resource"]
    assert context["path"] == f"/{context['stage']}{event['path']}"
    assert {k: [v] for k, v in event["headers"].items()} == event["multiValueHeaders"]
    query = event["queryStringParameters"]
    if _is_authorizer(event_file):
        parsed = ApiGatewayAuthorizerRequest.model_validate(event)  # Powertools' schema of the REQUEST event
        assert parsed.type == "REQUEST"
        arn = f"arn:aws:execute-api:us-east-1:{context['accountId']}:{context['apiId']}/{context['stage']}"
        assert event["methodArn"] == f"{arn}/{event['httpMethod']}{event['path']}"
        assert "authorizer" not in context, "the authorizer runs before there is any authorizer context"
        assert event["multiValueQueryStringParameters"] == {k: [v] for k, v in query.items()}
        return
    proxy = APIGatewayProxyEventModel.model_validate(event)  # Powertools' schema of the REST proxy payload v1
    assert event["multiValueQueryStringParameters"] == ({k: [v] for k, v in query.items()} if query else None)
    assert proxy.isBase64Encoded is False
    if event["body"] is not None:
        media_type = event["headers"]["Content-Type"].split(";")[0]
        if event_file.function == SOAP_FUNCTION:  # SOAP envelopes (one event is an attack, with a DTD)
            assert media_type in ("text/xml", "application/soap+xml")
            assert event["body"].lstrip().startswith("<?xml")
        else:
            json.loads(event["body"])
            assert media_type == "application/json"


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
    if _is_authorizer(event_file):
        authorizer = AUTHORIZERS[event_file.function]
        assert route_auth()[route].authorizer == authorizer, f"{route} is not behind {authorizer}"
        return
    assert template_routes().get(route) == event_file.function, f"{route} is not a route of {event_file.function}"


@pytest.mark.parametrize("event_file", MAIN_EVENTS, ids=_ids(MAIN_EVENTS))
def test_main_events_come_from_a_caller_their_routes_authorizer_lets_through(event_file: EventFile) -> None:
    event = event_file.load()
    headers = event["headers"]
    if _is_authorizer(event_file):
        assert headers.get("X-Api-Key") == samples.API_KEY, "the sample partner key"
        return
    authorizer = route_auth()[(event["httpMethod"], event["resource"])].authorizer
    context = event["requestContext"]["authorizer"]
    if authorizer == NONE:
        assert context is None, "public routes are called anonymously"
        assert "Authorization" not in headers
        assert "X-Api-Key" not in headers
    elif authorizer == DEFAULT_AUTHORIZER:
        assert context is not None
        assert context["claims"] in samples.CALLERS.values(), "claims of a sample caller (tests/contract/samples.py)"
        assert headers["Authorization"].startswith("Bearer ")
    else:
        assert authorizer == PARTNER_AUTHORIZER
        assert context == samples.PARTNER_CONTEXT, "the context PartnerAuthorizerFunction returns for the sample key"
        assert headers["X-Api-Key"] == samples.API_KEY


# ---- invocation against moto -------------------------------------------------------------------------------


def _forget_process_state() -> None:
    """Drop the settings and services a warm Lambda process keeps, so the next call reads the environment afresh.
    The AWS clients stay: moto intercepts every client made after it was imported, whichever mock is active, and
    making a client costs about as much as a whole invocation (`_clients_made_under_moto`)."""
    get_settings.cache_clear()
    payment_secrets._secrets.cache_clear()  # Powertools' provider keeps values (and its client) per process
    for name in dir(compose):
        cached = getattr(compose, name)
        if callable(getattr(cached, "cache_clear", None)):
            cached.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def _clients_made_under_moto() -> Iterator[None]:
    """The functions' AWS clients, made anew once moto is imported (this module imports it) and dropped after."""
    clients = (dynamodb_client, cognito_client, apigateway_client, secretsmanager_client, sqs_client)
    for client in clients:
        client.cache_clear()
    yield
    for client in clients:
        client.cache_clear()


@contextmanager
def _stack(event_file: EventFile) -> Iterator[MotoStack]:
    """A fresh moto holding the table and what the function needs of the rest of the template's stack, with
    everything the sample events address (tests/contract/samples.py); the sample order for functions of order
    routes."""
    table = os.environ["TABLE_NAME"]
    provider = LocalPaymentProvider()  # the payment functions' stripe client calls it (local/gateway/payments.py)
    with mock_aws():
        _forget_process_state()
        try:
            dynamodb_client().create_table(TableName=table, **table_definition())
            stack = stack_for(event_file.function, table, {"PaymentsApiBase": provider.serve()})
            # the SOAP facade's ListOrders reads the kitchen indexes as the REST order routes do
            orders = event_file.function in _ALL_OF_A_CUSTOMER | _ORDERS_BEHIND_ONE_ROUTE | {SOAP_FUNCTION} or any(
                "/orders" in path for (_, path), f in template_routes().items() if f == event_file.function
            )
            samples.seed(stack, table, os.environ["CURSOR_SECRET"].encode(), orders=orders)
            yield stack
        finally:
            provider.stop()
            _forget_process_state()


def _invoke(event_file: EventFile, stack: MotoStack, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Recorder]:
    """Run the function on the event with the environment the template gives it; its result and its AWS calls."""
    for name, value in stack.environment(event_file.function).items():
        monkeypatch.setenv(name, value)
    _forget_process_state()
    if event_file.function in IN_FUNCTION_TOKEN_VERIFICATION:
        monkeypatch.setattr(compose, "id_token_verifier", _SampleTokens)
    module = load_function(function_dir(event_file.function))
    event = _freshly_signed(event_file.load())
    clients = (dynamodb_client(), cognito_client(), apigateway_client(), secretsmanager_client(), sqs_client())
    with recording(*clients) as recorder:
        if _is_authorizer(event_file):
            try:
                result: Any = module.lambda_handler(event, LambdaContext())
            except Exception as error:  # API Gateway's contract: raising "Unauthorized" means 401
                result = str(error)
        else:
            result = call(function_dir(event_file.function), event)
    return result, recorder


def _freshly_signed(event: dict[str, Any]) -> dict[str, Any]:
    """A webhook sample signed now with the stack's webhook secret, as the provider would send it: a static sample's
    own timestamp is always outside the 300 s tolerance."""
    headers = event.get("headers") or {}
    if "Stripe-Signature" not in headers:
        return event
    body = str(event.get("body") or "").encode()
    header = provider_signature(body, samples.PAYMENT_WEBHOOK_SECRET, int(time.time()))
    multi = {**(event.get("multiValueHeaders") or {}), "Stripe-Signature": [header]}
    return {**event, "headers": {**headers, "Stripe-Signature": header}, "multiValueHeaders": multi}


class _SampleTokens:
    """The ID-token verifier of a function that verifies tokens itself, for static sample events: a sample token
    (``sample-id-token:<caller>``) stands for that sample caller's claims (a real token would have expired; the
    verifier makes no AWS call, and tests/unit/test_id_tokens.py covers its checks)."""

    def verify(self, token: str) -> dict[str, Any]:
        caller = token.removeprefix("sample-id-token:")
        if caller not in samples.CALLERS:
            raise Unauthorized("a valid ID token is required")
        return dict(samples.CALLERS[caller])


def _wrong_outcome(event_file: EventFile, result: Any) -> str | None:
    """What is wrong with the result of invoking ``event_file``, or None."""
    if _is_authorizer(event_file):
        outcome = AUTHORIZER_OUTCOME.get(event_file.name, "Allow")
        if outcome == "Unauthorized":
            return None if result == "Unauthorized" else f"expected it to raise Unauthorized, got {result}"
        effects = [s["Effect"] for s in result["policyDocument"]["Statement"]] if isinstance(result, dict) else result
        return None if effects == [outcome] else f"expected {outcome}, got {effects}"
    status, _, body = result
    expected = EXPECTED_STATUS.get(event_file.name)
    ok = status == expected if expected is not None else 200 <= status < 300
    return None if ok else f"status {status} (expected {expected or '2xx'}): {body}"


@pytest.mark.parametrize("logical_id", sorted(set(functions()) - set(event_source_functions()) - websocket_functions()))
def test_invoking_the_functions_events_answers_as_documented_using_exactly_its_permissions(
    logical_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each event of the function, invoked in a fresh stack, answers as documented and makes only calls the policy
    allows; and between them, the events use every grant of the policy (so none is granted for nothing)."""
    problems: list[str] = []
    used: Grants = {}
    granted: Grants = {}
    for event_file in (e for e in EVENTS if e.function == logical_id):
        with _stack(event_file) as stack:
            result, recorder = _invoke(event_file, stack, monkeypatch)
            wrong = _wrong_outcome(event_file, result)
            problems += [f"{event_file.name}: {wrong}"] if wrong else []
            problems += [
                f"{event_file.name}: {c.action} on {c.resource} is not allowed by the policy"
                for c in sorted(recorder.calls)
                if not allowed(logical_id, c.action, c.resource, stack.conditions, stack.refs)
            ]
            for resource, actions in exercised(logical_id, recorder.calls, stack.conditions, stack.refs).items():
                used.setdefault(resource, set()).update(actions)
            granted = service_grants(logical_id, stack.conditions)
    assert problems == []
    unused = {resource: actions - used.get(resource, set()) for resource, actions in granted.items()}
    assert {r: a for r, a in unused.items() if a} == {}, "granted, but no sample event of the function calls it"


@pytest.mark.parametrize("logical_id", sorted(AUTHORIZERS))
def test_partner_events_carry_the_context_the_authorizer_returns_for_the_sample_key(
    logical_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = next(e for e in MAIN_EVENTS if e.function == logical_id)
    with _stack(main) as stack:
        result, _ = _invoke(main, stack, monkeypatch)
    assert {"principalId": result["principalId"], **result["context"]} == samples.PARTNER_CONTEXT
    assert result["usageIdentifierKey"] == samples.USAGE_KEY, "the usage plan meters the key by this identifier"
