"""GET /v1/me/export: everything Waiter holds about the caller, as one JSON document (signed in)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.accounts.privacy import PersonalDataExport
from waiter.adapters import rest
from waiter.compose import personal_data_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/me/export",
    operation_id="exportMyData",
    summary="Export my data",
    tags=["Auth"],
    responses={
        **rest.success("My profile, carts, orders with their history and the discount codes I used"),
        **rest.problems(401),
    },
)
def export_my_data() -> Response[PersonalDataExport]:
    return rest.ok(personal_data_service().export(rest.caller(app)))


lambda_handler = rest.entrypoint(app)
