"""GET /v1/openapi.json and GET /v1/docs: the committed OpenAPI document and a self-contained Swagger UI.

The document is generated from every function's routes (``make openapi``) and shipped beside this file; the
Swagger UI assets come from Powertools' package, so the page works offline. The page links the document at
/v1/openapi.json.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest

app = APIGatewayRestResolver(cors=rest.CORS)
rest.install(app)

_SPEC_FILE = Path(__file__).with_name("openapi.json")


@cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(_SPEC_FILE.read_text(encoding="utf-8"))
    return spec


def _served_spec() -> dict[str, Any]:
    """The document with ``servers`` pointing at this deployment's stage, so "Try it out" calls the right URL."""
    stage = app.current_event.request_context.stage
    base = "/" if stage in ("", "$default", "local") else f"/{stage}"
    return {**_spec(), "servers": [{"url": base}]}


@app.get("/v1/openapi.json", operation_id="getOpenApiDocument", summary="The OpenAPI document", tags=["Docs"])
def openapi_document() -> Response[dict[str, Any]]:
    return Response(status_code=200, content_type="application/json", body=_served_spec())


@app.get(
    "/v1/docs",
    operation_id="getSwaggerUi",
    summary="Swagger UI",
    tags=["Docs"],
    responses={200: {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}},
)
def swagger_ui() -> Response[str]:
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html  # noqa: PLC0415

    assets = Path(generate_swagger_html.__code__.co_filename).parent
    html = generate_swagger_html(
        json.dumps(_served_spec()).replace("</", "<\\/"),
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
        persist_authorization=True,
    )
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=_linking_the_document(html))


# Powertools' page links the spec as "<this page>?format=json", which its own Swagger route serves; this API serves
# the document at /v1/openapi.json, beside the page (a stage prefix included), so the link points there.
_POWERTOOLS_SPEC_LINK = 'currentUrl.pathname + "?format=json"'
_SPEC_LINK = 'new URL("openapi.json", currentUrl).pathname'


def _linking_the_document(html: str) -> str:
    if _POWERTOOLS_SPEC_LINK not in html:  # a Powertools upgrade changed the page: fail loudly (tests call this)
        raise RuntimeError("Swagger UI's spec link is no longer where this function expects it")
    return html.replace(_POWERTOOLS_SPEC_LINK, _SPEC_LINK)


lambda_handler = rest.entrypoint(app)
