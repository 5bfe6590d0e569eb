"""GET /v1/restaurants/{restaurantId}: one restaurant."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.catalog.models import RestaurantView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS)
rest.install(app)


@app.get(
    "/v1/restaurants/<restaurantId>",
    operation_id="getRestaurant",
    summary="Get a restaurant",
    tags=["Catalog"],
    responses={**rest.success("The restaurant, with its ETag"), **rest.problems(404)},
)
def get_restaurant(restaurantId: str) -> Response[RestaurantView]:  # noqa: N803 - path names are the API's
    catalog = catalog_service()
    restaurant = catalog.get_restaurant(rest.caller(app), restaurantId)
    return rest.ok(catalog.view(restaurant), version=restaurant.version)


lambda_handler = rest.entrypoint(app)
