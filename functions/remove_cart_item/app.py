"""DELETE /v1/carts/{restaurantId}/items/{lineId}: remove a line from the cart."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import PricedCart

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/carts/<restaurantId>/items/<lineId>",
    operation_id="removeCartItem",
    summary="Remove a cart line",
    tags=["Carts"],
    responses={**rest.success("My cart, priced, without the line"), **rest.problems(401, 404, 409)},
)
def remove_cart_item(restaurantId: str, lineId: str) -> Response[PricedCart]:  # noqa: N803 - path names are the API's
    return rest.ok(ordering_service().remove_line(rest.caller(app), restaurantId, lineId))


lambda_handler = rest.entrypoint(app)
