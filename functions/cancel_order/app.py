"""POST /v1/orders/{orderId}/cancel: the customer cancels an order while it is still PLACED."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import CancelRequest, OrderView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/orders/<orderId>/cancel",
    operation_id="cancelOrder",
    summary="Cancel my order",
    tags=["Orders"],
    responses={**rest.success("The cancelled order"), **rest.problems(401, 403, 404, 409, 412, 413)},
)
def cancel_order(
    orderId: str,  # noqa: N803 - path names are the API's
    data: Annotated[CancelRequest | None, Body()] = None,
) -> Response[OrderView]:
    reason = data.reason if data is not None else None
    order = ordering_service().cancel(rest.caller(app), orderId, reason=reason, if_match=rest.if_match(app))
    return rest.ok(order, version=order.version)


lambda_handler = rest.entrypoint(app)
