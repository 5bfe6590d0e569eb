"""A SOAP service described once (``SoapService``: its operations, their wrapper types, the fault) and printed as a
WSDL 1.1 document, document/literal wrapped in the WS-I Basic Profile style: one part per message (the wrapper
element named after the operation), literal use, no SOAP encoding, a SOAP 1.1 and a SOAP 1.2 binding."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

from waiter.adapters.soap.schema import Complex, Simple, xsd

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
SOAP_HTTP = "http://schemas.xmlsoap.org/soap/http"
XS = "http://www.w3.org/2001/XMLSchema"


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: its request wrapper (named after the operation) and its response wrapper."""

    request: Complex
    response: Complex
    doc: str

    @property
    def name(self) -> str:
        return self.request.name


@dataclass(frozen=True, slots=True)
class SoapService:
    """Everything the WSDL says, and what the envelope code checks requests and builds answers against."""

    name: str
    namespace: str
    operations: tuple[Operation, ...]
    types: tuple[Simple | Complex, ...]
    fault: Complex
    doc: str

    def operation(self, name: str) -> Operation | None:
        return next((op for op in self.operations if op.name == name), None)

    def soap_action(self, operation: Operation) -> str:
        return f"{self.namespace}/{operation.name}"


PLACEHOLDER_LOCATION = "https://api.example.com/v1/soap/pos"
"""The endpoint address the committed WSDL carries; the served one names the host and stage that served it."""


def wsdl_document(service: SoapService, location: str = PLACEHOLDER_LOCATION) -> bytes:
    """The WSDL 1.1 document of ``service`` with its endpoint at ``location``: deterministic (the committed copy is
    compared byte for byte)."""
    tns = service.namespace
    for prefix, uri in (("wsdl", WSDL), ("soap", WSDL_SOAP11), ("soap12", WSDL_SOAP12), ("xs", XS)):
        register_namespace(prefix, uri)
    # QNames in attribute values (type="tns:Order") need the prefix declared; ElementTree declares only the
    # namespaces of element and attribute names, so this one is set by hand.
    root = Element(f"{{{WSDL}}}definitions", {"name": service.name, "targetNamespace": tns, "xmlns:tns": tns})
    SubElement(root, f"{{{WSDL}}}documentation").text = service.doc
    types = SubElement(root, f"{{{WSDL}}}types")
    wrappers = [t for op in service.operations for t in (op.request, op.response)]
    xsd(types, tns, service.types, [*wrappers, service.fault])
    for wrapper in [*wrappers, service.fault]:
        message = SubElement(root, f"{{{WSDL}}}message", {"name": wrapper.name})
        SubElement(message, f"{{{WSDL}}}part", {"name": "parameters", "element": f"tns:{wrapper.name}"})
    port_type = SubElement(root, f"{{{WSDL}}}portType", {"name": f"{service.name}PortType"})
    for op in service.operations:
        node = SubElement(port_type, f"{{{WSDL}}}operation", {"name": op.name})
        SubElement(node, f"{{{WSDL}}}documentation").text = op.doc
        SubElement(node, f"{{{WSDL}}}input", {"message": f"tns:{op.request.name}"})
        SubElement(node, f"{{{WSDL}}}output", {"message": f"tns:{op.response.name}"})
        SubElement(node, f"{{{WSDL}}}fault", {"name": service.fault.name, "message": f"tns:{service.fault.name}"})
    for binding_ns, suffix in ((WSDL_SOAP11, "Soap11"), (WSDL_SOAP12, "Soap12")):
        _binding(root, service, binding_ns, suffix)
    wsdl_service = SubElement(root, f"{{{WSDL}}}service", {"name": service.name})
    for binding_ns, suffix in ((WSDL_SOAP11, "Soap11"), (WSDL_SOAP12, "Soap12")):
        port = SubElement(
            wsdl_service,
            f"{{{WSDL}}}port",
            {"name": f"{service.name}{suffix}", "binding": f"tns:{service.name}{suffix}"},
        )
        SubElement(port, f"{{{binding_ns}}}address", {"location": location})
    indent(root, space="  ")
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _binding(root: Element, service: SoapService, soap_ns: str, suffix: str) -> None:
    binding = SubElement(
        root, f"{{{WSDL}}}binding", {"name": f"{service.name}{suffix}", "type": f"tns:{service.name}PortType"}
    )
    SubElement(binding, f"{{{soap_ns}}}binding", {"style": "document", "transport": SOAP_HTTP})
    for op in service.operations:
        node = SubElement(binding, f"{{{WSDL}}}operation", {"name": op.name})
        SubElement(node, f"{{{soap_ns}}}operation", {"soapAction": service.soap_action(op), "style": "document"})
        for direction in ("input", "output"):
            SubElement(SubElement(node, f"{{{WSDL}}}{direction}"), f"{{{soap_ns}}}body", {"use": "literal"})
        fault = SubElement(node, f"{{{WSDL}}}fault", {"name": service.fault.name})
        SubElement(fault, f"{{{soap_ns}}}fault", {"name": service.fault.name, "use": "literal"})
