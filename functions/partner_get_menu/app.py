"""GET /v1/partner/menu: a partner's (POS) view of its restaurant's whole menu, unavailable items included."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.catalog.models import MenuView
from waiter.compose import catalog_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.get(
    "/v1/partner/menu",
    operation_id="partnerGetMenu",
    summary="The key's restaurant's whole menu",
    tags=["Partners"],
    responses={**rest.success("The menu, unavailable items included"), **rest.problems(401, 403, 404)},
)
def partner_get_menu() -> Response[MenuView]:
    return rest.ok(catalog_service().partner_menu(rest.caller(app)))


lambda_handler = rest.entrypoint(app)
