"""POST /v1/orders/{orderId}/payment: the customer's card order gets its payment intent (created once, then
returned as it is), with what a client needs to pay it."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import payment_service
from waiter.payments.models import PaymentView

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/orders/<orderId>/payment",
    operation_id="startPayment",
    summary="Pay my card order (create or get its payment intent)",
    tags=["Payments"],
    responses={**rest.success("The order's payment intent"), **rest.problems(401, 404, 409, 413, 503)},
)
def start_payment(orderId: str) -> Response[PaymentView]:  # noqa: N803 - path names are the API's
    return rest.ok(payment_service().start_payment(rest.caller(app), orderId))


lambda_handler = rest.entrypoint(app)
