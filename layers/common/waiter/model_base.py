"""Base classes for Waiter's pydantic models: camelCase on the wire, snake_case in Python.

Both defer building a model's validator and serializer (``defer_build``) to its first use: a module such as
``waiter.ordering.models`` defines two dozen models, and each function uses a few of them. Built at import, every
function paid for all of them at its cold start (the order functions ~0.1x of P1's yardstick, docs/performance.md);
deferred, a function builds only the models its requests use, on the first of them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A shape that crosses the API boundary (output): camelCase aliases, serialised by alias."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True)


class InputModel(BaseModel):
    """A shape a caller sends: unknown fields are rejected so no one can set what they may not (mass assignment)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        defer_build=True,
    )
