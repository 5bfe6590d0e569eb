"""The web client (web/) served on its own origin, as CloudFront serves it in the cloud: ``make dev`` puts it on
http://127.0.0.1:<PORT+2>/ (``--web-port``; 0 picks a free port), so the page calls the REST API (and the WebSocket
API) across origins, with the API's CORS, exactly as it will from its CloudFront domain.

Besides the files, it answers ``/config.json``: the settings the page reads at start (the API and WebSocket URLs,
that this is the local stack, the demo accounts to prefill, the payment provider), generated from the running
stack, as ``make deploy`` generates the cloud's from the stack's outputs. Each answer carries the security headers
template.yaml's CloudFront response headers policy sets (``security_headers``), so the browser tests run the page
under the same content security policy.

The standard library's static file handler is enough here (a handful of small files, one developer); it gets
TCP_NODELAY, without which every response waits out the client's delayed ACK.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from local.template import ROOT

if TYPE_CHECKING:
    from local.gateway.boot import Local
    from local.gateway.server import LocalApi

WEB_ROOT = ROOT / "web"
CONFIG_PATH = "/config.json"
PAYMENT_SCRIPT_ORIGIN = "https://js.stripe.com"  # the provider's card element: its script and its frames


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL (what a CSP source names)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(api_url: str, websocket_url: str = "") -> str:
    """The page's CSP: its own files, the API and WebSocket origins, and the payment provider's script and frames;
    nothing else (no inline script, no other origin, never framed). template.yaml's ``WebClientHeadersPolicy`` says
    the same with the stack's origins (tests/contract checks the two agree)."""
    connect = " ".join(["'self'", origin(api_url), *([origin(websocket_url)] if websocket_url else [])])
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {PAYMENT_SCRIPT_ORIGIN}",
        f"frame-src {PAYMENT_SCRIPT_ORIGIN}",
        f"connect-src {connect}",
        "img-src 'self' data:",
        "style-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def security_headers(api_url: str, websocket_url: str = "") -> dict[str, str]:
    """What CloudFront's response headers policy adds to every answer (HSTS means nothing over local http, but it is
    sent as the cloud sends it)."""
    return {
        "Content-Security-Policy": content_security_policy(api_url, websocket_url),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }


def client_config(
    api_url: str,
    websocket_url: str = "",
    *,
    local: bool = True,
    demo_accounts: list[dict[str, str]] | None = None,
    payments: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The page's ``config.json`` (web/js/config.js describes each field)."""
    return {
        "apiUrl": api_url.rstrip("/"),
        "webSocketUrl": websocket_url.rstrip("/"),
        "local": local,
        **({"demoAccounts": demo_accounts} if local and demo_accounts else {}),
        "payments": dict(payments or {"provider": "none"}),
    }


class _Handler(SimpleHTTPRequestHandler):
    """web/'s files, ``/config.json``, and the security headers on every answer."""

    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"

    def __init__(self, *args: Any, config_body: bytes, headers: Mapping[str, str], **kwargs: Any) -> None:
        self._config_body = config_body
        self._extra_headers = headers
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == CONFIG_PATH:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self._config_body)))
            self.end_headers()
            self.wfile.write(self._config_body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        for name, value in self._extra_headers.items():
            self.send_header(name, value)
        # edits to web/ show on the next reload
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path: str | Path) -> None:  # type: ignore[override]  # noqa: ARG002 - never lists
        self.send_error(HTTPStatus.NOT_FOUND, "no such file")  # never list folders

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the API's requests are what the gateway logs; page loads would drown them


class WebClient:
    """web/ served on ``host:port`` (0 picks a free port) from a background thread, with ``config``."""

    def __init__(
        self, config: Mapping[str, Any], host: str = "127.0.0.1", port: int = 0, root: Path = WEB_ROOT
    ) -> None:
        self.config = dict(config)
        headers = security_headers(self.config["apiUrl"], self.config.get("webSocketUrl", ""))
        handler = partial(_Handler, directory=str(root), config_body=json.dumps(self.config).encode(), headers=headers)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_port}/"
        self._thread: threading.Thread | None = None

    def start(self) -> WebClient:
        self._thread = threading.Thread(target=self._server.serve_forever, name="web-client", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def local_config(local: Local, api: LocalApi) -> dict[str, Any]:
    """``config.json`` for a started local stack: its API, its WebSocket API (when served), its demo accounts, and
    the local payment provider when the template has card payments (the order payment route)."""
    accounts = [{"email": a.email, "password": a.password, "role": a.group} for a in local.accounts]
    has_payments = any(r.method == "POST" and r.resource.endswith("/payment") for r in api.gateway.api.routes)
    return client_config(
        api.url,
        api.ws_url or "",
        local=True,
        demo_accounts=accounts,
        payments={"provider": "local" if has_payments else "none"},
    )
