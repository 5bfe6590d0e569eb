"""The XSD subset the SOAP contract is written in, as Python values: one definition per type, from which the WSDL's
schema is printed (``xsd``), requests are checked and read (``decode``) and responses are built (``encode``). So what
the WSDL promises and what the code accepts and sends cannot drift apart.

The subset: named simple types restricting ``xs:string``, ``xs:int``, ``xs:long``, ``xs:boolean`` or
``xs:dateTime`` (enumeration, pattern, length, inclusive bounds), and named complex types that are one
``xs:sequence`` of elements (``minOccurs`` 0 or 1, ``maxOccurs`` 1 or unbounded), all elements qualified in one
target namespace. Field values travel as the REST API's JSON values (camelCase keys, ISO 8601 UTC strings, integers
for money), so the SOAP and REST views of one thing are the same data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from waiter.errors import FieldError, ValidationFailed

XS = "http://www.w3.org/2001/XMLSchema"
UNBOUNDED = -1


@dataclass(frozen=True, slots=True)
class Simple:
    """A named simple type: a restriction of an XSD built-in."""

    name: str
    base: str  # "string", "int", "long", "boolean", "dateTime"
    enumeration: tuple[str, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Field:
    """One element of a sequence. ``key`` is the value's name in the JSON view (defaults to ``name``): a repeated
    element is singular in XML (``line``) and its list plural in JSON (``lines``)."""

    name: str
    type: Simple | Complex
    min_occurs: int = 1
    max_occurs: int = 1
    key: str = ""
    doc: str = ""

    @property
    def json_key(self) -> str:
        return self.key or self.name

    @property
    def repeated(self) -> bool:
        return self.max_occurs != 1


@dataclass(frozen=True, slots=True)
class Complex:
    """A named complex type: a sequence of elements."""

    name: str
    fields: tuple[Field, ...]
    doc: str = ""
    _by_name: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: i for i, f in enumerate(self.fields)})

    def index(self, name: str) -> int | None:
        return self._by_name.get(name)


BOOLEAN = Simple("boolean", "boolean")
STRING = Simple("string", "string")
_BUILTIN = {"string", "int", "long", "boolean", "dateTime"}
_INT_RANGE = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def is_builtin(simple: Simple) -> bool:
    """Whether ``simple`` is an XSD built-in used as is (printed as ``xs:<name>``, not declared)."""
    return simple.name in _BUILTIN and simple == Simple(simple.name, simple.base)


# ---- the schema, printed ----------------------------------------------------------------------------------------


def xsd(parent: Element, target_namespace: str, types: Sequence[Simple | Complex], elements: Sequence[Complex]) -> None:
    """Append ``<xs:schema>`` with ``types`` declared and one global element per type in ``elements`` (the
    operations' wrappers, named after their type)."""
    schema = SubElement(
        parent,
        f"{{{XS}}}schema",
        {"targetNamespace": target_namespace, "elementFormDefault": "qualified"},
    )
    for element_type in elements:
        SubElement(schema, f"{{{XS}}}element", {"name": element_type.name, "type": f"tns:{element_type.name}"})
    for declared in types:
        if isinstance(declared, Simple):
            _simple_xsd(schema, declared)
        else:
            _complex_xsd(schema, declared)


def _doc(parent: Element, text: str) -> None:
    if text:
        SubElement(SubElement(parent, f"{{{XS}}}annotation"), f"{{{XS}}}documentation").text = text


def _type_name(t: Simple | Complex) -> str:
    return f"xs:{t.name}" if isinstance(t, Simple) and is_builtin(t) else f"tns:{t.name}"


def _simple_xsd(schema: Element, simple: Simple) -> None:
    node = SubElement(schema, f"{{{XS}}}simpleType", {"name": simple.name})
    _doc(node, simple.doc)
    restriction = SubElement(node, f"{{{XS}}}restriction", {"base": f"xs:{simple.base}"})
    for value in simple.enumeration:
        SubElement(restriction, f"{{{XS}}}enumeration", {"value": value})
    facets = (
        ("pattern", simple.pattern),
        ("minLength", simple.min_length),
        ("maxLength", simple.max_length),
        ("minInclusive", simple.min_inclusive),
        ("maxInclusive", simple.max_inclusive),
    )
    for facet, value in facets:
        if value is not None:
            SubElement(restriction, f"{{{XS}}}{facet}", {"value": str(value)})


def _complex_xsd(schema: Element, complex_type: Complex) -> None:
    node = SubElement(schema, f"{{{XS}}}complexType", {"name": complex_type.name})
    _doc(node, complex_type.doc)
    sequence = SubElement(node, f"{{{XS}}}sequence")
    for f in complex_type.fields:
        attributes = {"name": f.name, "type": _type_name(f.type)}
        if f.min_occurs != 1:
            attributes["minOccurs"] = str(f.min_occurs)
        if f.max_occurs != 1:
            attributes["maxOccurs"] = "unbounded" if f.max_occurs == UNBOUNDED else str(f.max_occurs)
        _doc(SubElement(sequence, f"{{{XS}}}element", attributes), f.doc)


# ---- requests, read ---------------------------------------------------------------------------------------------


def decode(element: Element, complex_type: Complex, namespace: str, path: str = "") -> dict[str, Any]:  # noqa: PLR0912 - one check per schema rule
    """The values of ``element`` (of ``complex_type``) keyed by their JSON names; ``ValidationFailed`` naming the
    element (``GetOrder.orderId``) for an unknown, misplaced, repeated, missing or ill-typed one.

    Absent optional elements are absent from the result; repeated ones are lists.
    """
    path = path or complex_type.name
    if element.attrib:
        raise _invalid(path, f"takes no attributes ({', '.join(sorted(element.attrib))})")
    if (element.text or "").strip():
        raise _invalid(path, "holds elements, not text")
    values: dict[str, Any] = {}
    position = 0
    for child in element:
        name = _local_name(child.tag, namespace)
        if name is None:
            raise _invalid(f"{path}.{_display(child.tag)}", f"is not an element of {complex_type.name} in {namespace}")
        index = complex_type.index(name)
        if index is None:
            raise _invalid(f"{path}.{name}", f"is not an element of {complex_type.name}")
        spec = complex_type.fields[index]
        if index < position:
            raise _invalid(f"{path}.{name}", "is out of order (the schema's sequence fixes the order)")
        if not spec.repeated and spec.json_key in values:
            raise _invalid(f"{path}.{name}", "may occur only once")
        position = index
        value = _decode_value(child, spec, namespace, f"{path}.{name}")
        if spec.repeated:
            values.setdefault(spec.json_key, []).append(value)
            if spec.max_occurs != UNBOUNDED and len(values[spec.json_key]) > spec.max_occurs:
                raise _invalid(f"{path}.{name}", f"may occur at most {spec.max_occurs} times")
        else:
            values[spec.json_key] = value
        if (child.tail or "").strip():
            raise _invalid(path, "holds elements, not text")
    for spec in complex_type.fields:
        count = len(values.get(spec.json_key, [])) if spec.repeated else int(spec.json_key in values)
        if count < spec.min_occurs:
            raise _invalid(f"{path}.{spec.name}", "is required")
    return values


def _decode_value(element: Element, spec: Field, namespace: str, path: str) -> Any:
    if isinstance(spec.type, Complex):
        return decode(element, spec.type, namespace, path)
    if element.attrib or len(element):
        raise _invalid(path, f"must be a plain {spec.type.name} value")
    return decode_simple(element.text or "", spec.type, path)


def decode_simple(text: str, simple: Simple, path: str) -> Any:
    """``text`` as a value of ``simple`` (``xs:int`` → int, ``xs:boolean`` → bool, ``xs:dateTime`` → ISO string in
    UTC, others → str), with its facets checked."""
    if simple.base in ("int", "long"):
        return _decode_integer(text, simple, path)
    if simple.base == "boolean":
        stripped = text.strip()
        if stripped not in ("true", "false", "1", "0"):
            raise _invalid(path, "must be true or false")
        return stripped in ("true", "1")
    if simple.base == "dateTime":
        return _decode_datetime(text, path)
    return _decode_string(text, simple, path)


def _decode_integer(text: str, simple: Simple, path: str) -> int:
    stripped = text.strip()
    if not re.fullmatch(r"[+-]?\d{1,19}", stripped):
        raise _invalid(path, f"must be an integer ({simple.name})")
    value = int(stripped)
    low, high = _INT_RANGE[simple.base]
    if not low <= value <= high:
        raise _invalid(path, f"is out of the range of xs:{simple.base}")
    if simple.min_inclusive is not None and value < simple.min_inclusive:
        raise _invalid(path, f"must be at least {simple.min_inclusive}")
    if simple.max_inclusive is not None and value > simple.max_inclusive:
        raise _invalid(path, f"must be at most {simple.max_inclusive}")
    return value


def _decode_datetime(text: str, path: str) -> str:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _invalid(path, "must be an xs:dateTime such as 2026-01-15T12:00:00Z") from None
    if parsed.tzinfo is None:
        raise _invalid(path, "must carry a time zone (Z for UTC)")
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _decode_string(value: str, simple: Simple, path: str) -> str:
    if simple.enumeration and value not in simple.enumeration:
        raise _invalid(path, f"must be one of {', '.join(simple.enumeration)}")
    if simple.min_length is not None and len(value) < simple.min_length:
        raise _invalid(path, f"must be at least {simple.min_length} characters")
    if simple.max_length is not None and len(value) > simple.max_length:
        raise _invalid(path, f"must be at most {simple.max_length} characters")
    if simple.pattern is not None and not re.fullmatch(simple.pattern, value):
        raise _invalid(path, f"must match {simple.pattern}")
    return value


def _local_name(tag: object, namespace: str) -> str | None:
    """The local name of an element of ``namespace``; None for another namespace (or none)."""
    prefix = f"{{{namespace}}}"
    return tag[len(prefix) :] if isinstance(tag, str) and tag.startswith(prefix) else None


def _display(tag: object) -> str:
    """An element's name as a person reads it: ``{urn:x}name`` → ``name``."""
    return str(tag).rsplit("}", 1)[-1]


def _invalid(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(detail=f"{path}: {message}", errors=[FieldError(path, message)])


# ---- responses, built -------------------------------------------------------------------------------------------


class EncodingError(Exception):
    """A response value does not fit its type: a defect on our side (a Server fault), never the caller's."""


def encode(parent: Element, name: str, complex_type: Complex, values: Mapping[str, Any], namespace: str) -> Element:
    """Append element ``name`` of ``complex_type`` built from ``values`` (JSON view keys) to ``parent``."""
    node = SubElement(parent, f"{{{namespace}}}{name}")
    _fill(node, complex_type, values, namespace)
    return node


def _fill(node: Element, complex_type: Complex, values: Mapping[str, Any], namespace: str) -> None:
    for spec in complex_type.fields:
        value = values.get(spec.json_key)
        items = (value or []) if spec.repeated else ([] if value is None else [value])
        if not isinstance(items, list):
            raise EncodingError(f"{complex_type.name}.{spec.name} must be a list")
        if len(items) < spec.min_occurs:
            raise EncodingError(f"{complex_type.name}.{spec.name} is required")
        for item in items:
            child = SubElement(node, f"{{{namespace}}}{spec.name}")
            if isinstance(spec.type, Complex):
                if not isinstance(item, Mapping):
                    raise EncodingError(f"{complex_type.name}.{spec.name} must be a {spec.type.name}")
                _fill(child, spec.type, item, namespace)
            else:
                child.text = encode_simple(item, spec.type, f"{complex_type.name}.{spec.name}")


def encode_simple(value: Any, simple: Simple, where: str) -> str:
    """``value`` (a JSON view value) as the text of a ``simple`` element; checked, as a response must be valid too."""
    if simple.base == "boolean":
        if not isinstance(value, bool):
            raise EncodingError(f"{where} must be a boolean")
        return "true" if value else "false"
    if simple.base in ("int", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise EncodingError(f"{where} must be an integer")
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else value
    if not isinstance(text, str):
        raise EncodingError(f"{where} must be a string")
    try:
        decode_simple(text, simple, where)
    except ValidationFailed as error:
        raise EncodingError(str(error)) from None
    return text
