"""POST /v1/restaurants/{restaurantId}/menu-items: staff add an item to their menu."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.models import MenuItemCreate, MenuItemView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants/<restaurantId>/menu-items",
    operation_id="createMenuItem",
    summary="Add a menu item",
    tags=["Catalog management"],
    responses={
        **rest.created("The menu item", ids={"itemId": "/id", "body.menuItemId": "/id"}),
        **rest.problems(403, 404, 409, 413),
    },
)
def create_menu_item(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[MenuItemCreate, Body()],
) -> Response[MenuItemView]:
    item = catalog_service().create_menu_item(rest.caller(app), restaurantId, data)
    location = f"/v1/restaurants/{restaurantId}/menu-items/{item.id}"
    return rest.ok(item.view(), status=201, version=item.version, location=location)


lambda_handler = rest.entrypoint(app)
