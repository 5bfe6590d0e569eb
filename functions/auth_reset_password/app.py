"""POST /v1/auth/reset-password: set a new password with the e-mailed code (public; wrong codes are rate-limited)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import ResetPassword
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/reset-password",
    operation_id="resetPassword",
    summary="Set a new password with the reset code",
    tags=["Auth"],
    responses={204: {"description": "The new password is set; sign in with it"}, **rest.problems(429)},
)
def reset_password(data: Annotated[ResetPassword, Body()]) -> Response[None]:
    account_service().reset_password(data, source_ip=rest.source_ip(app))
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
