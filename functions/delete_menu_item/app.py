"""DELETE /v1/restaurants/{restaurantId}/menu-items/{itemId}: staff remove an item from their menu."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/restaurants/<restaurantId>/menu-items/<itemId>",
    operation_id="deleteMenuItem",
    summary="Remove a menu item",
    tags=["Catalog management"],
    responses={204: {"description": "Removed"}, **rest.problems(403, 404, 409, 412)},
)
def delete_menu_item(restaurantId: str, itemId: str) -> Response[None]:  # noqa: N803 - path names are the API's
    catalog_service().delete_menu_item(rest.caller(app), restaurantId, itemId, if_match=rest.if_match(app))
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
