"""GET /v1/restaurants/{restaurantId}/menu: the menu, items grouped by category."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.catalog.models import MenuView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS)
rest.install(app)


@app.get(
    "/v1/restaurants/<restaurantId>/menu",
    operation_id="getMenu",
    summary="Get a menu",
    tags=["Catalog"],
    responses={**rest.success("The menu, items grouped by category"), **rest.problems(404)},
)
def get_menu(restaurantId: str) -> Response[MenuView]:  # noqa: N803 - path names are the API's
    return rest.ok(catalog_service().get_menu(rest.caller(app), restaurantId))


lambda_handler = rest.entrypoint(app)
