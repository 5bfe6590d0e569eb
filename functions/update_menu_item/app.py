"""PATCH /v1/restaurants/{restaurantId}/menu-items/{itemId}: staff change a menu item."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.models import MenuItemPatch, MenuItemView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.patch(
    "/v1/restaurants/<restaurantId>/menu-items/<itemId>",
    operation_id="updateMenuItem",
    summary="Update a menu item",
    tags=["Catalog management"],
    responses={**rest.success("The menu item, with its new ETag"), **rest.problems(403, 404, 409, 412, 413)},
)
def update_menu_item(
    restaurantId: str,  # noqa: N803 - path names are the API's
    itemId: str,  # noqa: N803
    patch: Annotated[MenuItemPatch, Body()],
) -> Response[MenuItemView]:
    caller, expected = rest.caller(app), rest.if_match(app)
    item = catalog_service().update_menu_item(caller, restaurantId, itemId, patch, if_match=expected)
    return rest.ok(item.view(), version=item.version)


lambda_handler = rest.entrypoint(app)
