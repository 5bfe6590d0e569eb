"""SOAP adapter toolkit: what ``waiter.adapters.rest`` does for REST, for SOAP 1.1 and 1.2 over API Gateway.

Written here, small, because no maintained SOAP server library runs on Python 3.13: spyne 2.14 (its last release,
2022) fails on ``import spyne`` on 3.12+ (``spyne.util.six.moves``; fixed upstream, never released), pysimplesoap
is unmaintained since 2017, soapfish is not on PyPI. The risky part, parsing untrusted XML, is not hand-written: it
is defusedxml's hardened expat parser with DTDs forbidden (``parsing``). The rest is small: a service described
once (``wsdl.SoapService``) whose types (``schema``) print the WSDL, check requests and build answers, and the
envelopes with the one fault mapping from ``waiter.errors`` (``envelope``).

Only a SOAP function imports this package (the XML libraries cost cold start; tests/perf_guards guards it).
A function uses it like this::

    def get_order(caller: Principal, request: dict[str, Any]) -> dict[str, Any]:
        return {"order": order_document(ordering_service().get_order(caller, request["orderId"]))}

    lambda_handler = soap.entrypoint(POS_SERVICE, {"GetOrder": get_order, ...})

Callers are authenticated before the function runs (the partner authorizer), so a missing or revoked key is API
Gateway's 401/403 problem+json, never a fault.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any, cast

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from waiter.adapters.soap.envelope import SOAP11, SoapVersion, fault, read_request, response, version_of
from waiter.adapters.soap.wsdl import SoapService, wsdl_document
from waiter.errors import FieldError, PayloadTooLarge, ValidationFailed, WaiterError
from waiter.identity import Principal, principal_from_authorizer
from waiter.observability import logger, metrics
from waiter.settings import get_settings

OperationHandler = Callable[[Principal, dict[str, Any]], Mapping[str, Any]]
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def entrypoint(service: SoapService, handlers: Mapping[str, OperationHandler]) -> LambdaHandler:
    """The Lambda handler serving ``service``: ``GET ?wsdl`` answers the WSDL, ``POST`` an envelope calling one
    operation, dispatched to ``handlers[name](caller, values)``, whose result (JSON view keys) fills the answer."""
    missing = {op.name for op in service.operations} ^ set(handlers)
    if missing:
        raise ValueError(f"operations and handlers differ: {sorted(missing)}")

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
        if event.get("httpMethod") == "GET":
            return _wsdl(service, event)
        return call(service, handlers, event)

    return cast(LambdaHandler, handler)


def call(service: SoapService, handlers: Mapping[str, OperationHandler], event: Mapping[str, Any]) -> dict[str, Any]:
    """One SOAP request: read and check it, run its operation, answer it (or fault)."""
    request_id = (event.get("requestContext") or {}).get("requestId")
    version: SoapVersion = SOAP11
    try:
        version = version_of(_header(event, "Content-Type"))
        limit = get_settings().max_body_bytes
        request = read_request(
            service,
            _body(event, limit),
            version=version,
            content_type=_header(event, "Content-Type"),
            soap_action=_header(event, "SOAPAction"),
            max_bytes=limit,
        )
        caller = principal_from_authorizer((event.get("requestContext") or {}).get("authorizer"))
        logger.append_keys(operation=request.operation.name)
        values = handlers[request.operation.name](caller, request.values)
        return _result(200, version, response(service, request, values))
    except WaiterError as error:
        status, body = fault(service, version, error, request_id)
        return _result(status, version, body)
    except Exception as error:  # the one place the unexpected ends: logged, answered as a generic Server fault
        logger.error("unhandled error", exc_info=error)
        failure = WaiterError(detail="something went wrong on our side; it has been logged")
        status, body = fault(service, version, failure, request_id)
        return _result(status, version, body)


def _wsdl(service: SoapService, event: Mapping[str, Any]) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    if "wsdl" not in {k.lower() for k in query}:
        error = ValidationFailed(
            detail="GET serves the WSDL: add ?wsdl", errors=[FieldError("query.wsdl", "is required for GET")]
        )
        _, body = fault(service, SOAP11, error, (event.get("requestContext") or {}).get("requestId"))
        return _result(400, SOAP11, body)
    return _result(200, SOAP11, wsdl_document(service, _location(event)))


def _location(event: Mapping[str, Any]) -> str:
    """This endpoint's address as the caller reached it (host and stage path as API Gateway saw them)."""
    context = event.get("requestContext") or {}
    host = _header(event, "Host") or context.get("domainName") or "localhost"
    scheme = (_header(event, "X-Forwarded-Proto") or "https").split(",")[0].strip()
    return f"{scheme}://{host}{context.get('path') or event.get('path') or ''}"


def _header(event: Mapping[str, Any], name: str) -> str | None:
    wanted = name.lower()
    return next((str(v) for k, v in (event.get("headers") or {}).items() if k.lower() == wanted), None)


def _body(event: Mapping[str, Any], limit: int) -> bytes:
    """The request's bytes; a body over ``limit`` is refused by its length, before it is decoded or parsed."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body)  # characters: at most the bytes
    if size > limit:
        raise PayloadTooLarge(detail=f"the body is over {limit} bytes", errors=[FieldError("body", "is too large")])
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            raise ValidationFailed.on("body", "is not valid base64") from None
    return str(body).encode("utf-8")


def _result(status: int, version: SoapVersion, body: bytes) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": f"{version.content_type}; charset=utf-8", "Access-Control-Allow-Origin": "*"},
        "body": body.decode("utf-8"),
        "isBase64Encoded": False,
    }
