"""Reading untrusted XML: defusedxml's expat parser with every DTD forbidden, a depth limit and no XInclude.

What each attack meets:

- billion laughs, quadratic blowup (entities expanded many times), XXE by file or URL, an external DTD: all need a
  ``<!DOCTYPE``, and ``forbid_dtd=True`` refuses the document at the DOCTYPE, before any entity is declared, read or
  expanded (defusedxml's ``forbid_entities`` and ``forbid_external`` stay on as a second lock);
- XInclude: ElementTree never processes it (only ``ElementInclude`` would); an ``xi:include`` element is refused
  anyway, so no later code can be tempted into resolving it;
- deep nesting: refused at the first element deeper than ``MAX_DEPTH``, while parsing;
- size: the caller checks the body's length (64 KB) before calling ``parse``.

Every refusal is a ``ValidationFailed`` on ``body`` (a Client fault); nothing is read from disk or the network.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from waiter.errors import ValidationFailed

MAX_DEPTH = 32  # the deepest request the contract has is 5 levels under the envelope
XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _GuardedBuilder(TreeBuilder):
    """A tree builder that refuses, while parsing, elements too deep and XInclude elements."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"is nested deeper than {MAX_DEPTH} elements")
        if tag.startswith(tuple(f"{{{ns}}}" for ns in XINCLUDE_NAMESPACES)):
            raise _Refused("uses XInclude, which is not allowed")
        return super().start(tag, attrs)

    def end(self, tag: str) -> Element:
        self._depth -= 1
        return super().end(tag)


def parse(body: bytes) -> Element:
    """The document element of ``body``; ``ValidationFailed`` on ``body`` for anything unsafe or not XML.

    >>> parse(b"<a><b>1</b></a>").find("b").text
    '1'
    >>> parse(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    Traceback (most recent call last):
    ...
    waiter.errors.ValidationFailed: body: declares a DTD (<!DOCTYPE>), which is not allowed
    """
    parser = DefusedXMLParser(target=_GuardedBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(body)
        root: Element = parser.close()
    except _Refused as refused:
        raise ValidationFailed.on("body", refused.message) from None
    except DefusedXmlException as forbidden:
        raise ValidationFailed.on("body", _forbidden_message(forbidden)) from None
    except ParseError as error:
        line, column = error.position
        raise ValidationFailed.on("body", f"is not well-formed XML (line {line}, column {column})") from None
    return root


def _forbidden_message(error: DefusedXmlException) -> str:
    name = type(error).__name__
    if name == "DTDForbidden":
        return "declares a DTD (<!DOCTYPE>), which is not allowed"
    if name == "EntitiesForbidden":
        return "declares entities, which are not allowed"
    return "refers to external resources, which are not allowed"
