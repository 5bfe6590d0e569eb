"""The WebSocket API's ``$connect`` authorizer (Lambda REQUEST, identity source: the ``token`` query parameter,
since browsers cannot set headers on a WebSocket).

The token is a Cognito ID token (the same checks the REST API's Cognito authorizer makes, by the layer's verifier)
or, for POS systems, a partner API key (``wtr_...``). The answer's context is what every route of the connection
then reads as its caller. No valid credential: ``Unauthorized`` (401), a revoked key: an explicit Deny (403).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from waiter.compose import api_key_service, id_token_verifier
from waiter.errors import Forbidden, Unauthorized
from waiter.identity import RESTAURANTS_CLAIM
from waiter.observability import logger
from waiter.partners.models import KEY_PREFIX


def _policy(event: dict[str, Any], principal: str, effect: str, context: dict[str, str]) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": context,
    }


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    token = str((event.get("queryStringParameters") or {}).get("token") or "")
    try:
        if token.startswith(KEY_PREFIX):
            record = api_key_service().authenticate(token)
            return _policy(
                event, f"apikey:{record.id}", "Allow", {"keyId": record.id, "restaurantId": record.restaurant_id}
            )
        claims = id_token_verifier().verify(token)
    except Unauthorized:
        raise Exception("Unauthorized") from None  # API Gateway's contract: this message refuses with 401
    except Forbidden:
        return _policy(event, "revoked-key", "Deny", {})
    groups = claims.get("cognito:groups") or []
    allowed = {
        "sub": str(claims["sub"]),
        "cognito:groups": ",".join(groups) if isinstance(groups, list) else str(groups),
        RESTAURANTS_CLAIM: str(claims.get(RESTAURANTS_CLAIM, "")),
    }
    return _policy(event, str(claims["sub"]), "Allow", allowed)
