"""PATCH /v1/carts/{restaurantId}/items/{lineId}: change a line's quantity."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import CartLinePatch, PricedCart

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.patch(
    "/v1/carts/<restaurantId>/items/<lineId>",
    operation_id="updateCartItem",
    summary="Change a cart line's quantity",
    tags=["Carts"],
    responses={**rest.success("My cart, priced, with the new quantity"), **rest.problems(401, 404, 409, 413)},
)
def update_cart_item(
    restaurantId: str,  # noqa: N803 - path names are the API's
    lineId: str,  # noqa: N803
    data: Annotated[CartLinePatch, Body()],
) -> Response[PricedCart]:
    return rest.ok(ordering_service().update_line(rest.caller(app), restaurantId, lineId, data))


lambda_handler = rest.entrypoint(app)
