"""GraphQL over HTTP (the GraphQL-over-HTTP specification) for API Gateway's REST API: ``POST /v1/graphql`` with a
JSON body, ``GET /v1/graphql?query=…`` for queries only (so they can be cached).

- Responses are ``application/graphql-response+json`` (``application/json`` when that is all the client accepts,
  with the specification's status codes for it). A request that cannot run (not JSON, a batch, a document that
  does not parse or validate or is over a limit, a mutation over GET, bad variables) is a 4xx with ``errors`` and
  no ``data``; once it runs the answer is 200, field errors in ``errors`` beside the ``data``.
- The caller: anonymous, or the Cognito ID token of ``Authorization: Bearer``, verified in the function by the
  layer's verifier (the checks the REST API's Cognito authorizer makes); a token that fails them is a 401 with
  UNAUTHENTICATED, never anonymous (docs/auth.md says why the route has no API Gateway authorizer).
- Batched (array) bodies are refused: each operation is one request, one rate-limit hit, one log line.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.logging import correlation_paths
from graphql import GraphQLError, OperationType, execute_sync, get_operation_ast

from waiter.adapters.graphql.binding import executable_schema
from waiter.adapters.graphql.documents import Document, parsed, validation_errors
from waiter.adapters.graphql.errors import INTERNAL, INTERNAL_MESSAGE, format_error, request_error
from waiter.adapters.graphql.resolvers import Context
from waiter.errors import Unauthorized
from waiter.identity import Principal, principal_from_claims
from waiter.observability import logger, metrics
from waiter.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# An anonymous query over GET may be kept by caches as long as the freshest REST catalog read is (the menu's).
PUBLIC_CACHE = "public, max-age=30, stale-while-revalidate=60"
PRIVATE = "private, no-store"

LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Params:
    """A GraphQL-over-HTTP request's parameters."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


class Refused(Exception):
    """A request answered before execution: its status, its ``errors`` entry and extra headers."""

    def __init__(self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.headers = status, request_error(message, code), dict(headers or {})


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


def media_type(accept: str | None) -> str | None:
    """The response's media type for an ``Accept`` header; None when the client accepts neither JSON type.

    >>> media_type(None), media_type("application/json"), media_type("text/html"), media_type("*/*")
    ('application/graphql-response+json', 'application/json', None, 'application/graphql-response+json')
    """
    if not accept:
        return GRAPHQL_RESPONSE
    types = {part.split(";", 1)[0].strip().lower() for part in accept.split(",")}
    if types & {GRAPHQL_RESPONSE, "application/*", "*/*"}:
        return GRAPHQL_RESPONSE
    return JSON if JSON in types else None


def _body_text(event: Mapping[str, Any], limit: int) -> str:
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size > limit:
        raise Refused(413, f"the body is {size} bytes; the limit is {limit}", "BAD_REQUEST")
    if not event.get("isBase64Encoded"):
        return str(body)
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except ValueError:
        raise Refused(400, "the body is not UTF-8 encoded JSON", "BAD_REQUEST") from None


def read_params(event: Mapping[str, Any], headers: Mapping[str, str], body_limit: int) -> Params:
    """The request's query, variables and operation name (POST: a JSON object; GET: the query string)."""
    if event.get("httpMethod") == "GET":
        raw: Any = dict(event.get("queryStringParameters") or {})
        if isinstance(raw.get("variables"), str):
            try:
                raw["variables"] = json.loads(raw["variables"])
            except ValueError:
                raise Refused(400, "variables is not JSON", "BAD_REQUEST") from None
    else:
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type != JSON:
            raise Refused(415, f"the body must be {JSON}", "BAD_REQUEST")
        try:
            raw = json.loads(_body_text(event, body_limit))
        except (ValueError, RecursionError):
            raise Refused(400, "the body is not JSON", "BAD_REQUEST") from None
        if isinstance(raw, list):
            raise Refused(400, "batched requests are not accepted: send one operation per request", "BAD_REQUEST")
    if not isinstance(raw, dict):
        raise Refused(400, "the body must be a JSON object with a query", "BAD_REQUEST")
    query, variables, operation_name = raw.get("query"), raw.get("variables"), raw.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise Refused(400, "query is required: a GraphQL document", "BAD_REQUEST")
    if variables is not None and not isinstance(variables, dict):
        raise Refused(400, "variables must be a JSON object", "BAD_REQUEST")
    if operation_name is not None and not isinstance(operation_name, str):
        raise Refused(400, "operationName must be a string", "BAD_REQUEST")
    return Params(query=query, variables=variables, operation_name=operation_name)


def authenticate(headers: Mapping[str, str]) -> Principal:
    """Anonymous without ``Authorization``; otherwise the ID token's caller, or ``Unauthorized`` (401)."""
    value = headers.get("authorization")
    if value is None:
        return Principal.anonymous()
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send Authorization: Bearer <idToken>")
    from waiter.compose import id_token_verifier  # noqa: PLC0415 - PyJWT loads with the first token

    return principal_from_claims(id_token_verifier().verify(token.strip()))


def _respond(
    status: int, media: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": f"{media}; charset=utf-8",
            "Cache-Control": PRIVATE,
            "Access-Control-Allow-Origin": "*",
            **(headers or {}),
        },
        "body": json.dumps(body, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def serve(event: Mapping[str, Any], context: LambdaContext | None) -> dict[str, Any]:
    """One GraphQL-over-HTTP request, answered."""
    limits = get_settings().graphql
    headers = _headers(event)
    method = event.get("httpMethod")
    media = media_type(headers.get("accept"))
    if media is None:
        return _respond(
            406, GRAPHQL_RESPONSE, {"errors": [request_error(f"accept {GRAPHQL_RESPONSE} or {JSON}", "BAD_REQUEST")]}
        )
    # application/json clients get 200 for a well-formed request that fails validation (the spec's legacy rule)
    invalid = 400 if media == GRAPHQL_RESPONSE else 200
    try:
        params, caller, document = _prepare(event, headers, method)
    except Refused as refused:
        return _respond(refused.status, media, {"errors": [refused.error]}, refused.headers)
    schema = executable_schema()
    hide = not limits.introspection
    errors = validation_errors(schema, document, limits, params.variables, hide_suggestions=hide)
    if errors:
        formatted = [format_error(e, request_code="GRAPHQL_VALIDATION_FAILED") for e in errors]
        return _respond(invalid, media, {"errors": formatted})
    result = execute_sync(
        schema,
        document.node,
        context_value=Context(caller=caller, lambda_context=context),
        variable_values=params.variables,
        operation_name=params.operation_name,
        hide_suggestions=hide,
    )
    if result.errors and result.data is None and all(e.path is None for e in result.errors):
        # the variables did not coerce: nothing ran
        return _respond(invalid, media, {"errors": [format_error(e) for e in result.errors]})
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    cacheable = method == "GET" and not result.errors and not caller.is_authenticated
    return _respond(200, media, body, {"Cache-Control": PUBLIC_CACHE} if cacheable else None)


def _prepare(event: Mapping[str, Any], headers: Mapping[str, str], method: Any) -> tuple[Params, Principal, Document]:
    """The request's parameters, caller and parsed document; ``Refused`` when it cannot run."""
    limits = get_settings().graphql
    params = read_params(event, headers, get_settings().max_body_bytes)
    try:
        caller = authenticate(headers)
    except Unauthorized as error:
        raise Refused(401, error.detail, "UNAUTHENTICATED", {"WWW-Authenticate": "Bearer"}) from None
    try:
        document = parsed(params.query, limits)
    except GraphQLError as error:
        raise Refused(400, error.message, "GRAPHQL_PARSE_FAILED") from None
    operation = get_operation_ast(document.node, params.operation_name)
    if operation is None:
        raise Refused(400, "name the operation to run (operationName) among the document's", "BAD_REQUEST")
    if method == "GET" and operation.operation is not OperationType.QUERY:
        raise Refused(405, "GET runs queries only; send mutations with POST", "BAD_REQUEST", {"Allow": "POST"})
    if operation.operation is OperationType.SUBSCRIPTION:
        raise Refused(400, "subscriptions are served over the WebSocket API (graphql-transport-ws)", "BAD_REQUEST")
    return params, caller, document


def entrypoint() -> LambdaHandler:
    """The Lambda handler of the GraphQL function: correlation id, cold-start metric, and a 500 with a generic
    message (the error logged) for anything unexpected."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return serve(event, context)
        except Exception:
            logger.exception("graphql request failed")
            return _respond(500, GRAPHQL_RESPONSE, {"errors": [request_error(INTERNAL_MESSAGE, INTERNAL)]})

    return cast(LambdaHandler, handler)
