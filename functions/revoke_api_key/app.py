"""DELETE /v1/restaurants/{restaurantId}/api-keys/{keyId}: revoke a partner key at once."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import api_key_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/restaurants/<restaurantId>/api-keys/<keyId>",
    operation_id="revokeApiKey",
    summary="Revoke a partner API key",
    tags=["Partners"],
    responses={204: {"description": "Revoked"}, **rest.problems(401, 403, 404)},
)
def revoke_api_key(restaurantId: str, keyId: str) -> Response[None]:  # noqa: N803 - path names are the API's
    api_key_service().revoke(rest.caller(app), restaurantId, keyId)
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
