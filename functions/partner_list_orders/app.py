"""GET /v1/partner/orders: a partner's (POS) view of its restaurant's orders, oldest first."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import OrderPage, OrderStatus

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/partner/orders",
    operation_id="partnerListOrders",
    summary="Orders of the key's restaurant",
    tags=["Partners"],
    responses={**rest.success("One page of the restaurant's orders, oldest first"), **rest.problems(401, 403)},
)
def partner_list_orders(
    status: Annotated[OrderStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[OrderPage]:
    caller = rest.caller(app)
    restaurant_id = rest.partner_restaurant(caller)
    orders, next_cursor = ordering_service().kitchen_orders(
        caller, restaurant_id, status=status, limit=limit, cursor=cursor
    )
    return rest.ok(OrderPage(items=orders, next_cursor=next_cursor))


lambda_handler = rest.entrypoint(app)
