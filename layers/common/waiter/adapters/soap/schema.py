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
from collections.abc import Callable, Mapping, Sequence
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


def referenced_types(roots: Sequence[Complex]) -> tuple[Simple | Complex, ...]:
    """``roots`` and every type they use, each once, in the order first met (depth first): the schema declares
    exactly what the contract uses, so a type cannot be used undeclared.

    >>> inner = Simple("Code", "string", pattern="[A-Z]{3}")
    >>> [t.name for t in referenced_types([Complex("Outer", (Field("code", inner), Field("name", STRING)))])]
    ['Outer', 'Code']
    """
    found: dict[str, Simple | Complex] = {}

    def visit(t: Simple | Complex) -> None:
        if isinstance(t, Simple) and is_builtin(t):
            return
        if t.name in found:
            if found[t.name] != t:
                raise ValueError(f"two different types are named {t.name}")
            return
        found[t.name] = t
        if isinstance(t, Complex):
            for f in t.fields:
                visit(f.type)

    for root in roots:
        visit(root)
    return tuple(found.values())


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
    for allowed in simple.enumeration:
        SubElement(restriction, f"{{{XS}}}enumeration", {"value": allowed})
    facets: tuple[tuple[str, object], ...] = (
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
# Answers are written as text straight from the types, not through an element tree: serialising a tree of a page of
# orders costs ten times what building it as strings does (bench P7), and the types already fix every element.

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class EncodingError(Exception):
    """A response value does not fit its type: a defect on our side (a Server fault), never the caller's."""


def escape(text: str) -> str:
    """``text`` as XML character data (``&``, ``<``, ``>`` escaped; characters XML 1.0 cannot carry become U+FFFD).

    >>> escape("Fish & Chips <hot>\x07")
    'Fish &amp; Chips &lt;hot&gt;\ufffd'
    """
    if _SPECIAL.search(text) is None:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", text)


def encode(name: str, complex_type: Complex, values: Mapping[str, Any], prefix: str) -> str:
    """Element ``name`` of ``complex_type`` built from ``values`` (JSON view keys), its elements in ``prefix``'s
    namespace.

    >>> item = Complex("Item", (Field("id", STRING), Field("tag", STRING, 0, UNBOUNDED, key="tags")))
    >>> encode("item", item, {"id": "a&b", "tags": ["x", "y"]}, "p")
    '<p:item><p:id>a&amp;b</p:id><p:tag>x</p:tag><p:tag>y</p:tag></p:item>'
    """
    return f"<{prefix}:{name}>{_writer(complex_type, prefix)(values)}</{prefix}:{name}>"


Writer = Callable[[Any], str]
_WRITERS: dict[tuple[int, str], Writer] = {}


def _writer(complex_type: Complex, prefix: str) -> Writer:
    """The function writing the elements of ``complex_type`` from a JSON view mapping, made once per type: each
    field's tags and value conversion are worked out here, not per value."""
    cache_key = (id(complex_type), prefix)
    found = _WRITERS.get(cache_key)
    if found is not None:
        return found
    steps = []
    for f in complex_type.fields:
        where = f"{complex_type.name}.{f.name}"
        convert = _writer(f.type, prefix) if isinstance(f.type, Complex) else _simple_writer(f.type, where)
        steps.append(
            (f.json_key, f"<{prefix}:{f.name}>", f"</{prefix}:{f.name}>", f.repeated, f.min_occurs > 0, convert, where)
        )

    def write(values: Any) -> str:
        if not isinstance(values, Mapping):
            raise EncodingError(f"{complex_type.name} must be a mapping")
        out: list[str] = []
        for key, open_tag, close_tag, repeated, required, convert, where in steps:
            value = values.get(key)
            if value is None or (repeated and not value):
                if required:
                    raise EncodingError(f"{where} is required")
                continue
            if repeated:
                if not isinstance(value, list):
                    raise EncodingError(f"{where} must be a list")
                out.extend(f"{open_tag}{convert(item)}{close_tag}" for item in value)
            else:
                out.append(f"{open_tag}{convert(value)}{close_tag}")
        return "".join(out)

    _WRITERS[cache_key] = write
    return write


def _simple_writer(simple: Simple, where: str) -> Writer:
    """The text of a ``simple`` value. Its kind, bounds and enumeration are checked (a response must fit the WSDL
    too); lengths and patterns were held by the domain models already."""
    if simple.base == "boolean":

        def boolean(value: Any) -> str:
            if value is True:
                return "true"
            if value is False:
                return "false"
            raise EncodingError(f"{where} must be a boolean")

        return boolean
    if simple.base in ("int", "long"):
        low = -(2**63) if simple.min_inclusive is None else simple.min_inclusive
        high = 2**63 - 1 if simple.max_inclusive is None else simple.max_inclusive

        def integer(value: Any) -> str:
            if type(value) is not int or not low <= value <= high:
                raise EncodingError(f"{where} must be an integer of {simple.name}")
            return str(value)

        return integer
    allowed = frozenset(simple.enumeration)
    # ids, enumerations and times cannot hold a character that needs escaping: their facets or formats exclude them
    free_text = not (allowed or simple.pattern or simple.base == "dateTime")

    def text(value: Any) -> str:
        if not isinstance(value, str):
            if not isinstance(value, datetime):
                raise EncodingError(f"{where} must be a string")
            value = value.isoformat()
        if allowed and value not in allowed:
            raise EncodingError(f"{where} is not one of {simple.name}")
        return escape(value) if free_text else value

    return text


def encode_simple(value: Any, simple: Simple, where: str) -> str:
    """``value`` as the text of a ``simple`` element (see ``_simple_writer``)."""
    return _simple_writer(simple, where)(value)
