"""The WSDL's schema compiled by an independent validator (lxml's libxml2), to hold what the code builds to it."""

from __future__ import annotations

from functools import cache

from lxml import etree

from waiter.adapters.soap.pos import POS_SERVICE
from waiter.adapters.soap.wsdl import WSDL, wsdl_document


@cache
def schema() -> etree.XMLSchema:
    """The ``xs:schema`` of the served WSDL, as libxml2 compiles it (it refuses an ill-formed schema)."""
    wsdl = etree.fromstring(wsdl_document(POS_SERVICE))
    node = wsdl.find(f"{{{WSDL}}}types/{{http://www.w3.org/2001/XMLSchema}}schema")
    assert node is not None
    # serialised alone, the schema keeps the namespace declarations in scope (tns, from the definitions)
    return etree.XMLSchema(etree.fromstring(etree.tostring(node)))


def assert_valid(element_xml: bytes) -> None:
    """``element_xml`` (one element of the contract) is valid against the WSDL's schema."""
    document = etree.fromstring(element_xml)
    validator = schema()
    assert validator.validate(document), validator.error_log.last_error
