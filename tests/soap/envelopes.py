"""SOAP requests as a POS system sends them, and their answers read back: shared by the SOAP tests."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from local import samples
from waiter.adapters.soap.pos import NAMESPACE

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP_PATH = "/v1/soap/pos"


def envelope(operation: str, inner: str = "", *, version: str = "1.1") -> str:
    """A request envelope calling ``operation`` with ``inner`` (child elements, prefix ``p``) as its wrapper's body."""
    env = SOAP11_ENV if version == "1.1" else SOAP12_ENV
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{env}" xmlns:p="{NAMESPACE}">'
        f"<s:Body><p:{operation}>{inner}</p:{operation}></s:Body></s:Envelope>"
    )


def fields(**values: object) -> str:
    """``<p:name>value</p:name>`` for each keyword, in order (booleans as true/false)."""
    text = {True: "true", False: "false"}
    return "".join(f"<p:{k}>{text.get(v, v) if isinstance(v, bool) else v}</p:{k}>" for k, v in values.items())


def soap_event(
    body: str | bytes,
    *,
    version: str = "1.1",
    action: str | None = None,
    content_type: str | None = None,
    authorizer: dict[str, Any] | None = None,
    method: str = "POST",
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The API Gateway event of a SOAP request (``action`` in SOAPAction for 1.1, in the media type for 1.2)."""
    headers = {"Host": "api.test", "X-Forwarded-Proto": "https"}
    if content_type is None:
        content_type = "text/xml; charset=utf-8" if version == "1.1" else "application/soap+xml; charset=utf-8"
        if action is not None and version == "1.2":
            content_type += f'; action="{action}"'
    if method == "POST":
        headers["Content-Type"] = content_type
    if action is not None and version == "1.1":
        headers["SOAPAction"] = f'"{action}"'
    raw = body.encode() if isinstance(body, str) else body
    event = samples.proxy_event(
        method,
        SOAP_PATH,
        None,
        path=SOAP_PATH,
        query=query,
        body=None if method == "GET" else base64.b64encode(raw).decode(),
        headers=headers,
        identity={"sourceIp": "127.0.0.1", "userAgent": "pytest"},
        authorizer=authorizer,
    )
    event["isBase64Encoded"] = method != "GET"
    return event


@dataclass
class SoapReply:
    status: int
    content_type: str
    root: Element
    text: str

    @property
    def body(self) -> Element:
        env = SOAP11_ENV if self.root.tag == f"{{{SOAP11_ENV}}}Envelope" else SOAP12_ENV
        found = self.root.find(f"{{{env}}}Body")
        assert found is not None, self.text
        return found

    @property
    def payload(self) -> Element:
        return self.body[0]

    def fault_code(self) -> str:
        fault = self.payload
        code = fault.find("faultcode")
        if code is None:
            code = fault.find(f"{{{SOAP12_ENV}}}Code/{{{SOAP12_ENV}}}Value")
        assert code is not None, self.text
        assert code.text, self.text
        return code.text

    def problem(self) -> dict[str, Any]:
        """The fault's detail Problem, as a dict (errors as (field, message) pairs)."""
        detail = self.payload.find("detail")
        if detail is None:
            detail = self.payload.find(f"{{{SOAP12_ENV}}}Detail")
        assert detail is not None, self.text
        problem = detail.find(q("Problem"))
        assert problem is not None, self.text
        found: dict[str, Any] = {
            child.tag.rsplit("}", 1)[-1]: child.text for child in problem if child.tag != q("error")
        }
        found["errors"] = [(e.findtext(q("field")), e.findtext(q("message"))) for e in problem.findall(q("error"))]
        return found


def q(name: str) -> str:
    """The qualified tag of a contract element."""
    return f"{{{NAMESPACE}}}{name}"


def reply_of(result: dict[str, Any]) -> SoapReply:
    text = result["body"]
    return SoapReply(result["statusCode"], result["headers"]["Content-Type"], fromstring(text), text)
