"""POST /v1/webhooks/payments: the payment provider's webhook. Public (the signature is the authentication):
verified over the raw body, queued, answered 200; the consumer applies it (PaymentEventsFunction)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Header

from waiter.adapters import rest
from waiter.compose import webhook_receiver
from waiter.payments.models import WebhookReceipt

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/webhooks/payments",
    operation_id="paymentWebhook",
    summary="The payment provider's events (signed)",
    tags=["Payments"],
    responses={**rest.success("Verified and queued"), **rest.problems(413, 415, 503)},
)
def payment_webhook(
    signature: Annotated[str | None, Header(alias="Stripe-Signature", max_length=2048)] = None,
) -> Response[WebhookReceipt]:
    body = app.current_event.decoded_body or ""
    webhook_receiver().receive(body.encode("utf-8"), signature)
    return rest.ok(WebhookReceipt())


lambda_handler = rest.entrypoint(app)
