"""GET /v1/carts: the caller's open carts."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import CartList

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/carts",
    operation_id="listCarts",
    summary="My open carts",
    tags=["Carts"],
    responses={**rest.success("My open carts"), **rest.problems(401)},
)
def list_carts() -> Response[CartList]:
    return rest.ok(CartList(items=ordering_service().list_carts(rest.caller(app))))


lambda_handler = rest.entrypoint(app)
