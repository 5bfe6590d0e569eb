"""Base classes for Waiter's pydantic models: camelCase on the wire, snake_case in Python.

Both defer building a model's validator and serializer (``defer_build``) to its first use: a module such as
``waiter.ordering.models`` defines two dozen models, and each function uses a few of them. Built at import, every
function paid for all of them at its cold start (the order functions ~0.1x of P1's yardstick, docs/performance.md);
deferred, a function builds only the models its requests use, on the first of them.

What is left at import is creating the classes (pydantic collects each one's fields). The model modules do not use
``from __future__ import annotations``: with it, every field's annotation is a string that pydantic evaluates when
the class is created (the order functions import ~55 models, ~300 fields: a few ms of every cold start). An
annotation that names a class defined further down (or the class itself, in its validators) is quoted instead."""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
import re
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel as _to_camel

# The alias generator runs for every field of every model class when the class is defined (at import, though the
# model's build is deferred), two regular-expression substitutions each; the layer's models repeat the same few
# hundred field names, so the function is cached (a pure function of the name).
to_camel = cache(_to_camel)

# A string with a character left after stripping, as pydantic strips (Unicode White_Space; Python's ``\s`` also
# counts U+001C-U+001F, which pydantic keeps, hence the range).
NOT_BLANK = r"[\S\x1c-\x1f]"

# RFC 3339, which the document's ``format: date`` and ``format: date-time`` mean. Pydantic alone also reads a number,
# or a string of digits, as seconds since 1970 ("0" is 1970-01-01), and a date-time without seconds.
_RFC3339_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339_date(value: Any) -> Any:
    """A ValueError (pydantic reports it as the field's error) for what is not an RFC 3339 date.

    >>> _rfc3339_date("2026-12-24")
    '2026-12-24'
    >>> _rfc3339_date("0")
    Traceback (most recent call last):
    ...
    ValueError: must be an ISO 8601 date, such as 2026-12-24
    """
    if isinstance(value, date) or (isinstance(value, str) and _RFC3339_DATE.fullmatch(value)):
        return value
    raise ValueError("must be an ISO 8601 date, such as 2026-12-24")


def _rfc3339_date_time(value: Any) -> Any:
    """A ValueError for what is not an RFC 3339 date-time (with its offset)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339_DATE_TIME.fullmatch(value)):
        return value
    raise ValueError("must be an ISO 8601 time with its offset, such as 2026-01-01T00:00:00Z")


# A calendar date and a time with its offset, as the document says (``format: date``, ``format: date-time``).
def _whole_number(value: object) -> object:
    """A JSON number with no fractional part, as an int: JSON Schema's ``integer`` is such a number, ``2.0``
    included, so a client that writes ``2.0`` sends a valid integer. Everything else is left to the strict int
    check: ``2.5``, ``"2"`` and ``true`` are still refused.

    >>> _whole_number(2.0), _whole_number(2.5), _whole_number(True)
    (2, 2.5, True)
    """
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# After a strict int field's constraints (``Annotated[int, Field(ge=1, strict=True), WHOLE_NUMBER]``: placed
# before them, the constraints would leave the document's ``minimum``/``maximum``): a whole JSON number (``2`` or
# ``2.0``) is an int, never a string or a boolean.
WHOLE_NUMBER = BeforeValidator(_whole_number)
IsoDate = Annotated[date, BeforeValidator(_rfc3339_date)]
Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_date_time)]


class WireModel(BaseModel):
    """A shape that crosses the API boundary (output): camelCase aliases, serialised by alias."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True)


def _input_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON schema of an InputModel says every rule the model enforces that pydantic does not put there:

    - an InputModel strips surrounding whitespace before ``minLength`` is checked, so "  " is too short for a
      name: every such string without a pattern of its own gets ``NOT_BLANK``;
    - the cross-field rules its validators check, as the model states them in ``schema_rules`` (``oneOf`` and
      the like), so the OpenAPI document refuses what the API refuses;
    - a patch's fields (``patch_fields``) may be left out but not sent as null (``X | None = None`` in Python, so
      left out reads as None, but the service refuses an explicit null): the schema of each is ``X`` alone, without
      the null branch and the ``default: null`` that would tell a client, and a fuzzer, to send one.
    """
    keeps_whitespace = {
        field.alias or to_camel(name)
        for name, field in model.model_fields.items()
        if any(isinstance(m, StringConstraints) and m.strip_whitespace is False for m in field.metadata)
    }
    for name, prop in (schema.get("properties") or {}).items():
        if name not in keeps_whitespace:
            _add_not_blank(prop)
        if getattr(model, "patch_fields", False):
            _drop_null(prop)
    schema.update(getattr(model, "schema_rules", {}))


def _drop_null(schema: dict[str, Any]) -> None:
    """``X | None`` as ``X``: the non-null branch of ``anyOf`` in place of the union, and no ``default: null``."""
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if "anyOf" in schema and len(branches) == 1:
        del schema["anyOf"]
        schema.update(branches[0])
    if "default" in schema and schema["default"] is None:
        del schema["default"]


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
    # A patch: every field may be left out, none may be null (see ``_input_schema``).
    patch_fields: ClassVar[bool] = False

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        json_schema_extra=_input_schema,
        defer_build=True,
    )
