"""GET /v1/restaurants: the public listing of active restaurants, filterable by city and cuisine."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from waiter.adapters import rest
from waiter.catalog.models import RestaurantPage
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)

# The listing changes when a restaurant opens on the platform, moves or closes: a minute's staleness is harmless.
CACHE = rest.PublicCache(max_age_s=60, stale_while_revalidate_s=300)


@app.get(
    "/v1/restaurants",
    operation_id="listRestaurants",
    summary="List restaurants",
    tags=["Catalog"],
    responses={**CACHE.responses("One page of active restaurants, with its ETag"), **rest.problems()},
)
def list_restaurants(
    city: Annotated[str | None, Query(max_length=120)] = None,
    cuisine: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[RestaurantPage]:
    items, next_cursor = catalog_service().list_restaurants(
        rest.caller(app), city=city, cuisine=cuisine, limit=limit, cursor=cursor
    )
    return rest.ok(RestaurantPage(items=items, next_cursor=next_cursor), cache=CACHE)


lambda_handler = rest.entrypoint(app)
