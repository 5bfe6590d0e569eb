"""POST /v1/auth/logout: revoke the caller's refresh tokens (signed in)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/auth/logout",
    operation_id="logOut",
    summary="Sign out everywhere",
    tags=["Auth"],
    responses={204: {"description": "Signed out"}, **rest.problems(401)},
)
def log_out() -> Response[None]:
    account_service().logout(rest.caller(app))
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
