"""Base classes for Waiter's pydantic models: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel

# A string with a character left after stripping, as pydantic strips (Unicode White_Space; Python's ``\s`` also
# counts U+001C-U+001F, which pydantic keeps, hence the range).
NOT_BLANK = r"[\S\x1c-\x1f]"


class WireModel(BaseModel):
    """A shape that crosses the API boundary (output): camelCase aliases, serialised by alias."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


def _input_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON schema of an InputModel says every rule the model enforces that pydantic does not put there:

    - an InputModel strips surrounding whitespace before ``minLength`` is checked, so "  " is too short for a
      name: every such string without a pattern of its own gets ``NOT_BLANK``;
    - the cross-field rules its validators check, as the model states them in ``schema_rules`` (``oneOf`` and
      the like), so the OpenAPI document refuses what the API refuses.
    """
    keeps_whitespace = {
        field.alias or to_camel(name)
        for name, field in model.model_fields.items()
        if any(isinstance(m, StringConstraints) and m.strip_whitespace is False for m in field.metadata)
    }
    for name, prop in (schema.get("properties") or {}).items():
        if name not in keeps_whitespace:
            _add_not_blank(prop)
    schema.update(getattr(model, "schema_rules", {}))


def _add_not_blank(schema: dict[str, Any]) -> None:
    for inner in schema.get("anyOf", []):
        _add_not_blank(inner)
    if isinstance(schema.get("items"), dict):
        _add_not_blank(schema["items"])
    if schema.get("type") == "string" and schema.get("minLength", 0) >= 1 and "pattern" not in schema:
        schema["pattern"] = NOT_BLANK


class InputModel(BaseModel):
    """A shape a caller sends: unknown fields are rejected so no one can set what they may not (mass assignment).

    >>> from typing import Annotated
    >>> class Named(InputModel):
    ...     name: Annotated[str, StringConstraints(min_length=1)]
    >>> Named.model_json_schema()["properties"]["name"]["pattern"] == NOT_BLANK
    True
    """

    # JSON Schema for the cross-field rules of the model's validators, where JSON Schema can say them.
    schema_rules: ClassVar[dict[str, Any]] = {}

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        json_schema_extra=_input_schema,
    )
