"""POST /v1/restaurants/{restaurantId}/orders/{orderId}/transitions: staff move an order along."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import OrderView, TransitionRequest

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants/<restaurantId>/orders/<orderId>/transitions",
    operation_id="transitionOrder",
    summary="Move an order to its next status",
    tags=["Kitchen"],
    responses={**rest.success("The order in its new status"), **rest.problems(401, 403, 404, 409, 412, 413)},
)
def transition_order(
    restaurantId: str,  # noqa: N803 - path names are the API's
    orderId: str,  # noqa: N803
    data: Annotated[TransitionRequest, Body()],
) -> Response[OrderView]:
    order = ordering_service().transition(
        rest.caller(app),
        orderId,
        data.to,
        restaurant_id=restaurantId,
        reason=data.reason,
        prep_minutes=data.prep_minutes,
        if_match=rest.if_match(app),
    )
    return rest.ok(order, version=order.version)


lambda_handler = rest.entrypoint(app)
