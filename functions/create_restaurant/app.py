"""POST /v1/restaurants: an admin adds a restaurant."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.models import RestaurantCreate, RestaurantView
from waiter.compose import catalog_service
from waiter.observability import metrics

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants",
    operation_id="createRestaurant",
    summary="Create a restaurant",
    tags=["Catalog management"],
    responses={**rest.created("The restaurant", ids={"restaurantId": "/id"}), **rest.problems(403, 413)},
)
def create_restaurant(data: Annotated[RestaurantCreate, Body()]) -> Response[RestaurantView]:
    catalog = catalog_service()
    restaurant = catalog.create_restaurant(rest.caller(app), data)
    metrics.add_metric(name="RestaurantCreated", unit="Count", value=1)
    return rest.ok(
        catalog.view(restaurant), status=201, version=restaurant.version, location=f"/v1/restaurants/{restaurant.id}"
    )


lambda_handler = rest.entrypoint(app)
