"""POST /v1/auth/login: exchange e-mail and password for tokens (public; rate-limited per account and IP)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import Login, Tokens
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/login",
    operation_id="logIn",
    summary="Sign in",
    tags=["Auth"],
    responses={**rest.success("Tokens for the account"), **rest.problems(401, 403, 429)},
)
def log_in(data: Annotated[Login, Body()]) -> Response[Tokens]:
    return rest.ok(account_service().login(data, source_ip=rest.source_ip(app)))


lambda_handler = rest.entrypoint(app)
