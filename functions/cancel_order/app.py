"""POST /v1/orders/{orderId}/cancel: the customer cancels an order while it is still PLACED."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import OrderView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS)
rest.install(app)


@app.post(
    "/v1/orders/<orderId>/cancel",
    operation_id="cancelOrder",
    summary="Cancel my order",
    tags=["Orders"],
    responses={**rest.success("The cancelled order"), **rest.problems(401, 403, 404, 409)},
)
def cancel_order(orderId: str) -> Response[OrderView]:  # noqa: N803 - path names are the API's
    order = ordering_service().cancel(rest.caller(app), orderId)
    return rest.ok(order.view(), version=order.version)


lambda_handler = rest.entrypoint(app)
