"""POST /v1/auth/confirm: confirm an account with the code sent by e-mail (public)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import Confirm
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/confirm",
    operation_id="confirmSignUp",
    summary="Confirm an account",
    tags=["Auth"],
    responses={204: {"description": "Confirmed"}, **rest.problems(429)},
)
def confirm(data: Annotated[Confirm, Body()]) -> Response[None]:
    account_service().confirm(data)
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
