"""GET /v1/orders: the caller's orders, newest first."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import OrderPage

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/orders",
    operation_id="listMyOrders",
    summary="My orders",
    tags=["Orders"],
    responses={**rest.success("One page of my orders, newest first"), **rest.problems(401)},
)
def list_my_orders(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[OrderPage]:
    orders, next_cursor = ordering_service().my_orders(rest.caller(app), limit=limit, cursor=cursor)
    return rest.ok(OrderPage(items=orders, next_cursor=next_cursor))


lambda_handler = rest.entrypoint(app)
