"""POST /v1/restaurants/{restaurantId}/staff: an admin makes a user staff of a restaurant."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from waiter.accounts.models import StaffAssign, StaffMember
from waiter.adapters import rest
from waiter.compose import account_service

app = APIGatewayRestResolver(enable_validation=True, cors=rest.CORS, json_body_deserializer=rest.json_body)
rest.install(app)


@app.post(
    "/v1/restaurants/<restaurantId>/staff",
    operation_id="assignStaff",
    summary="Assign staff",
    tags=["Staff"],
    responses={**rest.created("The membership", ids={"userId": "/userId"}), **rest.problems(401, 403, 404)},
)
def assign_staff(
    restaurantId: str,  # noqa: N803 - path names are the API's
    data: Annotated[StaffAssign, Body()],
) -> Response[StaffMember]:
    member = account_service().assign_staff(rest.caller(app), restaurantId, data.email)
    return rest.ok(member, status=201, location=f"/v1/restaurants/{restaurantId}/staff/{member.user_id}")


lambda_handler = rest.entrypoint(app)
