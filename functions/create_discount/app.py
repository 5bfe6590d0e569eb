"""POST /v1/restaurants/{restaurantId}/discounts: staff create a discount code."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import DiscountCodeCreate, DiscountCodeView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants/<restaurantId>/discounts",
    operation_id="createDiscount",
    summary="Create a discount code",
    tags=["Catalog management"],
    responses={
        **rest.created("The discount code", ids={"body.code": "/code"}),
        **rest.problems(401, 403, 404, 409, 413),
    },
)
def create_discount(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[DiscountCodeCreate, Body()],
) -> Response[DiscountCodeView]:
    code = ordering_service().create_discount(rest.caller(app), restaurantId, data)
    return rest.ok(code.view(), status=201, location=f"/v1/restaurants/{restaurantId}/discounts/{code.code}")


lambda_handler = rest.entrypoint(app)
