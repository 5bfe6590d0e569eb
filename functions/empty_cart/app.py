"""DELETE /v1/carts/{restaurantId}: empty (remove) the caller's cart at a restaurant."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import ordering_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/carts/<restaurantId>",
    operation_id="emptyCart",
    summary="Empty my cart",
    tags=["Carts"],
    responses={204: {"description": "Emptied"}, **rest.problems(401)},
)
def empty_cart(restaurantId: str) -> Response[None]:  # noqa: N803 - path names are the API's
    ordering_service().empty_cart(rest.caller(app), restaurantId)
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
