"""How `make dev` serves the web client: on its own origin, with a config.json naming the local API and WebSocket
API and the demo accounts, under the security headers CloudFront adds; and the API answers that origin's CORS
preflights for every header the page sends."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from local.seed import DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF
from tests.web.conftest import WebStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_the_web_client_has_its_own_origin_and_a_config_naming_the_local_apis(web_stack: WebStack) -> None:
    web, api = urlsplit(web_stack.web_url), urlsplit(web_stack.api_url)
    assert (web.hostname, api.hostname) == ("127.0.0.1", "127.0.0.1")
    assert web.port != api.port
    config = httpx.get(web_stack.web_url + "config.json").json()
    assert config["apiUrl"] == web_stack.api_url
    assert config["webSocketUrl"].startswith("ws://127.0.0.1:")
    assert config["local"] is True
    demo = {a["email"]: a["password"] for a in config["demoAccounts"]}
    assert demo[DEMO_CUSTOMER.email] == demo[DEMO_STAFF.email] == DEMO_PASSWORD


def test_every_file_is_served_under_the_clouds_security_headers(web_stack: WebStack) -> None:
    page = httpx.get(web_stack.web_url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert f"connect-src 'self' {web_stack.api_url}" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    script = httpx.get(web_stack.web_url + "js/main.js")
    assert script.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert script.headers["content-security-policy"] == csp
    assert httpx.get(web_stack.web_url + "js/").status_code == 404  # no folder listings
    assert httpx.get(web_stack.web_url + "no-such-file.js").status_code == 404


def test_the_api_answers_the_web_origins_preflight_for_what_the_page_sends(web_stack: WebStack) -> None:
    origin = web_stack.web_url.rstrip("/")
    preflight = web_stack.api.options(
        "/v1/orders",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", origin)
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-match"} <= allowed
    read = web_stack.api.get("/v1/restaurants", headers={"Origin": origin})
    assert read.headers["access-control-allow-origin"] in ("*", origin)
