"""DELETE /v1/me: erase the caller's account, re-authenticated by their password (signed in)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import AccountDeletion
from waiter.adapters import rest
from waiter.compose import personal_data_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/me",
    operation_id="deleteMe",
    summary="Delete my account",
    tags=["Auth"],
    responses={
        204: {"description": "Signed out everywhere; the account, carts and counters deleted, orders anonymised"},
        **rest.problems(401, 403, 404, 429),
    },
)
def delete_me(data: Annotated[AccountDeletion, Body()]) -> Response[None]:
    personal_data_service().erase(rest.caller(app), data, source_ip=rest.source_ip(app))
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
