"""PATCH /v1/restaurants/{restaurantId}: staff of the restaurant (or an admin) change its details."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.models import RestaurantPatch, RestaurantView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.patch(
    "/v1/restaurants/<restaurantId>",
    operation_id="updateRestaurant",
    summary="Update a restaurant",
    tags=["Catalog management"],
    responses={**rest.success("The restaurant, with its new ETag"), **rest.problems(403, 404, 409, 412, 413)},
)
def update_restaurant(
    restaurantId: str,  # noqa: N803 - path names are the API's
    patch: Annotated[RestaurantPatch, Body()],
) -> Response[RestaurantView]:
    catalog = catalog_service()
    restaurant = catalog.update_restaurant(rest.caller(app), restaurantId, patch, if_match=rest.if_match(app))
    return rest.ok(catalog.view(restaurant), version=restaurant.version)


lambda_handler = rest.entrypoint(app)
