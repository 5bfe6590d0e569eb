"""Least privilege: each function's role can call only the DynamoDB actions its code path uses, on the table
itself, and decrypt with the keys it needs; nothing is granted on "*" and ApiDocsFunction cannot touch the table.

The expected actions come from reading each handler's path through waiter.repository.catalog; change them
together with the code. Transactions are authorised per item: TransactWriteItems of Put/Delete items needs
dynamodb:PutItem/dynamodb:DeleteItem, and there is no separate IAM action for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.permissions import actions_of, policy_table_actions, resources_of, statements
from tests.contract.template_facts import functions, get_att, template

EXPECTED_TABLE_ACTIONS: dict[str, set[str]] = {
    "ListRestaurantsFunction": {"dynamodb:Query"},  # one listing page
    "GetRestaurantFunction": {"dynamodb:GetItem"},
    "GetMenuFunction": {"dynamodb:Query"},  # the restaurant's partition: profile + items
    "CreateRestaurantFunction": {"dynamodb:PutItem"},  # TransactWriteItems: Put profile + listing entries
    # GetItem, then TransactWriteItems: Put profile/listing entries, Delete listing entries that moved
    "UpdateRestaurantFunction": {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"},
    "DeleteRestaurantFunction": {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"},  # deactivates
    # GetItem restaurant, Query Select=COUNT (menu cap), conditional PutItem
    "CreateMenuItemFunction": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"},
    "UpdateMenuItemFunction": {"dynamodb:GetItem", "dynamodb:PutItem"},  # conditional PutItem on version
    "DeleteMenuItemFunction": {"dynamodb:GetItem", "dynamodb:DeleteItem"},  # conditional DeleteItem on version
    "ApiDocsFunction": set(),  # serves a file: no table access at all
}
KEYS = {"TableKey", "ConfigKey"}

FUNCTIONS = sorted(functions())


def test_every_function_has_reviewed_table_permissions() -> None:
    assert set(FUNCTIONS) == set(EXPECTED_TABLE_ACTIONS), "add the new function's DynamoDB actions here"


def test_no_policy_is_granted_to_every_function_at_once() -> None:
    globals_function = template().get("Globals", {}).get("Function", {})
    assert "Policies" not in globals_function
    assert "Role" not in globals_function


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_uses_its_own_generated_role_and_inline_statements(logical_id: str) -> None:
    props = functions()[logical_id]["Properties"]
    assert "Role" not in props, "an explicit Role would bypass the reviewed Policies"
    assert statements(logical_id), f"{logical_id} has no inline policy statement"


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_may_call_exactly_the_dynamodb_actions_its_code_uses(logical_id: str) -> None:
    assert policy_table_actions(logical_id) == EXPECTED_TABLE_ACTIONS[logical_id]


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_every_statement_allows_named_dynamodb_or_kms_actions_on_named_resources(logical_id: str) -> None:
    for statement in statements(logical_id):
        assert statement.get("Effect") == "Allow"
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        actions = actions_of(statement)
        assert actions, statement
        assert all(a.split(":")[0] in ("dynamodb", "kms") for a in actions), statement
        assert not any("*" in a for a in actions), statement
        targets = [get_att(r) for r in resources_of(statement)]
        assert targets, statement
        assert None not in targets, f"resources must be !GetAtt of stack resources, not strings: {statement}"
        services = {a.split(":")[0] for a in actions}
        if services == {"dynamodb"}:
            assert targets == ["Table"], statement
        else:
            assert services == {"kms"}, f"one service per statement: {statement}"
            assert set(targets) <= KEYS, statement


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_decrypts_with_the_table_key_only_through_dynamodb_and_only_when_it_reads_the_table(
    logical_id: str,
) -> None:
    table_key = [s for s in statements(logical_id) if [get_att(r) for r in resources_of(s)] == ["TableKey"]]
    if not EXPECTED_TABLE_ACTIONS[logical_id]:
        assert table_key == []
        return
    assert len(table_key) == 1
    statement: dict[str, Any] = table_key[0]
    assert actions_of(statement) == {"kms:Decrypt"}
    via = statement["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_function_may_decrypt_its_environment_and_nothing_else_with_the_config_key(logical_id: str) -> None:
    config_key = [s for s in statements(logical_id) if [get_att(r) for r in resources_of(s)] == ["ConfigKey"]]
    assert [actions_of(s) for s in config_key] == [{"kms:Decrypt"}]


def test_api_docs_function_has_no_table_access() -> None:
    for statement in statements("ApiDocsFunction"):
        assert not any(a.startswith("dynamodb:") for a in actions_of(statement))
        assert {get_att(r) for r in resources_of(statement)} <= {"ConfigKey"}


def test_environment_is_encrypted_with_the_config_key() -> None:
    globals_function = template()["Globals"]["Function"]
    assert get_att(globals_function["KmsKeyArn"]) == "ConfigKey"
    for logical_id in FUNCTIONS:
        assert "KmsKeyArn" not in functions()[logical_id]["Properties"], f"{logical_id} overrides the key"
