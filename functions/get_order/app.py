"""GET /v1/orders/{orderId}: one order, for its customer and its restaurant."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import OrderView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/orders/<orderId>",
    operation_id="getOrder",
    summary="An order",
    tags=["Orders"],
    responses={**rest.success("The order"), **rest.problems(401, 404)},
)
def get_order(orderId: str) -> Response[OrderView]:  # noqa: N803 - path names are the API's
    order = ordering_service().get_order(rest.caller(app), orderId)
    return rest.ok(order, version=order.version)


lambda_handler = rest.entrypoint(app)
