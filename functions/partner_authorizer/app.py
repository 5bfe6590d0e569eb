"""The partner API-key authorizer: a Lambda REQUEST authorizer in front of /v1/partner/* and the SOAP service
/v1/soap/pos.

It checks the ``X-Api-Key`` header against the stored key digests and answers API Gateway with the key's
restaurant as context (the partner's scope) and its usage identifier, so the usage plan meters each key.
A missing, malformed or unknown key is a 401; a revoked key is an explicit Deny, which API Gateway turns into 403.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from waiter.compose import api_key_service
from waiter.errors import Forbidden, Unauthorized
from waiter.observability import logger


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    request = APIGatewayAuthorizerRequestEvent(event)
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    try:
        record = api_key_service().authenticate(headers.get("x-api-key"))
    except Unauthorized:
        # API Gateway's contract: this exact message makes it answer 401 without calling the integration.
        raise Exception("Unauthorized") from None
    except Forbidden:
        denied = APIGatewayAuthorizerResponse.from_route_arn(request.method_arn, principal_id="revoked-key")
        denied.deny_all_routes()
        return dict(denied.asdict())
    # Allow the whole partner surface: the result is cached per key and reused across partner routes.
    allowed = APIGatewayAuthorizerResponse.from_route_arn(
        request.method_arn,
        principal_id=f"apikey:{record.id}",
        context={"keyId": record.id, "restaurantId": record.restaurant_id},
        usage_identifier_key=record.usage_key,
    )
    allowed.allow_all_routes()
    return dict(allowed.asdict())
