"""Record the AWS calls a function makes, as the IAM actions and resource ARNs AWS authorizes them against.

The translation comes from botocore's own service models wherever they carry it: an operation marked
``noAuth`` (Cognito's SignUp, ConfirmSignUp, InitiateAuth...) is not authorized by IAM at all; API Gateway's IAM
action is ``apigateway:<HTTP method>`` on the operation's request URI. The rest follows the service
authorization references: DynamoDB authorizes a transaction item by item as the matching single-item action, and
a Query on an index against the index's ARN (``<table ARN>/index/<name>``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.contract.template_facts import PSEUDO_PARAMETERS

ACCOUNT = PSEUDO_PARAMETERS["AWS::AccountId"]  # moto's default account


@dataclass(frozen=True, order=True)
class Call:
    action: str  # the IAM action, e.g. "dynamodb:Query"
    resource: str  # the ARN IAM authorizes it on


# DynamoDB developer guide, "Using IAM with DynamoDB transactions": each item needs its single-item action.
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _dynamodb(region: str, operation: str, params: dict[str, Any]) -> list[Call]:
    def table(name: str, index: str | None = None) -> str:
        arn = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    if operation == "TransactWriteItems":
        return [
            Call(f"dynamodb:{_TRANSACT_ACTIONS[kind]}", table(spec["TableName"]))
            for entry in params.get("TransactItems", [])
            for kind, spec in entry.items()
        ]
    if operation == "TransactGetItems":
        return [Call("dynamodb:GetItem", table(e["Get"]["TableName"])) for e in params.get("TransactItems", [])]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Call(f"dynamodb:{operation}", table(name)) for name in params.get("RequestItems", {})]
    return [Call(f"dynamodb:{operation}", table(params["TableName"], params.get("IndexName")))]


def _cognito(region: str, operation: str, params: dict[str, Any]) -> list[Call]:
    return [Call(f"cognito-idp:{operation}", f"arn:aws:cognito-idp:{region}:{ACCOUNT}:userpool/{params['UserPoolId']}")]


def _apigateway(region: str, model: Any, params: dict[str, Any]) -> list[Call]:
    path = str(model.http["requestUri"]).split("?")[0]
    for name, member in model.input_shape.members.items():
        if member.serialization.get("location") == "uri":
            path = path.replace("{" + member.serialization.get("name", name) + "}", str(params[name]))
    return [Call(f"apigateway:{model.http['method']}", f"arn:aws:apigateway:{region}::{path}")]


def _events(region: str, operation: str, params: dict[str, Any]) -> list[Call]:
    # EventBridge authorizes PutEvents on each entry's bus
    if operation == "PutEvents":
        buses = {str(e.get("EventBusName", "default")) for e in params.get("Entries", [])}
        return [Call("events:PutEvents", f"arn:aws:events:{region}:{ACCOUNT}:event-bus/{bus}") for bus in buses]
    raise AssertionError(f"no IAM translation for events:{operation}")


def _ses(region: str, operation: str, params: dict[str, Any]) -> list[Call]:
    # SES authorizes sending on the identity the mail is sent as (the Source address)
    if operation in ("SendEmail", "SendRawEmail"):
        return [Call(f"ses:{operation}", f"arn:aws:ses:{region}:{ACCOUNT}:identity/{params['Source']}")]
    raise AssertionError(f"no IAM translation for ses:{operation}")


def _connections(region: str, endpoint_url: str, model: Any, params: dict[str, Any]) -> list[Call]:
    # the Management API authorizes execute-api:ManageConnections on <api>/<stage>/<METHOD>/@connections/<id>,
    # the API and stage being those of the endpoint (https://<api>.execute-api.<region>.amazonaws.com/<stage>)
    host, _, stage = endpoint_url.split("://", 1)[1].partition("/")
    api = host.split(".", 1)[0]
    method = model.http["method"]
    connection = params["ConnectionId"]
    resource = f"arn:aws:execute-api:{region}:{ACCOUNT}:{api}/{stage.strip('/')}/{method}/@connections/{connection}"
    return [Call("execute-api:ManageConnections", resource)]


@dataclass
class Recorder:
    """The IAM-authorized calls made while recording, and the operations IAM does not authorize (``noAuth``)."""

    calls: set[Call] = field(default_factory=set)
    unauthenticated: set[str] = field(default_factory=set)

    def on(self, service: str) -> set[Call]:
        return {c for c in self.calls if c.action.startswith(f"{service}:")}


@contextmanager
def recording(*clients: Any) -> Iterator[Recorder]:
    """Record every call made through ``clients`` (boto3 clients) until the block ends."""
    recorder = Recorder()
    registered = []
    for client in clients:
        region = client.meta.region_name
        service = client.meta.service_model.service_name

        def record(
            params: dict[str, Any],
            model: Any,
            region: str = region,
            service: str = service,
            endpoint_url: str = client.meta.endpoint_url,
            **_: Any,
        ) -> None:
            if getattr(model, "auth_type", None) == "none":
                recorder.unauthenticated.add(f"{service}:{model.name}")
            elif service == "dynamodb":
                recorder.calls.update(_dynamodb(region, model.name, params))
            elif service == "cognito-idp":
                recorder.calls.update(_cognito(region, model.name, params))
            elif service == "apigateway":
                recorder.calls.update(_apigateway(region, model, params))
            elif service == "events":
                recorder.calls.update(_events(region, model.name, params))
            elif service == "ses":
                recorder.calls.update(_ses(region, model.name, params))
            elif service == "apigatewaymanagementapi":
                recorder.calls.update(_connections(region, endpoint_url, model, params))
            else:
                raise AssertionError(f"no IAM translation for {service}:{model.name}")

        event = f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}"
        unique_id = f"contract-recorder-{service}"
        client.meta.events.register(event, record, unique_id=unique_id)
        registered.append((client, event, unique_id))
    try:
        yield recorder
    finally:
        for client, event, unique_id in registered:
            client.meta.events.unregister(event, unique_id=unique_id)
