"""POST /v1/orders: check out the open cart at a restaurant, exactly once per Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

from waiter.adapters import rest
from waiter.compose import ordering_service
from waiter.ordering.models import IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN, Checkout, OrderView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/orders",
    operation_id="checkout",
    summary="Check out (place an order)",
    tags=["Orders"],
    responses={
        **rest.created(
            "The order; a repeat with the same Idempotency-Key and body replays this response", ids={"orderId": "/id"}
        ),
        **rest.problems(401, 404, 409, 413, 422, 429),
    },
)
def checkout(
    data: Annotated[Checkout, Body()],
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="Any unique value (a UUID): a retry with the same key and body replays the first answer",
        ),
    ],
) -> Response[OrderView]:
    order = ordering_service().checkout(rest.caller(app), data, idempotency_key=idempotency_key)
    return rest.ok(order, status=201, version=order.version, location=f"/v1/orders/{order.id}")


lambda_handler = rest.entrypoint(app)
