"""PUT /v1/partner/menu-items/{itemId}/availability: a partner (POS) switches one of its menu items on or off."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.models import AvailabilityUpdate, MenuItemView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.put(
    "/v1/partner/menu-items/<itemId>/availability",
    operation_id="partnerSetItemAvailability",
    summary="Switch a menu item of the key's restaurant on or off",
    tags=["Partners"],
    responses={**rest.success("The menu item, with its new ETag"), **rest.problems(401, 403, 404, 409, 412, 413)},
)
def partner_set_item_availability(
    itemId: str,  # noqa: N803 - path names are the API's
    data: Annotated[AvailabilityUpdate, Body()],
) -> Response[MenuItemView]:
    caller, expected = rest.caller(app), rest.if_match(app)
    item = catalog_service().set_item_availability(caller, itemId, data.available, if_match=expected)
    return rest.ok(item.view(), version=item.version)


lambda_handler = rest.entrypoint(app)
