"""GET /v1/docs and GET /v1/openapi.json through their handler."""

from __future__ import annotations

from tests.handlers import api
from tests.support import api_event, call


def test_swagger_ui_links_the_openapi_document_not_itself() -> None:
    reply = api.request("api_docs", "GET", "/v1/docs")

    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert 'new URL("openapi.json", currentUrl).pathname' in reply.body
    assert "?format=json" not in reply.body


def test_the_linked_document_is_served_as_json() -> None:
    # (not through ``api.request``: the document's ``info.version`` is no storage attribute leaking)
    status, headers, document = call("api_docs", api_event("GET", "/v1/openapi.json"))

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert document["openapi"].startswith("3.")
