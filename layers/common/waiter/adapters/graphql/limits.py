"""Abuse limits on a GraphQL document, checked before anything runs.

graphql-core ships no depth, alias, directive or cost rule (only its introspection rules), so these are written
here as its ``ValidationRule``s; the size and token limits are ``parse``'s own (``max_source_length``,
``max_tokens``). Each limit is a setting with a safe default (``waiter.settings.GraphqlLimits``, read from the
environment), and an error names the limit and the value found.

Introspection fields (``__schema``, ``__type``) are left out of depth and cost: their size is the schema's, and
introspection is off in production (``NoSchemaIntrospectionCustomRule``); ``__typename`` is a field like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)

from waiter.settings import GraphqlLimits as Limits

COST_ARGUMENT = "first"  # a list field's weight is the page size it asks for


def _limit_error(message: str, node: Any, limit: str) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "GRAPHQL_VALIDATION_FAILED", "limit": limit})


class _DocumentWalk(ValidationRule):
    """Walks each operation's selections through its fragments (each fragment once per path: a cycle is the spec's
    NoFragmentCyclesRule's to refuse)."""

    def _selections(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> list[tuple[Any, frozenset[str]]]:
        found: list[tuple[Any, frozenset[str]]] = []
        if selection_set is None:
            return found
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append((selection, seen))
            elif isinstance(selection, InlineFragmentNode):
                found.extend(self._selections(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    found.extend(self._selections(fragment.selection_set, seen | {selection.name.value}))
        return found


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """Refuses an operation whose fields nest deeper than ``max_depth`` (``{ a { b } }`` is depth 2)."""

    class MaxDepthRule(_DocumentWalk):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = self._depth(node.selection_set, frozenset(), 0)
            if depth > max_depth:
                self.report_error(
                    _limit_error(f"the query is {depth} levels deep; the limit is {max_depth}", node, "maxDepth")
                )

        def _depth(self, selection_set: SelectionSetNode | None, seen: frozenset[str], level: int) -> int:
            deepest = level
            for field, path in self._selections(selection_set, seen):
                if field.name.value.startswith("__") and field.name.value != "__typename":
                    continue
                deepest = max(deepest, self._depth(field.selection_set, path, level + 1))
                if deepest > max_depth:  # enough to refuse: stop walking a hostile document
                    return deepest
            return deepest

    return MaxDepthRule


def cost_rule(max_cost: int, variables: Mapping[str, Any] | None, default_page_size: int) -> type[ValidationRule]:
    """Refuses an operation whose cost exceeds ``max_cost``: every field costs 1, and a field with a ``first``
    argument costs 1 + ``first`` times what it selects (a variable counts at its value; one left out at the
    schema's default page size). The cost thus bounds the resolvers run and the reads behind them."""
    values = dict(variables or {})

    class CostRule(_DocumentWalk):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = self._cost(node.selection_set, frozenset())
            if cost > max_cost:
                self.report_error(_limit_error(f"the query costs {cost}; the limit is {max_cost}", node, "maxCost"))

        def _cost(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
            total = 0
            for field, path in self._selections(selection_set, seen):
                if field.name.value.startswith("__") and field.name.value != "__typename":
                    continue
                total += 1 + self._weight(field) * self._cost(field.selection_set, path)
                if total > max_cost:
                    return total
            return total

        def _weight(self, field: FieldNode) -> int:
            for argument in field.arguments or ():
                if argument.name.value != COST_ARGUMENT:
                    continue
                value = argument.value
                if isinstance(value, IntValueNode):
                    return max(1, int(value.value))
                if isinstance(value, VariableNode):
                    return variable_weight(values.get(value.name.value), default_page_size)
            return default_page_size if field.name.value in _paged_fields(self.context) else 1

    return CostRule


def variable_weight(given: Any, default_page_size: int) -> int:
    """The weight of a ``first: $variable`` argument for the variable's value (left out or not a number: the
    default page size). The cost of a document depends on its variables through these weights alone.

    >>> variable_weight(50, 20), variable_weight(0, 20), variable_weight(None, 20)
    (50, 1, 20)
    """
    return max(1, given) if isinstance(given, int) else default_page_size


@cache
def _paged_names(schema: GraphQLSchema) -> frozenset[str]:
    """Names of the fields that take ``first`` anywhere in the schema (their cost is weighted even when the
    argument is left out and the schema's default applies)."""
    names = set()
    for named in schema.type_map.values():
        for name, field in (getattr(named, "fields", None) or {}).items():
            if COST_ARGUMENT in (getattr(field, "args", None) or {}):
                names.add(name)
    return frozenset(names)


def _paged_fields(context: ValidationContext) -> frozenset[str]:
    return _paged_names(context.schema)


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Refuses a document with more than ``max_aliases`` aliased fields (alias overload runs one field many times)."""

    class MaxAliasesRule(ValidationRule):
        count = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.alias is None:
                return
            self.count += 1
            if self.count == max_aliases + 1:
                self.report_error(_limit_error(f"the query has more than {max_aliases} aliases", node, "maxAliases"))

    return MaxAliasesRule


def directive_rule(max_directives: int) -> type[ValidationRule]:
    """Refuses a document with more than ``max_directives`` directives (directive overload)."""

    class MaxDirectivesRule(ValidationRule):
        count = 0

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            self.count += 1
            if self.count == max_directives + 1:
                self.report_error(
                    _limit_error(f"the query has more than {max_directives} directives", node, "maxDirectives")
                )

    return MaxDirectivesRule


def limit_rules(limits: Limits, variables: Mapping[str, Any] | None) -> list[type[ValidationRule]]:
    """The rules to validate a document with, besides the specification's."""
    from graphql import NoSchemaIntrospectionCustomRule  # noqa: PLC0415 - beside its one use

    rules: list[type[ValidationRule]] = [
        depth_rule(limits.max_depth),
        alias_rule(limits.max_aliases),
        directive_rule(limits.max_directives),
        cost_rule(limits.max_cost, variables, limits.default_page_size),
    ]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules
