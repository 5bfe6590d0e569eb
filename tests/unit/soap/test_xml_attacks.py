"""Every XML attack an audit tries is refused as a Client fault before anything is expanded or fetched: billion
laughs, quadratic blowup, XXE by file and by URL, an external DTD, parameter entities, XInclude, deep nesting and an
oversized body; nothing is read from disk or the network while refusing (a secret file and a listening server
prove it)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.soap.envelopes import SOAP11_ENV, envelope, fields
from waiter.adapters.soap.envelope import SOAP11, SOAP12, SoapVersion, fault, read_request
from waiter.adapters.soap.parsing import MAX_DEPTH
from waiter.adapters.soap.pos import NAMESPACE, POS_SERVICE
from waiter.errors import PayloadTooLarge, ValidationFailed, WaiterError

LIMIT = 64 * 1024
SECRET = "s3cr3t-from-disk-7d1f"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(f'<!ENTITY leak "{SECRET}">'.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listening_url() -> Iterator[str]:
    """A server that answers any GET with an entity declaration and counts every request it gets."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _wrap(prolog: str, inner: str) -> bytes:
    """A GetOrder envelope with ``prolog`` before it and ``inner`` as the order id's text."""
    return (
        f'<?xml version="1.0"?>{prolog}<s:Envelope xmlns:s="{SOAP11_ENV}" xmlns:p="{NAMESPACE}"><s:Body>'
        f"<p:GetOrder><p:orderId>{inner}</p:orderId></p:GetOrder></s:Body></s:Envelope>"
    ).encode()


def attacks(secret: Path, url: str) -> dict[str, bytes]:
    lol = '<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10)
    )
    big = "x" * 20_000
    return {
        "billion laughs": _wrap(f"<!DOCTYPE s:Envelope [{lol}]>", "&lol9;"),
        "quadratic blowup": _wrap(f'<!DOCTYPE s:Envelope [<!ENTITY a "{big}">]>', "&a;" * 2000),
        "XXE file": _wrap(f'<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;"),
        "XXE URL": _wrap(f'<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "{url}/entity">]>', "&xxe;"),
        "external DTD": _wrap(f'<!DOCTYPE s:Envelope SYSTEM "{url}/external.dtd">', "o1"),
        "parameter entity": _wrap(f'<!DOCTYPE s:Envelope [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', "&leak;"),
        "XInclude file": _wrap(
            "", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" parse="text"/>'
        ),
        "XInclude URL": _wrap("", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/x"/>'),
        "deep nesting": _wrap("", "<p:x>" * (MAX_DEPTH + 1) + "</p:x>" * (MAX_DEPTH + 1)),
    }


def _refusal(body: bytes, version: SoapVersion = SOAP11) -> WaiterError:
    with pytest.raises(WaiterError) as refused:
        read_request(POS_SERVICE, body, version=version, content_type=None, soap_action=None, max_bytes=LIMIT)
    return refused.value


@pytest.mark.parametrize(
    "attack",
    ["billion laughs", "quadratic blowup", "XXE file", "XXE URL", "external DTD", "parameter entity", "XInclude file",
     "XInclude URL", "deep nesting"],
)  # fmt: skip
def test_each_attack_is_a_client_fault_and_reads_nothing(secret_file: Path, listening_url: str, attack: str) -> None:
    body = attacks(secret_file, listening_url)[attack]
    assert len(body) <= LIMIT, "the attack fits the size limit: the parser itself must refuse it"

    error = _refusal(body)
    status, answer = fault(POS_SERVICE, SOAP11, error, "req-1")

    assert isinstance(error, ValidationFailed)
    assert [e.field for e in error.errors] == ["body"]
    assert status == 500
    assert b"<faultcode>soap:Client</faultcode>" in answer
    assert SECRET.encode() not in answer
    assert _Counting.hits == [], "the parser fetched a URL"


def test_a_dtd_is_refused_as_such(secret_file: Path, listening_url: str) -> None:
    error = _refusal(attacks(secret_file, listening_url)["XXE file"])
    assert "DTD" in error.detail


def test_xinclude_is_refused_as_such(secret_file: Path, listening_url: str) -> None:
    assert "XInclude" in _refusal(attacks(secret_file, listening_url)["XInclude file"]).detail


def test_nesting_up_to_the_limit_is_parsed_and_deeper_is_refused() -> None:
    deep = _wrap("", "<p:x>" * (MAX_DEPTH - 5) + "</p:x>" * (MAX_DEPTH - 5))
    error = _refusal(deep)
    assert "orderId" in error.detail, "parsed, then refused by the schema (an orderId holds text)"
    assert "nested deeper" in _refusal(_wrap("", "<p:x>" * MAX_DEPTH + "</p:x>" * MAX_DEPTH)).detail


def test_a_body_over_64_kb_is_refused_before_parsing_with_413() -> None:
    body = envelope("GetOrder", fields(orderId="o1")).encode()
    oversized = body + b" " * (LIMIT + 1 - len(body))
    broken = b"<" * (LIMIT + 1)  # not XML at all: refused for its size, so it never reached the parser

    for candidate in (oversized, broken):
        error = _refusal(candidate)
        assert isinstance(error, PayloadTooLarge)
        assert fault(POS_SERVICE, SOAP11, error, None)[0] == 413
        assert fault(POS_SERVICE, SOAP12, error, None)[0] == 413


def test_a_body_of_exactly_64_kb_is_read() -> None:
    body = envelope("GetOrder", fields(orderId="o1")).encode()
    padded = body + b" " * (LIMIT - len(body))
    request = read_request(POS_SERVICE, padded, version=SOAP11, content_type=None, soap_action=None, max_bytes=LIMIT)
    assert request.values == {"orderId": "o1"}
