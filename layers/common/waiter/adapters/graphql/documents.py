"""GraphQL documents parsed and validated once per process, not once per request.

Parsing and validating a document is most of what a warm GraphQL request costs (graphql-core walks the document
with every specification rule and ours), and both are pure functions: ``parse`` of the text and the token and size
limits; validation of the schema, the document, the limits (``limits.limit_rules``) and, for the cost rule only, the
weights of the variables passed as ``first`` (``limits.variable_weight``): no rule reads anything else. So a
document is kept by its text, and the weights it validated clean under are kept with it; a request with the same
text and weights skips both steps, and anything else (a new text, new weights, a document with errors) runs them in
full, exactly as without the cache. Errors are never kept: an invalid document is parsed and validated every time.

The cache is bounded by count (an LRU of ``MAX_DOCUMENTS``) and by text length (longer texts are never kept), so a
caller sending ever-new documents costs what it cost before and holds at most ~100 bytes of syntax tree per kept
character. graphql-core does not mutate a document while validating or executing it, so one can be shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    VariableNode,
    Visitor,
    parse,
    specified_rules,
    validate,
    visit,
)

from waiter.adapters.graphql.limits import COST_ARGUMENT, limit_rules, variable_weight
from waiter.settings import GraphqlLimits as Limits

MAX_DOCUMENTS = 64  # the distinct documents of the clients (a handful each), with room to spare
MAX_CACHED_CHARS = 4_096  # ~0.5 MB of syntax tree each at most; the bench's restaurant-with-menu query is 420
MAX_WEIGHTINGS = 16  # per document: the page sizes its clients pass as `first`
MAX_VALIDATION_ERRORS = 10  # graphql-core's max_errors: a hostile document does not buy a long answer


@dataclass(slots=True)
class Document:
    """A parsed document and what validating it found clean."""

    node: DocumentNode
    weighted: tuple[str, ...]
    """The variables passed as ``first`` (the cost rule weighs by their values)."""
    clean_under: set[tuple[object, ...]] = field(default_factory=set)
    """The schemas and weights of ``weighted`` under which validation found no error."""


class _FirstVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        if node.name.value == COST_ARGUMENT and isinstance(node.value, VariableNode):
            self.names.add(node.value.name.value)


def _document(query: str, limits: Limits) -> Document:
    node = parse(query, max_tokens=limits.max_tokens, max_source_length=limits.max_source_length)
    first = _FirstVariables()
    visit(node, first)
    return Document(node, tuple(sorted(first.names)))


_kept = lru_cache(maxsize=MAX_DOCUMENTS)(_document)


def parsed(query: str, limits: Limits) -> Document:
    """The document of ``query`` (graphql-core's ``parse`` with the token and size limits; its ``GraphQLError``
    when it does not parse)."""
    return _kept(query, limits) if len(query) <= MAX_CACHED_CHARS else _document(query, limits)


def validation_errors(
    schema: GraphQLSchema,
    document: Document,
    limits: Limits,
    variables: Mapping[str, Any] | None,
    *,
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """graphql-core's ``validate`` with the specification's rules and ours (``limits.limit_rules``): its errors, or
    none without running it when the document validated clean before under the same schema, limits and weights."""
    given = variables or {}
    key = (schema, *(variable_weight(given.get(name), limits.default_page_size) for name in document.weighted))
    if key in document.clean_under:
        return []
    errors = validate(
        schema,
        document.node,
        rules=[*specified_rules, *limit_rules(limits, variables)],
        max_errors=MAX_VALIDATION_ERRORS,
        hide_suggestions=hide_suggestions,
    )
    if not errors and len(document.clean_under) < MAX_WEIGHTINGS:
        document.clean_under.add(key)
    return list(errors)
