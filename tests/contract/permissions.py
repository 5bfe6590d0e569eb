"""The functions' IAM statements, as template.yaml grants them, and what they allow."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

from tests.contract.aws_calls import Call
from tests.contract.template_facts import (
    as_list,
    condition_values,
    functions,
    get_att,
    parameter_values,
    placeholder,
    select,
    substitute,
)

Grants = dict[str, set[str]]  # resource, written as Fn::Sub writes it ("${Table.Arn}/index/GSI1") -> actions


def default_conditions() -> dict[str, bool]:
    """The template's conditions for its default parameters (how `sam deploy` without overrides deploys it)."""
    return condition_values(parameter_values())


def _policies(logical_id: str) -> list[Any]:
    return as_list(functions()[logical_id]["Properties"].get("Policies", []))


def statements(logical_id: str, conditions: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    """Every statement of the function's inline policies (``Policies: [{Statement: [...]}]``), with each
    ``Fn::If`` decided for ``conditions`` (default: the default parameters)."""
    conditions = default_conditions() if conditions is None else conditions
    found: list[dict[str, Any]] = []
    for policy in _policies(logical_id):
        assert isinstance(policy, dict), f"{logical_id}: managed policy {policy!r} instead of an inline statement"
        assert set(policy) == {"Statement"}, f"{logical_id}: SAM policy template {policy!r} instead of a statement"
        found += [select(s, conditions) for s in as_list(policy["Statement"])]
    return found


def policy_conditions(logical_id: str) -> set[str]:
    """The template conditions the function's policies depend on (through ``Fn::If``)."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "Fn::If" in value:
                names.add(str(value["Fn::If"][0]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(_policies(logical_id))
    return names


def actions_of(statement: dict[str, Any]) -> set[str]:
    return {str(a) for a in as_list(statement.get("Action", []))}


def resources_of(statement: dict[str, Any]) -> list[Any]:
    return as_list(statement.get("Resource", []))


def service_grants(logical_id: str, conditions: dict[str, bool] | None = None) -> Grants:
    """What the function may call on AWS services other than KMS: ``{resource: {actions}}``."""
    grants: Grants = {}
    for statement in statements(logical_id, conditions):
        actions = {a for a in actions_of(statement) if not a.startswith("kms:")}
        if statement.get("Effect") != "Allow" or not actions:
            continue
        for resource in resources_of(statement):
            grants.setdefault(placeholder(resource), set()).update(actions)
    return grants


def table_key_statements(logical_id: str) -> list[dict[str, Any]]:
    return [s for s in statements(logical_id) if [get_att(r) for r in resources_of(s)] == ["TableKey"]]


def touches_table(grants: Grants) -> bool:
    return any(resource.startswith("${Table.Arn}") for resource in grants)


def allowed(logical_id: str, action: str, resource_arn: str, conditions: dict[str, bool], refs: dict[str, str]) -> bool:
    """Whether the function's policy allows ``action`` on ``resource_arn`` (IAM's ``*`` / ``?`` wildcards), with its
    placeholders standing for the resources in ``refs``."""
    for statement in statements(logical_id, conditions):
        if statement.get("Effect") != "Allow" or action not in actions_of(statement):
            continue
        patterns = [substitute(placeholder(r), refs) for r in resources_of(statement)]
        if any(fnmatchcase(resource_arn, pattern) for pattern in patterns):
            return True
    return False


def exercised(logical_id: str, calls: Iterable[Call], conditions: dict[str, bool], refs: dict[str, str]) -> Grants:
    """The function's grants that ``calls`` made use of (with the placeholders standing for ``refs``)."""
    used: Grants = {}
    for resource, actions in service_grants(logical_id, conditions).items():
        pattern = substitute(resource, refs)
        for call in calls:
            if call.action in actions and fnmatchcase(call.resource, pattern):
                used.setdefault(resource, set()).add(call.action)
    return used
