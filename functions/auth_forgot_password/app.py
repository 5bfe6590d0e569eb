"""POST /v1/auth/forgot-password: e-mail a password reset code (public; the same answer for every address)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import ForgotPassword, ResetRequested
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/forgot-password",
    operation_id="forgotPassword",
    summary="Ask for a password reset code",
    tags=["Auth"],
    responses={**rest.success("The same answer whether or not an account has the address", 202), **rest.problems(429)},
)
def forgot_password(data: Annotated[ForgotPassword, Body()]) -> Response[ResetRequested]:
    return rest.ok(account_service().forgot_password(data, source_ip=rest.source_ip(app)), status=202)


lambda_handler = rest.entrypoint(app)
