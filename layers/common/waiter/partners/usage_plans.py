"""API Gateway usage plans: each partner key gets an API Gateway API key whose value is the key's usage
identifier (not its secret), attached to the API's usage plan; the authorizer returns that identifier so
API Gateway meters rate, burst and daily quota per key."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient


@cache
def apigateway_client() -> APIGatewayClient:
    from waiter.aws import client  # noqa: PLC0415 - deferred: only key management pays for it

    return cast("APIGatewayClient", client("apigateway"))


class ApiGatewayUsagePlans:
    def __init__(self, usage_plan_id: str, client: APIGatewayClient | None = None) -> None:
        self._plan = usage_plan_id
        self._client = client

    @property
    def client(self) -> APIGatewayClient:
        return self._client or apigateway_client()

    def register(self, usage_key: str, name: str) -> str:
        key = self.client.create_api_key(name=name, value=usage_key, enabled=True)
        self.client.create_usage_plan_key(usagePlanId=self._plan, keyId=key["id"], keyType="API_KEY")
        return key["id"]

    def unregister(self, usage_key_id: str) -> None:
        self.client.delete_api_key(apiKey=usage_key_id)
