"""PUT /v1/partner/availability: a partner (POS) pauses or resumes its restaurant's incoming orders."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.adapters import rest
from waiter.catalog.availability import AvailabilityChange, RestaurantAvailability
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.put(
    "/v1/partner/availability",
    operation_id="partnerSetAvailability",
    summary="Pause or resume the key's restaurant's incoming orders",
    tags=["Partners"],
    responses={**rest.success("Whether the restaurant takes orders now"), **rest.problems(401, 403, 409, 413)},
)
def partner_set_availability(change: Annotated[AvailabilityChange, Body()]) -> Response[RestaurantAvailability]:
    caller = rest.caller(app)
    return rest.ok(catalog_service().set_availability(caller, rest.partner_restaurant(caller), change))


lambda_handler = rest.entrypoint(app)
