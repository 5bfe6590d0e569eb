"""The local cloud: an embedded moto server on loopback and local stand-ins for the resources template.yaml declares.

Each resource type the handlers talk to has a *provisioner* that creates it in moto and reports its ``Ref`` and
``Fn::GetAtt`` values (a DynamoDB table from ``local.template.table_definition``, a Secrets Manager secret with a
random per-run value). Every other type gets plausible placeholder values, enough to resolve an environment.
Supporting a new type (a Cognito user pool, an SQS queue) means adding one function to ``PROVISIONERS``.
Resources are provisioned in dependency order, so a provisioner may resolve references to earlier ones.
"""

from __future__ import annotations

import graphlib
import itertools
import json
import logging
import secrets
import string
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from local import template as tpl
from local.gateway.intrinsics import ACCOUNT_ID, REGION, SUB_VARIABLE, Resolver, UnresolvableError, pseudo_parameters

log = logging.getLogger("local.gateway")

# Dummy credentials: moto accepts any; real ones must never be picked up from the developer's machine.
CREDENTIALS: Mapping[str, str] = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}


@dataclass
class Provisioned:
    """A resource's local identity: what ``Ref`` returns and its ``Fn::GetAtt`` attributes."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)
    secret_string: str | None = None  # for secrets: the value ``{{resolve:secretsmanager:...}}`` yields


class MotoServer:
    """moto's threaded server on 127.0.0.1 with a free port: the AWS endpoint of every local handler."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        # werkzeug logs every request moto serves; the gateway's own log line per request is enough.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()


STACK_NAME = "waiter-local"
_stacks_started = itertools.count(1)


def _next_stack_name() -> str:
    """``waiter-local``, then ``waiter-local-2``...: moto servers in one process share one state, so a second
    stack (tests start several) must not collide with the first one's resource names."""
    number = next(_stacks_started)
    return STACK_NAME if number == 1 else f"{STACK_NAME}-{number}"


@dataclass
class Stack:
    """The template's resources, provisioned into a moto server, and a resolver for intrinsics that refer to them."""

    template: dict[str, Any]
    endpoint_url: str
    parameters: dict[str, str]
    name: str = field(default_factory=_next_stack_name)
    provisioned: dict[str, Provisioned] = field(default_factory=dict)

    @property
    def aws_environment(self) -> dict[str, str]:
        """What makes boto3 inside a handler talk to moto: endpoint, dummy credentials and region."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, **CREDENTIALS}

    def client(self, service: str) -> Any:
        return _client(service, self.endpoint_url)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(
            parameters={**pseudo_parameters(self.name), **self.parameters},
            conditions=self.template.get("Conditions") or {},
            ref=self._ref,
            get_att=self._get_att,
            dynamic=self._dynamic_reference,
        )

    def physical_name(self, logical_id: str) -> str:
        return f"{self.name}-{logical_id}"

    def provision(self) -> None:
        """Create every resource whose ``Condition`` holds, in dependency order (after those it refers to).

        Placeholders depend on nothing, so only resources that are really created are ordered (SAM templates can
        hold reference cycles among the rest, such as an API and the functions it integrates).
        """
        resources: dict[str, Any] = {
            name: res
            for name, res in (self.template.get("Resources") or {}).items()
            if "Condition" not in res or self.resolver.condition(str(res["Condition"]))
        }
        graph = {
            name: _references(res.get("Properties"), resources) if res.get("Type") in PROVISIONERS else set()
            for name, res in resources.items()
        }
        for logical_id in graphlib.TopologicalSorter(graph).static_order():
            resource = resources[logical_id]
            provisioner = PROVISIONERS.get(str(resource.get("Type")), placeholder)
            self.provisioned[logical_id] = provisioner(self, logical_id, resource)

    # ---- look-ups for the resolver -----------------------------------------------------------------------------

    def _ref(self, logical_id: str) -> str:
        return self._resource(logical_id).ref

    def _get_att(self, logical_id: str, attribute: str) -> str:
        resource = self._resource(logical_id)
        return resource.attributes.get(attribute) or f"{resource.ref}.{attribute}"

    def _resource(self, logical_id: str) -> Provisioned:
        """A provisioned resource, or a placeholder for one SAM generates from a serverless resource (``Api`` ->
        ``ApiUsagePlan``, ``ApiDeployment``; ``XFunction`` -> ``XFunctionRole``), which templates may refer to."""
        if logical_id not in self.provisioned:
            kind = _sam_generated_type(logical_id, self.template.get("Resources") or {})
            if kind is None:
                raise UnresolvableError(f"{logical_id} is neither a parameter nor a resource of the template")
            self.provisioned[logical_id] = placeholder(self, logical_id, {"Type": kind})
        return self.provisioned[logical_id]

    def _dynamic_reference(self, service: str, reference: str) -> str:
        """``{{resolve:secretsmanager:<id>:SecretString[:<json-key>]}}`` and ``{{resolve:ssm:<name>}}``."""
        if service == "secretsmanager":
            secret_id, _, rest = reference.partition(":SecretString")
            value = self._secret_string(secret_id)
            json_key = rest.removeprefix(":").split(":", 1)[0]
            return str(json.loads(value)[json_key]) if json_key else value
        if service == "ssm":
            answer = self.client("ssm").get_parameter(Name=reference.split(":", 1)[0], WithDecryption=True)
            return str(answer["Parameter"]["Value"])
        raise UnresolvableError(f"dynamic reference {{{{resolve:{service}:...}}}} is not supported locally")

    def _secret_string(self, secret_id: str) -> str:
        for resource in self.provisioned.values():
            if resource.secret_string is not None and secret_id in (resource.ref, resource.attributes.get("Name")):
                return resource.secret_string
        return str(self.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])


def start_stack(template_path: Path, parameters: Mapping[str, str] | None = None) -> tuple[MotoServer, Stack]:
    """Start moto and provision the template's resources into it."""
    template = tpl.load_template(template_path)
    server = MotoServer()
    try:
        stack = Stack(template, server.endpoint_url, {**tpl.parameter_defaults(template), **(parameters or {})})
        stack.provision()
    except BaseException:
        server.stop()
        raise
    return server, stack


@cache
def _client(service: str, endpoint_url: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    ).client(service, endpoint_url=endpoint_url)  # type: ignore[call-overload]


_SAM_GENERATED_TYPES = {
    "UsagePlanKey": "AWS::ApiGateway::UsagePlanKey",
    "UsagePlan": "AWS::ApiGateway::UsagePlan",
    "ApiKey": "AWS::ApiGateway::ApiKey",
    "Deployment": "AWS::ApiGateway::Deployment",
    "Stage": "AWS::ApiGateway::Stage",
    "Role": "AWS::IAM::Role",
}


def _sam_generated_type(logical_id: str, resources: Mapping[str, Any]) -> str | None:
    """The type of the resource SAM generates under ``logical_id``, if a serverless resource is its prefix."""
    serverless = [name for name, res in resources.items() if str(res.get("Type", "")).startswith("AWS::Serverless::")]
    if not any(logical_id.startswith(name) and logical_id != name for name in serverless):
        return None
    suffix = next((s for s in _SAM_GENERATED_TYPES if logical_id.endswith(s)), None)
    return _SAM_GENERATED_TYPES[suffix] if suffix else "AWS::CloudFormation::CustomResource"


def _references(value: Any, resources: Mapping[str, Any]) -> set[str]:
    """The resources ``value`` refers to (``Ref``, ``Fn::GetAtt``, ``${...}`` in ``Fn::Sub``)."""
    return {name for name in _referenced_names(value) if name in resources}


def _referenced_names(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref":
                yield str(argument)
            elif key == "Fn::GetAtt":
                yield str(argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0])
            elif key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                yield from (m.split(".", 1)[0] for m in _sub_names(str(text)))
            yield from _referenced_names(argument)
    elif isinstance(value, list):
        for item in value:
            yield from _referenced_names(item)


def _sub_names(text: str) -> list[str]:
    return SUB_VARIABLE.findall(text)


# ---- provisioners -------------------------------------------------------------------------------------------

Provisioner = Callable[[Stack, str, dict[str, Any]], Provisioned]


def provision_table(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:  # noqa: ARG001
    """A DynamoDB table shaped exactly as the template declares it: keys, indexes, stream, TTL."""
    name = stack.physical_name(logical_id)
    client = stack.client("dynamodb")
    created = client.create_table(TableName=name, **tpl.table_definition(logical_id, stack.template))
    ttl = tpl.ttl_attribute(logical_id, stack.template)
    if ttl:
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl})
    description = created["TableDescription"]
    attributes = {"Arn": description["TableArn"]}
    if description.get("LatestStreamArn"):
        attributes["StreamArn"] = description["LatestStreamArn"]
    return Provisioned(ref=name, attributes=attributes)


def provision_secret(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """A secret with a random value per run (or the literal ``SecretString``), stored in moto's Secrets Manager."""
    props = stack.resolver.resolve(resource.get("Properties") or {})
    value = props.get("SecretString") or _generated_secret(props.get("GenerateSecretString") or {})
    name = str(props.get("Name") or stack.physical_name(logical_id))
    arn = str(stack.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"])
    return Provisioned(ref=arn, attributes={"Id": arn, "Name": name}, secret_string=value)


def _generated_secret(spec: Mapping[str, Any]) -> str:
    """A value shaped by ``GenerateSecretString`` (length, excluded characters, optional JSON template)."""
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?[]^_{|}~"
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    alphabet = "".join(c for c in alphabet if c not in excluded)
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "GenerateStringKey" in spec:
        document = json.loads(str(spec.get("SecretStringTemplate", "{}")))
        return json.dumps({**document, str(spec["GenerateStringKey"]): password})
    return password


def placeholder(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """Plausible ``Ref``/``GetAtt`` values for a resource nothing local needs to exist (a KMS key, a log group)."""
    kind = str(resource.get("Type", ""))
    name = stack.physical_name(logical_id)
    service = kind.split("::")[1].lower() if kind.count("::") >= 2 else "cloudformation"
    if kind == "AWS::Serverless::Function":
        name, service = logical_id, "lambda"
    ref = {
        "AWS::KMS::Key": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        "AWS::Serverless::Api": "local",
        "AWS::Serverless::LayerVersion": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:layer:{name}:1",
    }.get(kind, name)
    resource_path = {"lambda": f"function:{name}", "kms": f"key/{ref}", "logs": f"log-group:{name}"}.get(
        service, f"{logical_id.lower()}/{name}"
    )
    return Provisioned(ref=ref, attributes={"Arn": f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource_path}"})


PROVISIONERS: dict[str, Provisioner] = {
    "AWS::DynamoDB::Table": provision_table,
    "AWS::SecretsManager::Secret": provision_secret,
}
