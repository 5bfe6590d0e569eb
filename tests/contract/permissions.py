"""The functions' IAM statements, as template.yaml grants them."""

from __future__ import annotations

from typing import Any

from tests.contract.template_facts import as_list, functions, get_att


def statements(logical_id: str) -> list[dict[str, Any]]:
    """Every statement of the function's inline policies (``Policies: [{Statement: [...]}]``)."""
    found: list[dict[str, Any]] = []
    for policy in as_list(functions()[logical_id]["Properties"].get("Policies", [])):
        assert isinstance(policy, dict), f"{logical_id}: managed policy {policy!r} instead of an inline statement"
        assert set(policy) == {"Statement"}, f"{logical_id}: SAM policy template {policy!r} instead of a statement"
        found += as_list(policy["Statement"])
    return found


def actions_of(statement: dict[str, Any]) -> set[str]:
    return {str(a) for a in as_list(statement.get("Action", []))}


def resources_of(statement: dict[str, Any]) -> list[Any]:
    return as_list(statement.get("Resource", []))


def policy_table_actions(logical_id: str) -> set[str]:
    """The DynamoDB actions the function may call on the table."""
    return {
        action
        for statement in statements(logical_id)
        if statement.get("Effect") == "Allow" and [get_att(r) for r in resources_of(statement)] == ["Table"]
        for action in actions_of(statement)
        if action.startswith("dynamodb:")
    }
