"""Generate the OpenAPI 3.1 document from every function's routes, or check that the committed one is current.

    python -m local.openapi          # write openapi.json and functions/api_docs/openapi.json
    python -m local.openapi --check  # exit 1 when either differs from what the code generates

Powertools' OpenAPI merge discovers each ``functions/*/app.py`` resolver; this module only adds what is shared
(the problem+json schema, API info) and drops the 422 response Powertools documents by default, because Waiter
answers validation failures with 400 problem+json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "openapi.json"  # for people and tools: indented
# what ApiDocsFunction ships and serves: the same document without the indentation, which deflates to ~12 KB instead
# of ~16 KB (the function's zip has a 16 KB budget, P4) and is all whitespace to a client
SERVED = ROOT / "functions" / "api_docs" / "openapi.json"
OUTPUTS = (DOCUMENT, SERVED)

DESCRIPTION = (
    "Waiter is a serverless food-ordering backend. Every amount is an integer of minor units; the object owning "
    "amounts states their ISO 4217 currency (a menu item: price + currency). Times are UTC ISO 8601. "
    "Errors are RFC 9457 problem+json."
)


def generate() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "layers" / "common"))
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from waiter.adapters.rest import PATH_ID_PATTERN, Problem

    merger = APIGatewayRestResolver(enable_validation=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a handler that fails to import must fail generation, not vanish from it
        merger.configure_openapi_merge(
            path=str(ROOT / "functions"),
            pattern="app.py",
            recursive=True,
            title="Waiter API",
            version="1.0.0",
            description=DESCRIPTION,
            on_conflict="error",
        )
        spec = json.loads(merger.get_openapi_merge_json_schema())
    problem = Problem.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    return _finish(spec, problem, _authorizers(), PATH_ID_PATTERN)


def _authorizers() -> dict[tuple[str, str], str]:
    """Which authorizer guards each (METHOD, path): the event's own ``Auth.Authorizer`` or the API's default."""
    from local.template import api_properties, api_routes

    found: dict[tuple[str, str], str] = {}
    for route in api_routes():
        default = (api_properties(route.api).get("Auth") or {}).get("DefaultAuthorizer", "NONE")
        auth = (route.event.get("Auth") or {}).get("Authorizer", default)
        found[route.method, route.path] = str(auth)
    return found


# How each template authorizer appears in the document, so Swagger UI's "Authorize" works.
SECURITY_SCHEMES = {
    "CognitoAuthorizer": (
        "cognito",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The idToken from POST /v1/auth/login (Cognito), sent as `Authorization: Bearer <idToken>`.",
        },
    ),
    "PartnerKeyAuthorizer": (
        "partnerKey",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "A partner API key of one restaurant (`wtr_...`), from POST /v1/restaurants/{id}/api-keys.",
        },
    ),
}


def _secure(spec: dict[str, Any], authorizers: dict[tuple[str, str], str]) -> None:
    """Each operation's security scheme, and the refusals API Gateway answers itself before any function runs (a
    missing or rejected credential, a partner key over its rate or quota): problem+json too, from the template's
    ``GatewayResponses``."""
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, path_item in spec["paths"].items():
        for method, operation in path_item.items():
            authorizer = authorizers.get((method.upper(), path), "NONE")
            if authorizer == "NONE":
                operation["security"] = []
                continue
            scheme = SECURITY_SCHEMES[authorizer][0]
            operation["security"] = [{scheme: []}]
            responses = operation.setdefault("responses", {})
            for status, text in (("401", "Missing or invalid credentials"), ("403", "Not allowed")):
                content = responses.setdefault(status, {"description": text}).setdefault("content", {})
                content.setdefault("application/problem+json", problem)
            if scheme == "partnerKey":
                responses["429"] = {
                    "description": "Over the key's rate (too-many-requests) or daily quota (quota-exceeded)",
                    "content": {"application/problem+json": problem},
                }
    spec["components"]["securitySchemes"] = dict(SECURITY_SCHEMES.values())


IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},  # any value: one that is no list of tags just matches nothing (a 200)
    "description": "ETags of copies you hold (a list, weak tags or `*`): 304 without a body when one is current.",
}


def _path_ids(spec: dict[str, Any], pattern: str) -> None:
    """Every path parameter is an id of ``pattern`` (``waiter.adapters.rest.PATH_ID_PATTERN``); the ids every
    local stack has (the demo restaurant and menu item ``local.seed`` makes, the ones events/ address) are their
    parameters' examples, so Swagger UI's "Try it out" and a fuzzer's first requests find something."""
    examples = _demo_ids()
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["schema"]["pattern"] = pattern
                    if parameter["name"] in examples:
                        parameter["example"] = examples[parameter["name"]]


def _demo_ids() -> dict[str, str]:
    """Ids every local stack has, by the name parameters and body fields take them as: the first demo restaurant
    and its first menu item (``local.seed``; the ones events/ address), and as ``menuItemId`` one of its items a
    cart takes with no options (the first has a required size)."""
    from local.seed import DEMO_RESTAURANTS, SAMPLE_MENU_ITEM_ID, SAMPLE_RESTAURANT_ID, stable_id

    first = DEMO_RESTAURANTS[0]
    plain = next(i for i in first["menu"][1:] if not any(g["minChoices"] for g in i.get("optionGroups", [])))
    plain_id = stable_id(f"{first['restaurant']['name']}/{plain['name']}")
    return {"restaurantId": SAMPLE_RESTAURANT_ID, "itemId": SAMPLE_MENU_ITEM_ID, "menuItemId": plain_id}


def _body_examples(spec: dict[str, Any]) -> None:
    """The demo ids (``_demo_ids``) as the examples of the request-body fields that take them (a checkout's
    ``restaurantId``, a cart line's ``menuItemId``), and the demo discount code and member of staff as those of the
    fields that must name an existing one, so a request built from the examples finds them."""
    examples = _demo_ids()
    bodies = {
        media["schema"]["$ref"].rsplit("/", 1)[1]
        for _, operation in _operations(spec)
        for media in (operation.get("requestBody") or {}).get("content", {}).values()
        if "$ref" in media.get("schema", {})
    }
    for name in bodies:
        for field, schema in spec["components"]["schemas"][name].get("properties", {}).items():
            if field in examples:
                schema["examples"] = [examples[field]]
    # the demo discount code, for applying one (not for creating one: that one exists, so it would be a 409)
    from local.seed import DEMO_DISCOUNT_CODE

    applied = spec["components"]["schemas"].get("DiscountCodeApply", {}).get("properties", {}).get("code")
    if applied is not None:
        applied["examples"] = [DEMO_DISCOUNT_CODE]
    # the demo member of staff, for assigning staff (only an existing account can be: a 400 on body.email otherwise)
    from local.seed import DEMO_STAFF

    assigned = spec["components"]["schemas"].get("StaffAssign", {}).get("properties", {}).get("email")
    if assigned is not None:
        assigned["examples"] = [DEMO_STAFF.email]


def _responses(spec: dict[str, Any]) -> None:
    """What every operation answers beyond what its route declares, as ``waiter.adapters.rest`` answers it.

    - 204 No Content and 304 Not Modified have no body (Powertools would document the handler's return type).
    - An operation answering 304 (a public read, ``rest.PublicCache``) takes ``If-None-Match``.
    - Every operation taking a body answers 413 to a body over the limit and 415 to one that is not JSON (``rest``
      refuses both before parsing).
    - Every operation documents its success response (``rest.success`` / ``rest.created``): without it Powertools
      documents no 2xx at all for routes that declare their problems, and nothing checks what they return.
    """
    from waiter.adapters.rest import problems

    refusals = {str(status): response for status, response in problems(413, 415).items()}
    for path, path_item in spec.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                responses.pop("422")
            for empty in ("204", "304"):
                if empty in responses:
                    responses[empty].pop("content", None)
            if "304" in responses:
                operation.setdefault("parameters", []).append(IF_NONE_MATCH)
            if "requestBody" in operation:
                for status, response in refusals.items():
                    responses.setdefault(status, response)
            if not any(status.startswith("2") for status in responses):
                raise ValueError(f"{method.upper()} {path} documents no success response: add rest.success(...)")


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, operation) for path, path_item in spec["paths"].items() for operation in path_item.values()]


def _path_parameters(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]


def _properties(spec: dict[str, Any], holder: dict[str, Any] | None) -> set[str]:
    """The top-level properties of the JSON body ``holder`` (a request body or a response) declares."""
    schema = ((holder or {}).get("content") or {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("properties", {}))


def _links(spec: dict[str, Any], extension: str) -> None:
    """OpenAPI links from every success response that names the ids it gives out (``rest.success(ids=...)``, the
    ``extension`` on the response) to every operation that takes one of them, so a client (or Schemathesis'
    stateful phase) can go from what one operation made to what uses it.

    An id is named as its consumers take it: a path parameter (``orderId``: every operation with ``{orderId}`` in
    its path takes it) or a body field (``body.code``: the operations taking a ``code`` in their body under one
    of the producer's own path parameters, so a discount code links to the cart of that restaurant and not to
    sign-up confirmation). Each of the consumer's other path parameters comes from the producer's request path
    or from its response body, by name; a consumer that cannot be given all of them gets no link.
    """
    operations = [operation for _, operation in _operations(spec)]
    for producer in operations:
        for response in producer["responses"].values():
            ids: dict[str, str] = response.pop(extension, None) or {}
            links = {
                consumer["operationId"]: link
                for consumer in operations
                if ids
                and consumer is not producer
                and (link := _link(spec, producer, response, consumer, ids)) is not None
            }
            if links:
                response["links"] = dict(sorted(links.items()))


def _link(
    spec: dict[str, Any],
    producer: dict[str, Any],
    response: dict[str, Any],
    consumer: dict[str, Any],
    ids: dict[str, str],
) -> dict[str, Any] | None:
    """The link from ``producer``'s ``response`` (giving out ``ids``) to ``consumer``; None when it takes none of
    them, or when one of its path parameters has no source (see ``_links``)."""
    own_path = _path_parameters(producer)
    consumer_path = _path_parameters(consumer)
    body_fields = _properties(spec, consumer.get("requestBody")) if set(own_path) & set(consumer_path) else set()
    taken_body = [name for name in ids if name.startswith("body.") and name.removeprefix("body.") in body_fields]
    if not taken_body and not set(ids) & set(consumer_path):
        return None
    response_fields = _properties(spec, response)
    parameters: dict[str, str] = {}
    for name in consumer_path:
        if name in ids:
            parameters[f"path.{name}"] = f"$response.body#{ids[name]}"
        elif name in own_path:
            parameters[f"path.{name}"] = f"$request.path.{name}"
        elif name in response_fields:
            parameters[f"path.{name}"] = f"$response.body#/{name}"
        else:
            return None
    link: dict[str, Any] = {"operationId": consumer["operationId"]}
    if parameters:
        link["parameters"] = parameters
    if taken_body:
        link["requestBody"] = {name.removeprefix("body."): f"$response.body#{ids[name]}" for name in taken_body}
    return link


def _finish(
    spec: dict[str, Any], problem_schema: dict[str, Any], authorizers: dict[tuple[str, str], str], path_id: str
) -> dict[str, Any]:
    from waiter.adapters.rest import IDS_EXTENSION

    _path_ids(spec, path_id)
    _responses(spec)
    _links(spec, IDS_EXTENSION)
    _body_examples(spec)
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    for name, schema in problem_schema.pop("$defs", {}).items():
        schemas[name] = schema
    schemas["Problem"] = problem_schema
    _secure(spec, authorizers)
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            operation["responses"] = dict(sorted(operation["responses"].items()))
    spec["servers"] = [{"url": "/"}]
    spec["paths"] = dict(sorted(spec["paths"].items()))
    spec["components"]["schemas"] = dict(sorted(schemas.items()))
    return spec


def render(spec: dict[str, Any], *, compact: bool = False) -> str:
    if compact:
        return json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n"
    return json.dumps(spec, indent=2, sort_keys=False) + "\n"


def rendered(spec: dict[str, Any]) -> dict[Path, str]:
    """Each output's text: the committed document indented, the function's copy compact."""
    return {DOCUMENT: render(spec), SERVED: render(spec, compact=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed documents are stale")
    args = parser.parse_args(argv)
    texts = rendered(generate())
    if args.check:
        stale = [str(p.relative_to(ROOT)) for p, text in texts.items() if not p.exists() or p.read_text() != text]
        if stale:
            print(f"OpenAPI drift: {', '.join(stale)} differ from the code; run `make openapi`", file=sys.stderr)
            return 1
        print("openapi.json is in sync with the handlers")
        return 0
    for path, text in texts.items():
        path.write_text(text)
    print(f"wrote {', '.join(str(p.relative_to(ROOT)) for p in OUTPUTS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
