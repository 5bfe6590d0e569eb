"""The API documentation and what browsers need (CORS preflight), end to end."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_swagger_ui_is_served_as_html(api: httpx.Client) -> None:
    response = api.get("/v1/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger" in response.text.lower()


def test_openapi_document_describes_the_api(api: httpx.Client) -> None:
    response = api.get("/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/v1/restaurants", "/v1/restaurants/{restaurantId}", "/v1/restaurants/{restaurantId}/menu"} <= set(
        document["paths"]
    )


def test_cors_preflight_lets_browsers_call_the_api(api: httpx.Client, restaurant_id: str) -> None:
    response = api.options(
        f"/v1/restaurants/{restaurant_id}",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization,if-match,content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "PATCH" in response.headers["access-control-allow-methods"].split(",")
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "if-match", "content-type"} <= allowed


def test_responses_let_browsers_read_them_cross_origin(api: httpx.Client) -> None:
    response = api.get("/v1/restaurants", headers={"Origin": "https://app.example"})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_swagger_uis_link_to_the_spec_is_the_openapi_document(api: httpx.Client) -> None:
    page = api.get("/v1/docs")

    # the page resolves "openapi.json" against its own URL, as a browser does (a stage prefix included)
    assert 'new URL("openapi.json", currentUrl).pathname' in page.text
    assert "?format=json" not in page.text
    linked = api.get(str(page.url.join("openapi.json")))
    assert linked.status_code == 200
    assert linked.headers["content-type"].startswith("application/json")
    assert linked.json()["openapi"].startswith("3.")
