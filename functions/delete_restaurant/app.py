"""DELETE /v1/restaurants/{restaurantId}: an admin deactivates a restaurant; its history is kept."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/restaurants/<restaurantId>",
    operation_id="deleteRestaurant",
    summary="Deactivate a restaurant",
    tags=["Catalog management"],
    responses={204: {"description": "Deactivated"}, **rest.problems(403, 404, 409, 412)},
)
def delete_restaurant(restaurantId: str) -> Response[None]:  # noqa: N803 - path names are the API's
    catalog_service().deactivate_restaurant(rest.caller(app), restaurantId, if_match=rest.if_match(app))
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
