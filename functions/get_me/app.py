"""GET /v1/me: the caller's profile, roles and the restaurants they staff (signed in)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.accounts.models import Profile
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/me",
    operation_id="getMe",
    summary="My profile",
    tags=["Auth"],
    responses={**rest.success("My profile, roles and the restaurants I staff"), **rest.problems(401)},
)
def get_me() -> Response[Profile]:
    return rest.ok(account_service().profile(rest.caller(app)))


lambda_handler = rest.entrypoint(app)
