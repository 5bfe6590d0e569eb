"""POST /v1/auth/refresh: new id and access tokens for a refresh token (public)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import Refresh, Tokens
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/refresh",
    operation_id="refreshTokens",
    summary="Refresh tokens",
    tags=["Auth"],
    responses={**rest.success("New id and access tokens"), **rest.problems(401, 429)},
)
def refresh(data: Annotated[Refresh, Body()]) -> Response[Tokens]:
    return rest.ok(account_service().refresh(data))


lambda_handler = rest.entrypoint(app)
