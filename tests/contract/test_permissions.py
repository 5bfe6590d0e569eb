"""Least privilege: each function's role can call only the AWS actions its code path uses, on the resources it
uses them on, and decrypt with the keys it needs; nothing is granted on "*".

- DynamoDB: the actions on the table itself, and Query on the index ARN (``${Table.Arn}/index/GSIn``) for the
  indexes it reads. Transactions are authorised per item: TransactWriteItems of Put/Delete/ConditionCheck items
  needs dynamodb:PutItem/DeleteItem/ConditionCheckItem, and there is no separate IAM action for it.
- Cognito: admin actions on the user pool only. SignUp, ConfirmSignUp and InitiateAuth are not authorized by IAM
  (the app client id is the credential), so no policy names them.
- API Gateway: HTTP verbs on the API-key and usage-plan-key paths only (``/apikeys``, ``/usageplans/<plan>/keys``).

EXPECTED_GRANTS is the reviewed table, read from each handler's path through the waiter repositories, the Cognito
provider and the usage plans; change it together with the code. tests/contract/test_events.py checks the other
direction at run time: every call an event's invocation makes is allowed by the policy.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from tests.contract.permissions import (
    Grants,
    actions_of,
    policy_conditions,
    resources_of,
    service_grants,
    statements,
    table_key_statements,
    touches_table,
)
from tests.contract.template_facts import (
    event_source_functions,
    functions,
    get_att,
    placeholder,
    table_indexes,
    template,
)

TABLE = "${Table.Arn}"
GSI1, GSI2, GSI3, GSI4 = (f"{TABLE}/index/GSI{n}" for n in (1, 2, 3, 4))
BUS = "${EventBus.Arn}"
SENDER = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderEmail}"
POOL = "${UserPool.Arn}"
_APIGATEWAY = "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
API_KEYS = f"{_APIGATEWAY}/apikeys"
AN_API_KEY = f"{_APIGATEWAY}/apikeys/*"  # key ids are generated at run time: the one wildcard allowed
USAGE_PLAN_KEYS = f"{_APIGATEWAY}/usageplans/${{ApiUsagePlan}}/keys"
# this WebSocket API's connections on its own stage (connection ids are made at run time: the one wildcard allowed)
_EXECUTE_API = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}"
CONNECTIONS = f"{_EXECUTE_API}:${{WebSocketApi}}/${{Environment}}/POST/@connections/*"


API_KEY_SECRET = "${PaymentsApiKeySecret}"
WEBHOOK_SECRET = "${PaymentsWebhookSecret}"
SECRET = {"secretsmanager:GetSecretValue"}
PAYMENT_EVENTS = "${PaymentEventsQueue.Arn}"


def _dynamodb(*actions: str) -> set[str]:
    return {f"dynamodb:{a}" for a in actions}


def _cognito(*actions: str) -> set[str]:
    return {f"cognito-idp:{a}" for a in actions}


QUERY = _dynamodb("Query")
CART_CHANGE = _dynamodb("GetItem", "BatchGetItem", "PutItem")  # read the cart, price it (one batch), write it

EXPECTED_GRANTS: dict[str, Grants] = {
    # ---- catalog
    "ListRestaurantsFunction": {TABLE: QUERY},  # one listing page
    "GetRestaurantFunction": {TABLE: _dynamodb("GetItem")},
    "GetMenuFunction": {TABLE: QUERY},  # the restaurant's partition: profile + items
    "CreateRestaurantFunction": {TABLE: _dynamodb("PutItem")},  # TransactWriteItems: Put profile + listing entries
    # GetItem, then TransactWriteItems: Put profile/listing entries, Delete listing entries that moved
    "UpdateRestaurantFunction": {TABLE: _dynamodb("GetItem", "PutItem", "DeleteItem")},
    "DeleteRestaurantFunction": {TABLE: _dynamodb("GetItem", "PutItem", "DeleteItem")},  # deactivates
    # GetItem restaurant, Query Select=COUNT (menu cap), conditional PutItem
    "CreateMenuItemFunction": {TABLE: _dynamodb("GetItem", "Query", "PutItem")},
    "UpdateMenuItemFunction": {TABLE: _dynamodb("GetItem", "PutItem")},  # conditional PutItem on version
    "DeleteMenuItemFunction": {TABLE: _dynamodb("GetItem", "DeleteItem")},  # conditional DeleteItem on version
    # GetItem, then TransactWriteItems: Put profile and listing entries (a pause never moves them: no Delete)
    "SetAvailabilityFunction": {TABLE: _dynamodb("GetItem", "PutItem")},
    "PartnerSetAvailabilityFunction": {TABLE: _dynamodb("GetItem", "PutItem")},
    "ApiDocsFunction": {},  # serves a file: no AWS access at all
    # ---- identity and access
    # the per-IP rate limit (UpdateItem on a counter), SignUp (no IAM), then the customers group
    "AuthSignUpFunction": {TABLE: _dynamodb("UpdateItem"), POOL: _cognito("AdminAddUserToGroup")},
    "AuthConfirmFunction": {},  # ConfirmSignUp only (no IAM)
    # per-IP and per-account failure budgets: a unit taken (UpdateItem), given back on success (UpdateItem on the IP's,
    # DeleteItem clearing the account's); InitiateAuth (no IAM)
    "AuthLoginFunction": {TABLE: _dynamodb("UpdateItem", "DeleteItem")},
    # per-IP and per-account request limits (UpdateItem); ForgotPassword (no IAM)
    "AuthForgotPasswordFunction": {TABLE: _dynamodb("UpdateItem")},
    # failure budgets as for sign-in (UpdateItem, DeleteItem); ConfirmForgotPassword (no IAM)
    "AuthResetPasswordFunction": {TABLE: _dynamodb("UpdateItem", "DeleteItem")},
    # the user (ListUsers, AdminGetUser + groups); carts (Query on the customer's partition); orders and staff
    # memberships (GSI1)
    "ExportMeFunction": {
        TABLE: QUERY,
        GSI1: QUERY,
        POOL: _cognito("ListUsers", "AdminGetUser", "AdminListGroupsForUser"),
    },
    # the user; the password (InitiateAuth, no IAM) under the sign-in failure budgets (UpdateItem, DeleteItem);
    # global sign-out; the anonymous id (UpdateItem); carts and counters (Query, DeleteItem); orders and staff
    # memberships (GSI1); anonymised orders (PutItem); discount uses re-keyed (DeleteItem, PutItem); the user deleted
    "DeleteMeFunction": {
        TABLE: _dynamodb("Query", "UpdateItem", "PutItem", "DeleteItem"),
        GSI1: QUERY,
        POOL: _cognito(
            "ListUsers", "AdminGetUser", "AdminListGroupsForUser", "AdminUserGlobalSignOut", "AdminDeleteUser"
        ),
    },
    "AuthRefreshFunction": {},  # InitiateAuth only (no IAM)
    "AuthLogoutFunction": {POOL: _cognito("AdminUserGlobalSignOut")},
    # the user (AdminGetUser + groups), the restaurants they work for (GSI1)
    "GetMeFunction": {GSI1: QUERY, POOL: _cognito("ListUsers", "AdminGetUser", "AdminListGroupsForUser")},
    # the restaurant (GetItem), the user by e-mail (ListUsers, AdminGetUser + groups), the membership (PutItem),
    # the staff group, then custom:restaurants from the user's attribute plus this restaurant
    "AssignStaffFunction": {
        TABLE: _dynamodb("GetItem", "PutItem"),
        POOL: _cognito(
            "ListUsers", "AdminGetUser", "AdminListGroupsForUser", "AdminAddUserToGroup", "AdminUpdateUserAttributes"
        ),
    },
    # the restaurant, the membership (DeleteItem), the user by sub (ListUsers, AdminGetUser + groups),
    # custom:restaurants less this restaurant and, when none remain, the staff group
    "RemoveStaffFunction": {
        TABLE: _dynamodb("GetItem", "DeleteItem"),
        POOL: _cognito(
            "ListUsers",
            "AdminGetUser",
            "AdminListGroupsForUser",
            "AdminUpdateUserAttributes",
            "AdminRemoveUserFromGroup",
        ),
    },
    # the restaurant, an API Gateway key attached to the usage plan, the key record (conditional PutItem)
    "CreateApiKeyFunction": {
        TABLE: _dynamodb("GetItem", "PutItem"),
        API_KEYS: {"apigateway:POST"},
        USAGE_PLAN_KEYS: {"apigateway:POST"},
    },
    "ListApiKeysFunction": {TABLE: _dynamodb("GetItem"), GSI1: QUERY},  # the restaurant, its keys (GSI1)
    # the restaurant and the key (GetItem), revokedAt (UpdateItem), the API Gateway key (DELETE)
    "RevokeApiKeyFunction": {TABLE: _dynamodb("GetItem", "UpdateItem"), AN_API_KEY: {"apigateway:DELETE"}},
    "PartnerAuthorizerFunction": {TABLE: _dynamodb("GetItem")},  # the key record by the id inside the key
    # ---- ordering
    "ListCartsFunction": {TABLE: QUERY},  # the customer's partition, CART# items
    "GetCartFunction": {TABLE: _dynamodb("GetItem", "BatchGetItem")},  # the cart, then what pricing reads
    "AddCartItemFunction": {TABLE: CART_CHANGE},
    "UpdateCartItemFunction": {TABLE: CART_CHANGE},
    "RemoveCartItemFunction": {TABLE: CART_CHANGE},
    "ApplyDiscountFunction": {TABLE: CART_CHANGE},
    "RemoveDiscountFunction": {TABLE: CART_CHANGE},
    "EmptyCartFunction": {TABLE: _dynamodb("DeleteItem")},
    "CreateDiscountFunction": {TABLE: _dynamodb("BatchGetItem", "PutItem")},  # the restaurant (batch), the code
    # the idempotency record (GetItem); the rate limit (UpdateItem); the cart (GetItem) and what pricing reads
    # (BatchGetItem); the transaction: Put order, Delete cart, ConditionCheck each item, Put the once-per-customer
    # discount use, Put the idempotency record
    "CheckoutFunction": {
        TABLE: _dynamodb("GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem")
    },
    "ListMyOrdersFunction": {GSI1: QUERY},
    "GetOrderFunction": {TABLE: _dynamodb("GetItem")},
    "CancelOrderFunction": {TABLE: _dynamodb("GetItem", "PutItem")},  # conditional PutItem on version
    # every order (GSI2) or one status (GSI3), keys only: the orders read back (BatchGetItem)
    "ListRestaurantOrdersFunction": {TABLE: _dynamodb("BatchGetItem"), GSI2: QUERY, GSI3: QUERY},
    "TransitionOrderFunction": {TABLE: _dynamodb("GetItem", "PutItem")},
    "PartnerListOrdersFunction": {TABLE: _dynamodb("BatchGetItem"), GSI2: QUERY, GSI3: QUERY},
    "PartnerTransitionOrderFunction": {TABLE: _dynamodb("GetItem", "PutItem")},
    "PartnerGetMenuFunction": {TABLE: QUERY},  # the restaurant's partition: restaurant and items
    "PartnerSetItemAvailabilityFunction": {TABLE: _dynamodb("GetItem", "PutItem")},  # conditional PutItem on version
    # the SOAP facade: its menu operations (Query; GetItem + PutItem), its order operations (GetItem + PutItem) and
    # the kitchen views (GSI2, GSI3), as their REST twins
    # ---- GraphQL: the grants of the REST functions whose services its resolvers call (catalog reads with a batch of
    # restaurant details, carts, checkout, orders, the kitchen views, order moves, menu-item switches, `me`; and
    # startPayment's, CreatePaymentFunction's: the order, its intent id stored, the provider's key)
    "GraphqlFunction": {
        TABLE: _dynamodb(
            "Query", "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"
        ),
        GSI1: QUERY,
        GSI2: QUERY,
        GSI3: QUERY,
        POOL: _cognito("ListUsers", "AdminGetUser", "AdminListGroupsForUser"),
        API_KEY_SECRET: SECRET,
    },
    "SoapPosFunction": {TABLE: _dynamodb("Query", "GetItem", "PutItem", "BatchGetItem"), GSI2: QUERY, GSI3: QUERY},
    # ---- events (the event sources' own read permissions come from SAM: see test_event_sources.py)
    "PublishEventsFunction": {BUS: {"events:PutEvents"}},  # the stream's events, ten to a call
    # claim the event id (conditional PutItem; DeleteItem releases it when sending fails), the customer's address
    # (ListUsers by sub), the mail (as the sender identity only)
    "EmailNotifierFunction": {
        TABLE: _dynamodb("PutItem", "DeleteItem"),
        POOL: _cognito("ListUsers"),
        SENDER: {"ses:SendEmail"},
    },
    # ---- payments
    # the order (GetItem), its intent id stored (conditional PutItem), the provider's key
    "CreatePaymentFunction": {TABLE: _dynamodb("GetItem", "PutItem"), API_KEY_SECRET: SECRET},
    # the signing secret(s), the verified event queued
    "PaymentWebhookFunction": {WEBHOOK_SECRET: SECRET, PAYMENT_EVENTS: {"sqs:SendMessage"}},
    # claim the event id (conditional PutItem; DeleteItem releases it on failure), the order (GetItem, PutItem),
    # the provider's key (a late success is refunded)
    "PaymentEventsFunction": {TABLE: _dynamodb("GetItem", "PutItem", "DeleteItem"), API_KEY_SECRET: SECRET},
    "SettlePaymentsFunction": {TABLE: _dynamodb("GetItem"), API_KEY_SECRET: SECRET},  # the order; refund/cancel
    # unpaid orders (GSI4, keys only), read back (BatchGetItem), each expired (PutItem)
    "ExpirePaymentsFunction": {GSI4: QUERY, TABLE: _dynamodb("PutItem", "BatchGetItem")},
    # due orders (GSI4, keys only), read back (BatchGetItem), each rejected (PutItem)
    "KitchenTimeoutFunction": {GSI4: QUERY, TABLE: _dynamodb("PutItem", "BatchGetItem")},
    # ---- real time (the WebSocket API)
    "WsAuthorizerFunction": {TABLE: _dynamodb("GetItem")},  # a partner key's record; ID tokens need no AWS call
    "WsConnectFunction": {TABLE: _dynamodb("PutItem")},  # the connection
    "WsDisconnectFunction": {TABLE: _dynamodb("Query", "BatchWriteItem")},  # its partition, deleted 25 at a time
    # the snapshot (my orders: GSI1, an order: GetItem, a kitchen: GSI3 by status), the subscription and the
    # connection's count in one transaction (Put + Update), the connection's existence when the count refuses
    # a kitchen topic's snapshot reads GSI3's keys and the orders back (BatchGetItem)
    "WsSubscribeFunction": {
        TABLE: _dynamodb("GetItem", "PutItem", "UpdateItem", "BatchGetItem"),
        GSI1: QUERY,
        GSI3: QUERY,
    },
    "WsUnsubscribeFunction": {TABLE: _dynamodb("DeleteItem", "UpdateItem")},  # the subscription and the count
    "WsPingFunction": {},
    # graphql-transport-ws: the connection's protocol (GetItem), subscribe and complete as the two routes above
    "WsDefaultFunction": {
        TABLE: _dynamodb("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem"),
        GSI1: QUERY,
        GSI3: QUERY,
    },
    # the order (GetItem), each feed's subscribers (GSI1), gone connections' partitions (Query + BatchWriteItem),
    # the posts (this API's connections only)
    "LiveNotifierFunction": {
        TABLE: _dynamodb("GetItem", "Query", "BatchWriteItem"),
        GSI1: QUERY,
        CONNECTIONS: {"execute-api:ManageConnections"},
    },
}
# Grants that depend on a template condition: {function: {condition: grants added when it holds}}.
CONDITIONAL_GRANTS: dict[str, dict[str, Grants]] = {
    # sign-ups are confirmed at once only where AutoConfirmSignUps=true (the local stack)
    "AuthSignUpFunction": {"AutoConfirm": {POOL: _cognito("AdminConfirmSignUp")}},
}
KEYS = {"TableKey", "ConfigKey"}
SERVICES = {"dynamodb", "kms", "cognito-idp", "apigateway", "events", "ses", "execute-api", "secretsmanager", "sqs"}
_APIGATEWAY_PATHS = re.compile(r"/apikeys(/\*)?|/usageplans/\$\{ApiUsagePlan\}/keys")
_HTTP_VERBS = {f"apigateway:{verb}" for verb in ("GET", "POST", "PUT", "PATCH", "DELETE")}

FUNCTIONS = sorted(functions())


def _with(grants: Grants, extra: Grants) -> Grants:
    merged = {resource: set(actions) for resource, actions in grants.items()}
    for resource, actions in extra.items():
        merged.setdefault(resource, set()).update(actions)
    return merged


def _condition_cases() -> list[tuple[str, dict[str, bool]]]:
    """Each function with every assignment of the conditions its policy depends on."""
    cases = []
    for logical_id in FUNCTIONS:
        names = sorted(policy_conditions(logical_id))
        for values in itertools.product([False, True], repeat=len(names)):
            cases.append((logical_id, dict(zip(names, values, strict=True))))
    return cases


def test_every_function_has_reviewed_permissions() -> None:
    assert set(FUNCTIONS) == set(EXPECTED_GRANTS), "add the new function's grants to EXPECTED_GRANTS"


def test_no_policy_is_granted_to_every_function_at_once() -> None:
    globals_function = template().get("Globals", {}).get("Function", {})
    assert "Policies" not in globals_function
    assert "Role" not in globals_function


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_uses_its_own_generated_role_and_inline_statements(logical_id: str) -> None:
    props = functions()[logical_id]["Properties"]
    assert "Role" not in props, "an explicit Role would bypass the reviewed Policies"
    assert statements(logical_id), f"{logical_id} has no inline policy statement"


@pytest.mark.parametrize(
    ("logical_id", "conditions"), _condition_cases(), ids=[f"{f}-{c}" for f, c in _condition_cases()]
)
def test_function_may_call_exactly_the_actions_its_code_uses(logical_id: str, conditions: dict[str, bool]) -> None:
    assert set(conditions) == set(CONDITIONAL_GRANTS.get(logical_id, {})), "review the conditional grants"
    expected = EXPECTED_GRANTS[logical_id]
    for name, holds in conditions.items():
        if holds:
            expected = _with(expected, CONDITIONAL_GRANTS[logical_id][name])
    assert service_grants(logical_id, conditions) == expected


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_every_statement_allows_named_actions_of_one_service_on_named_resources(logical_id: str) -> None:
    indexes = {f"{TABLE}/index/{name}" for name in table_indexes()}
    for statement in statements(logical_id):
        assert statement.get("Effect") == "Allow"
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        actions = actions_of(statement)
        assert actions, statement
        assert not any("*" in a for a in actions), statement
        services = {a.split(":")[0] for a in actions}
        assert len(services) == 1, f"one service per statement: {statement}"
        [service] = services
        assert service in SERVICES, statement
        resources = [placeholder(r) for r in resources_of(statement)]
        assert resources, statement
        assert "*" not in resources, statement
        if service == "dynamodb":
            assert set(resources) <= {TABLE, *indexes}, f"the table or its indexes: {statement}"
            if set(resources) & indexes:
                assert actions == {"dynamodb:Query"}, f"indexes are only queried: {statement}"
        elif service == "kms":
            assert {get_att(r) for r in resources_of(statement)} <= KEYS, statement
            assert actions == {"kms:Decrypt"}, statement
        elif service == "cognito-idp":
            assert resources == [POOL], f"the user pool only: {statement}"
        elif service == "events":
            assert resources == [BUS], f"Waiter's bus only: {statement}"
        elif service == "ses":
            assert resources == [SENDER], f"the sender identity only: {statement}"
        elif service == "secretsmanager":
            assert actions == SECRET, statement
            assert set(resources) <= {API_KEY_SECRET, WEBHOOK_SECRET}, f"the payment secrets only: {statement}"
        elif service == "sqs":
            assert (actions, resources) == ({"sqs:SendMessage"}, [PAYMENT_EVENTS]), statement
        elif service == "execute-api":
            assert (actions, resources) == ({"execute-api:ManageConnections"}, [CONNECTIONS]), statement
        else:
            assert actions <= _HTTP_VERBS, statement
            for resource in resources:
                assert resource.startswith(_APIGATEWAY), statement
                assert _APIGATEWAY_PATHS.fullmatch(resource.removeprefix(_APIGATEWAY)), f"API keys only: {statement}"
        assert all("*" not in r for r in resources if r not in (AN_API_KEY, CONNECTIONS)), f"no wildcards: {statement}"


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_decrypts_with_the_table_key_only_through_dynamodb_and_only_when_it_reads_the_table(
    logical_id: str,
) -> None:
    table_key = table_key_statements(logical_id)
    reads_stream = "DynamoDB" in event_source_functions().get(logical_id, set())  # the stream has the table's key
    if not touches_table(EXPECTED_GRANTS[logical_id]) and not reads_stream:
        assert table_key == []
        return
    assert len(table_key) == 1
    statement: dict[str, Any] = table_key[0]
    assert actions_of(statement) == {"kms:Decrypt"}
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}}
    }


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_may_decrypt_its_environment_and_nothing_else_with_the_config_key(logical_id: str) -> None:
    config_key = [s for s in statements(logical_id) if [get_att(r) for r in resources_of(s)] == ["ConfigKey"]]
    assert [actions_of(s) for s in config_key] == [{"kms:Decrypt"}]
    assert "Condition" not in config_key[0]


def test_environment_is_encrypted_with_the_config_key() -> None:
    globals_function = template()["Globals"]["Function"]
    assert get_att(globals_function["KmsKeyArn"]) == "ConfigKey"
    for logical_id in FUNCTIONS:
        assert "KmsKeyArn" not in functions()[logical_id]["Properties"], f"{logical_id} overrides the key"
