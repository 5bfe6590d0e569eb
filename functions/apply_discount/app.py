"""PUT /v1/carts/{restaurantId}/discount: apply a discount code to the cart."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import DiscountCodeApply, PricedCart

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.put(
    "/v1/carts/<restaurantId>/discount",
    operation_id="applyDiscount",
    summary="Apply a discount code",
    tags=["Carts"],
    responses={**rest.success("My cart, priced, with the discount applied"), **rest.problems(401, 404, 409, 413)},
)
def apply_discount(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[DiscountCodeApply, Body()],
) -> Response[PricedCart]:
    return rest.ok(ordering_service().apply_discount(rest.caller(app), restaurantId, data))


lambda_handler = rest.entrypoint(app)
