"""POST /v1/partner/orders/{orderId}/transitions: a partner moves one of its orders along."""

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
    "/v1/partner/orders/<orderId>/transitions",
    operation_id="partnerTransitionOrder",
    summary="Move an order of the key's restaurant",
    tags=["Partners"],
    responses={**rest.success("The order in its new status"), **rest.problems(401, 403, 404, 409, 412, 413)},
)
def partner_transition_order(
    orderId: str,  # noqa: N803 - path names are the API's
    data: Annotated[TransitionRequest, Body()],
) -> Response[OrderView]:
    caller = rest.caller(app)
    restaurant_id = rest.partner_restaurant(caller)
    order = ordering_service().transition(
        caller,
        orderId,
        data.to,
        restaurant_id=restaurant_id,
        reason=data.reason,
        prep_minutes=data.prep_minutes,
        if_match=rest.if_match(app),
    )
    return rest.ok(order, version=order.version)


lambda_handler = rest.entrypoint(app)
