"""Base classes for Waiter's pydantic models: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A shape that crosses the API boundary (output): camelCase aliases, serialised by alias."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class InputModel(BaseModel):
    """A shape a caller sends: unknown fields are rejected so no one can set what they may not (mass assignment)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
    )
