"""SOAP 1.1 and 1.2 envelopes: which version a request speaks, its one operation read against the service's schema,
the answer built from the same types, and the one mapping from ``waiter.errors`` to SOAP faults.

Faults: an error the caller can fix (``status`` < 500) is ``soap:Client`` (1.1, HTTP 500 as SOAP 1.1's HTTP binding
says) or ``env:Sender`` (1.2, HTTP 400); anything else ``soap:Server`` / ``env:Receiver`` (HTTP 500). A body over the
size limit keeps its 413, a media type that is no SOAP its 415. The ``detail`` carries the problem fields REST's
problem+json carries (type, title, status, detail, field errors) and the request id: never a traceback, a Python
name or an internal id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from waiter.adapters.soap.parsing import parse
from waiter.adapters.soap.schema import decode, encode, escape
from waiter.adapters.soap.wsdl import Operation, SoapService
from waiter.errors import FieldError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed, WaiterError


@dataclass(frozen=True, slots=True)
class SoapVersion:
    name: str
    envelope: str  # the envelope namespace
    content_type: str  # the media type of its requests and answers
    client_code: str
    server_code: str
    client_status: int  # the HTTP status of a fault the caller can fix


SOAP11 = SoapVersion("1.1", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml", "Client", "Server", 500)
SOAP12 = SoapVersion(
    "1.2", "http://www.w3.org/2003/05/soap-envelope", "application/soap+xml", "Sender", "Receiver", 400
)
_BY_MEDIA_TYPE = {v.content_type: v for v in (SOAP11, SOAP12)}
_BY_ENVELOPE = {v.envelope: v for v in (SOAP11, SOAP12)}


@dataclass(frozen=True, slots=True)
class SoapRequest:
    version: SoapVersion
    operation: Operation
    values: dict[str, Any]


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``text/xml; charset=utf-8`` → ``("text/xml", {"charset": "utf-8"})``.

    >>> media_type('application/soap+xml; charset=utf-8; action="urn:x/GetMenu"')
    ('application/soap+xml', {'charset': 'utf-8', 'action': 'urn:x/GetMenu'})
    """
    head, *params = (content_type or "").split(";")
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"')
    return head.strip().lower(), parsed


def version_of(content_type: str | None) -> SoapVersion:
    """The SOAP version a request's media type names; ``UnsupportedMediaType`` (answered as a 1.1 fault) else."""
    media, _ = media_type(content_type)
    version = _BY_MEDIA_TYPE.get(media)
    if version is None:
        raise UnsupportedMediaType(
            detail="SOAP requests are text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)",
            errors=[FieldError("header.Content-Type", "must be text/xml or application/soap+xml")],
        )
    return version


def read_request(
    service: SoapService,
    body: bytes,
    *,
    version: SoapVersion,
    content_type: str | None,
    soap_action: str | None,
    max_bytes: int,
) -> SoapRequest:
    """The operation a request calls and its checked values; ``WaiterError`` (a fault) for anything else."""
    if len(body) > max_bytes:
        raise PayloadTooLarge(
            detail=f"the body is {len(body)} bytes; the limit is {max_bytes}",
            errors=[FieldError("body", "is too large")],
        )
    envelope = parse(body)
    if envelope.tag != f"{{{version.envelope}}}Envelope":
        other = next((v for ns, v in _BY_ENVELOPE.items() if envelope.tag == f"{{{ns}}}Envelope"), None)
        if other is not None:
            raise ValidationFailed.on(
                "Envelope", f"is a SOAP {other.name} envelope sent as {version.content_type} (SOAP {version.name})"
            )
        raise ValidationFailed.on("Envelope", f"the document must be a SOAP {version.name} Envelope")
    children = list(envelope)
    headers = [c for c in children if c.tag == f"{{{version.envelope}}}Header"]
    bodies = [c for c in children if c.tag == f"{{{version.envelope}}}Body"]
    if len(bodies) != 1 or len(children) != len(headers) + 1 or len(headers) > 1:
        raise ValidationFailed.on("Envelope", "must hold an optional Header and one Body, nothing else")
    if headers:
        _refuse_mandatory_headers(headers[0], version)
    payload = list(bodies[0])
    if len(payload) != 1:
        raise ValidationFailed.on("Body", "must hold exactly one operation element")
    wrapper = payload[0]
    operation = _operation(service, wrapper)
    _check_action(service, operation, version, content_type, soap_action)
    return SoapRequest(version, operation, decode(wrapper, operation.request, service.namespace))


def _operation(service: SoapService, wrapper: Element) -> Operation:
    namespace, _, name = wrapper.tag.lstrip("{").rpartition("}")
    if namespace != service.namespace:
        shown = f"{{{namespace}}}{name}" if namespace else name
        raise ValidationFailed.on(f"Body.{name}", f"{shown} is not in the service's namespace {service.namespace}")
    operation = service.operation(name)
    if operation is None:
        known = ", ".join(op.name for op in service.operations)
        raise ValidationFailed.on(f"Body.{name}", f"is not an operation of this service ({known})")
    return operation


def _check_action(
    service: SoapService, operation: Operation, version: SoapVersion, content_type: str | None, soap_action: str | None
) -> None:
    """The action a client names (SOAPAction in 1.1, the media type's ``action`` in 1.2), if it names one, must be the
    operation's: a mismatch means the client and the body disagree about what to do."""
    action = soap_action if version is SOAP11 else media_type(content_type)[1].get("action")
    action = (action or "").strip().strip('"')
    if action and action != service.soap_action(operation):
        header = "header.SOAPAction" if version is SOAP11 else "header.Content-Type.action"
        raise ValidationFailed.on(header, f"names {action}, but the body calls {operation.name}")


def _refuse_mandatory_headers(header: Element, version: SoapVersion) -> None:
    """No header block is understood here, so one the client marks mustUnderstand cannot be honoured."""
    for block in header:
        if block.get(f"{{{version.envelope}}}mustUnderstand") in ("1", "true"):
            name = block.tag.rsplit("}", 1)[-1]
            raise ValidationFailed.on(f"Header.{name}", "is marked mustUnderstand but is not understood here")


# ---- answers ------------------------------------------------------------------------------------------------------

PREFIX = "pos"  # the contract's elements in answers
_XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


def _envelope(service: SoapService, version: SoapVersion, body: str) -> bytes:
    env = "soap" if version is SOAP11 else "env"
    return (
        f'{_XML_DECLARATION}<{env}:Envelope xmlns:{env}="{version.envelope}" xmlns:{PREFIX}="{service.namespace}">'
        f"<{env}:Body>{body}</{env}:Body></{env}:Envelope>"
    ).encode()


def response(service: SoapService, request: SoapRequest, values: Mapping[str, Any]) -> bytes:
    """The envelope answering ``request`` with ``values`` (JSON view keys) in the operation's response wrapper."""
    answer = request.operation.response
    return _envelope(service, request.version, encode(answer.name, answer, values, PREFIX))


def fault(service: SoapService, version: SoapVersion, error: WaiterError, request_id: str | None) -> tuple[int, bytes]:
    """The HTTP status and fault envelope for ``error`` (see the module's docstring)."""
    by_caller = error.status < 500
    code = version.client_code if by_caller else version.server_code
    reason = escape(f"{error.title}: {error.detail}")
    problem = encode(
        service.fault.name,
        service.fault,
        {
            "type": error.type_uri,
            "title": error.title,
            "status": error.status,
            "detail": error.detail,
            "errors": [{"field": e.field, "message": e.message} for e in error.errors],
            "requestId": request_id,
        },
        PREFIX,
    )
    if version is SOAP11:
        body = (
            f"<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{reason}</faultstring>"
            f"<detail>{problem}</detail></soap:Fault>"
        )
    else:
        body = (
            f"<env:Fault><env:Code><env:Value>env:{code}</env:Value></env:Code>"
            f'<env:Reason><env:Text xml:lang="en">{reason}</env:Text></env:Reason>'
            f"<env:Detail>{problem}</env:Detail></env:Fault>"
        )
    kept = error.status in (413, 415)  # the size limit and the media type keep their HTTP status
    status = error.status if kept else version.client_status if by_caller else 500
    return status, _envelope(service, version, body)
