"""POST /v1/restaurants/{restaurantId}/api-keys: staff issue a partner API key (the secret is shown once)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import api_key_service
from waiter.partners.models import ApiKeyCreate, ApiKeyCreated

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants/<restaurantId>/api-keys",
    operation_id="createApiKey",
    summary="Create a partner API key",
    tags=["Partners"],
    responses={
        **rest.created("The key, with its secret shown this once", ids={"keyId": "/id"}),
        **rest.problems(401, 403, 404),
    },
)
def create_api_key(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[ApiKeyCreate, Body()],
) -> Response[ApiKeyCreated]:
    created = api_key_service().create(rest.caller(app), restaurantId, data)
    return rest.ok(created, status=201, location=f"/v1/restaurants/{restaurantId}/api-keys/{created.id}")


lambda_handler = rest.entrypoint(app)
