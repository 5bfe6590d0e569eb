"""PUT /v1/restaurants/{restaurantId}/availability: the restaurant's staff pause or resume its incoming orders."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.availability import AvailabilityChange, RestaurantAvailability
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.put(
    "/v1/restaurants/<restaurantId>/availability",
    operation_id="setAvailability",
    summary="Pause or resume incoming orders",
    tags=["Catalog management"],
    responses={**rest.success("Whether the restaurant takes orders now"), **rest.problems(401, 403, 404, 409, 413)},
)
def set_availability(
    restaurantId: str,  # noqa: N803 - path names are the API's
    change: Annotated[AvailabilityChange, Body()],
) -> Response[RestaurantAvailability]:
    return rest.ok(catalog_service().set_availability(rest.caller(app), restaurantId, change))


lambda_handler = rest.entrypoint(app)
