"""GET /v1/restaurants/{restaurantId}/api-keys: a restaurant's partner keys (never their secrets)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import api_key_service
from waiter.partners.models import ApiKeyList

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/restaurants/<restaurantId>/api-keys",
    operation_id="listApiKeys",
    summary="List partner API keys",
    tags=["Partners"],
    responses={**rest.success("The restaurant's partner keys"), **rest.problems(401, 403, 404)},
)
def list_api_keys(restaurantId: str) -> Response[ApiKeyList]:  # noqa: N803 - path names are the API's
    return rest.ok(ApiKeyList(items=api_key_service().list(rest.caller(app), restaurantId)))


lambda_handler = rest.entrypoint(app)
