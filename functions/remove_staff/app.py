"""DELETE /v1/restaurants/{restaurantId}/staff/{userId}: an admin removes a member of staff."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.delete(
    "/v1/restaurants/<restaurantId>/staff/<userId>",
    operation_id="removeStaff",
    summary="Remove staff",
    tags=["Staff"],
    responses={204: {"description": "Removed"}, **rest.problems(401, 403, 404)},
)
def remove_staff(restaurantId: str, userId: str) -> Response[None]:  # noqa: N803 - path names are the API's
    account_service().remove_staff(rest.caller(app), restaurantId, userId)
    return rest.no_content()


lambda_handler = rest.entrypoint(app)
