"""GET /v1/restaurants/{restaurantId}: one restaurant."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.catalog.models import RestaurantView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)

# A restaurant's details change rarely, but a change (fees, a deactivation) should reach browsers within a minute.
CACHE = rest.PublicCache(max_age_s=30, stale_while_revalidate_s=60)


@app.get(
    "/v1/restaurants/<restaurantId>",
    operation_id="getRestaurant",
    summary="Get a restaurant",
    tags=["Catalog"],
    responses={**CACHE.responses("The restaurant, with its ETag"), **rest.problems(404)},
)
def get_restaurant(restaurantId: str) -> Response[RestaurantView]:  # noqa: N803 - path names are the API's
    catalog = catalog_service()
    restaurant = catalog.get_restaurant(rest.caller(app), restaurantId)
    return rest.ok(catalog.view(restaurant), version=restaurant.version, cache=CACHE)


lambda_handler = rest.entrypoint(app)
