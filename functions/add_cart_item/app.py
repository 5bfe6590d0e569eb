"""POST /v1/carts/{restaurantId}/items: add a menu item (with options) to the cart; returns the priced cart."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import CartItemAdd, PricedCart

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/carts/<restaurantId>/items",
    operation_id="addCartItem",
    summary="Add an item to my cart",
    tags=["Carts"],
    responses={
        **rest.success("My cart, priced, with the line added", ids={"lineId": "/lines/0/lineId"}),
        **rest.problems(401, 404, 409, 413),
    },
)
def add_cart_item(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[CartItemAdd, Body()],
) -> Response[PricedCart]:
    return rest.ok(ordering_service().add_item(rest.caller(app), restaurantId, data))


lambda_handler = rest.entrypoint(app)
