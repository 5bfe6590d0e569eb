"""POST /v1/auth/signup: register a customer account (public; rate-limited per source IP)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import SignedUp, SignUp
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/signup",
    operation_id="signUp",
    summary="Sign up",
    tags=["Auth"],
    responses={**rest.created("The account; confirm it with the e-mailed code"), **rest.problems(409, 429)},
)
def sign_up(data: Annotated[SignUp, Body()]) -> Response[SignedUp]:
    account = account_service().sign_up(data, source_ip=rest.source_ip(app))
    return rest.ok(account, status=201, location="/v1/me")


lambda_handler = rest.entrypoint(app)
