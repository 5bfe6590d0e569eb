"""GET /v1/carts/{restaurantId}: the caller's cart at a restaurant, priced by the backend now."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import Fulfilment, PricedCart

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/carts/<restaurantId>",
    operation_id="getCart",
    summary="My cart at a restaurant, priced",
    tags=["Carts"],
    responses={**rest.success("My cart, priced now"), **rest.problems(401, 404)},
)
def get_cart(
    restaurantId: str,  # noqa: N803 - path names are the API's
    fulfilment: Annotated[Fulfilment, Query()] = Fulfilment.DELIVERY,
    tip: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response[PricedCart]:
    return rest.ok(ordering_service().get_cart(rest.caller(app), restaurantId, fulfilment=fulfilment, tip=tip))


lambda_handler = rest.entrypoint(app)
