"""GET /v1/restaurants/{restaurantId}/menu: the menu, items grouped by category."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.catalog.models import MenuView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)

# Items sell out and come back during service: keep the menu fresh within half a minute. Its ETag is a hash of the
# representation (the toolkit's content tag), so it changes whenever any item (or what the menu shows of the
# restaurant) changes.
CACHE = rest.PublicCache(max_age_s=30, stale_while_revalidate_s=60)


@app.get(
    "/v1/restaurants/<restaurantId>/menu",
    operation_id="getMenu",
    summary="Get a menu",
    tags=["Catalog"],
    responses={**CACHE.responses("The menu, items grouped by category, with its ETag"), **rest.problems(404)},
)
def get_menu(restaurantId: str) -> Response[MenuView]:  # noqa: N803 - path names are the API's
    return rest.ok(catalog_service().get_menu(rest.caller(app), restaurantId), cache=CACHE)


lambda_handler = rest.entrypoint(app)
