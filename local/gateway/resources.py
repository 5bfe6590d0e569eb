"""The local cloud: an embedded moto server on loopback and local stand-ins for the resources template.yaml declares.

Each resource type the handlers talk to has a *provisioner* that creates it in moto and reports its ``Ref`` and
``Fn::GetAtt`` values (a DynamoDB table from ``local.template.table_definition``, a Secrets Manager secret with a
random per-run value, a Cognito user pool with its app clients and groups, an API Gateway usage plan). Every other
type gets plausible placeholder values, enough to resolve an environment. Supporting a new type (an SQS queue)
means adding one function to ``PROVISIONERS``. Resources are provisioned in dependency order, so a provisioner may
resolve references to earlier ones. Resources SAM generates from a serverless one and that code talks to (the
usage plan of an ``Api`` with ``Auth.UsagePlan``) are provisioned as well, under the logical id SAM gives them.
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
    kind: str = ""  # the resource type
    properties: dict[str, Any] = field(default_factory=dict)  # resolved, for provisioned resources the gateway reads


class MotoServer:
    """moto's threaded server on 127.0.0.1 with a free port: the AWS endpoint of every local handler."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        from local.gateway import transactions

        transactions.install()  # transactions back up what they write, not the whole table

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
    # AWS endpoints served by the gateway itself, by URL prefix (a WebSocket API's Management API): a function
    # configured with such a URL is given the local one, so its code path is the one it takes on AWS.
    local_urls: dict[str, str] = field(default_factory=dict)

    @property
    def aws_environment(self) -> dict[str, str]:
        """What makes the AWS clients inside a handler talk to moto: endpoint, dummy credentials and region; and
        botocore's request validation on (Lambda skips it for DynamoDB), so a malformed request fails while
        developing."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "VALIDATE_AWS_REQUESTS": "true", **CREDENTIALS}

    def client(self, service: str) -> Any:
        return _client(service, self.endpoint_url)

    def localised(self, value: str) -> str:
        """``value`` with an AWS endpoint the gateway serves itself replaced by the local one.

        >>> stack = Stack({}, "http://127.0.0.1:5000", {}, local_urls={"https://a1.execute-api.x": "http://127.0.0.1:9"})
        >>> stack.localised("https://a1.execute-api.x/dev"), stack.localised("https://elsewhere")
        ('http://127.0.0.1:9/dev', 'https://elsewhere')
        """
        for prefix, local in self.local_urls.items():
            if value == prefix or value.startswith(prefix + "/"):
                return local + value[len(prefix) :]
        return value

    def jwks_url(self, pool_id: str) -> str | None:
        """Where moto serves the signing keys of a provisioned user pool (Cognito's own URL cannot reach it)."""
        pools = {p.ref for p in self.of_type("AWS::Cognito::UserPool").values()}
        return f"{self.endpoint_url}/{pool_id}/.well-known/jwks.json" if pool_id in pools else None

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
        declared = {**(self.template.get("Resources") or {}), **sam_generated_resources(self.template)}
        resources: dict[str, Any] = {
            name: res
            for name, res in declared.items()
            if "Condition" not in res or self.resolver.condition(str(res["Condition"]))
        }
        graph = {
            name: _references(res.get("Properties"), resources) if res.get("Type") in PROVISIONERS else set()
            for name, res in resources.items()
        }
        for logical_id in graphlib.TopologicalSorter(graph).static_order():
            resource = resources[logical_id]
            kind = str(resource.get("Type"))
            provisioned = PROVISIONERS.get(kind, placeholder)(self, logical_id, resource)
            provisioned.kind = kind
            self.provisioned[logical_id] = provisioned

    def of_type(self, kind: str) -> dict[str, Provisioned]:
        """The provisioned resources of type ``kind`` (generated ones included), by logical id."""
        return {name: res for name, res in self.provisioned.items() if res.kind == kind}

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


def aws_client(service: str, endpoint_url: str) -> Any:
    """A boto3 client of ``service`` at ``endpoint_url`` (moto) with the dummy credentials, one per process."""
    return _client(service, endpoint_url)


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


def sam_generated_resources(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Resources SAM generates that local code talks to, as SAM declares them: the usage plan of each
    ``AWS::Serverless::Api`` whose ``Auth.UsagePlan.CreateUsagePlan`` is ``PER_API`` (``<Api>UsagePlan``) or
    ``SHARED`` (one ``ServerlessUsagePlan`` for all such APIs). Its ``ApiStages`` name the API, so the gateway
    knows which plan meters which API.

    >>> api = {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "dev", "Auth": {"UsagePlan": {
    ...     "CreateUsagePlan": "PER_API", "Throttle": {"RateLimit": 5}}}}}
    >>> plan = sam_generated_resources({"Resources": {"Api": api}})["ApiUsagePlan"]
    >>> plan["Properties"]["Throttle"], plan["Properties"]["ApiStages"]
    ({'RateLimit': 5}, [{'ApiId': {'Ref': 'Api'}, 'Stage': 'dev'}])
    """
    generated: dict[str, dict[str, Any]] = {}
    for name, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Serverless::Api":
            continue
        props = resource.get("Properties") or {}
        plan = (props.get("Auth") or {}).get("UsagePlan") or {}
        mode = plan.get("CreateUsagePlan", "NONE")
        if mode not in ("PER_API", "SHARED"):
            continue
        stage = {"ApiId": {"Ref": name}, "Stage": props.get("StageName", "Prod")}
        logical_id = f"{name}UsagePlan" if mode == "PER_API" else "ServerlessUsagePlan"
        if logical_id in generated:  # SHARED: one plan, every API's stage on it
            generated[logical_id]["Properties"]["ApiStages"].append(stage)
            continue
        properties = {key: plan[key] for key in ("Description", "Quota", "Throttle", "Tags") if key in plan}
        if "UsagePlanName" in plan:
            properties["UsagePlanName"] = plan["UsagePlanName"]
        generated[logical_id] = {
            "Type": "AWS::ApiGateway::UsagePlan",
            "Properties": {**properties, "ApiStages": [stage]},
            **({"Condition": resource["Condition"]} if "Condition" in resource else {}),
        }
    return generated


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
        _share_stream_records(name)
    return Provisioned(ref=name, attributes=attributes)


class _SharedRecords(list[Any]):
    """A table's stream records, whose deep copy copies the list but shares the records (see
    ``_share_stream_records``)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedRecords:
        return _SharedRecords(self)


def _share_stream_records(table_name: str) -> None:
    """Keep moto's transactions as fast after ten thousand writes as after ten.

    Before each item of a ``TransactWriteItems`` moto backs up the whole table with ``copy.deepcopy``, and with a
    stream that includes every stream record written since the start: each transaction costs time in proportion to
    all the writes before it, and after a few thousand (a fuzz run, a long ``make dev`` session) a checkout or a
    restaurant update takes seconds, then runs past the function's timeout. Stream records are history that no
    write changes, so the backups share the records themselves and copy only the list of them: a rolled-back
    transaction's restored backup then holds the stream as it was, and its records never reach the stream's
    consumer (``local.gateway.streams``). moto's server runs in this process, so its backend is at hand.
    """
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends[ACCOUNT_ID][REGION].get_table(table_name).stream_shard
    if shard is not None:
        shard.items = _SharedRecords(shard.items)


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


def provision_user_pool(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """A Cognito user pool with the template's sign-in attributes, password policy and schema (custom attributes
    included). moto issues RS256 tokens for it and serves its JWKS at ``<endpoint>/<pool id>/.well-known/jwks.json``;
    password reset codes are printed in the log (``local.gateway.mailbox``).
    """
    from local.gateway import mailbox

    mailbox.install()  # reset codes as Cognito makes and checks them, printed in the log instead of e-mailed
    props = stack.resolver.resolve(resource.get("Properties") or {})
    props["PoolName"] = str(props.pop("UserPoolName", None) or stack.physical_name(logical_id))
    client = stack.client("cognito-idp")
    pool = client.create_user_pool(**api_arguments(client, "CreateUserPool", props, logical_id))["UserPool"]
    pool_id = str(pool["Id"])
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    return Provisioned(
        ref=pool_id,
        attributes={
            "Arn": str(pool["Arn"]),
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
            "UserPoolId": pool_id,
        },
        properties=props,
    )


def provision_user_pool_client(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """An app client of a pool: its auth flows, token validity, attribute permissions, user-existence errors."""
    props = stack.resolver.resolve(resource.get("Properties") or {})
    props.setdefault("ClientName", stack.physical_name(logical_id))
    client = stack.client("cognito-idp")
    created = client.create_user_pool_client(**api_arguments(client, "CreateUserPoolClient", props, logical_id))
    app = created["UserPoolClient"]
    attributes = {"ClientId": str(app["ClientId"]), "Name": str(app.get("ClientName", ""))}
    if app.get("ClientSecret"):
        attributes["ClientSecret"] = str(app["ClientSecret"])
    return Provisioned(ref=str(app["ClientId"]), attributes=attributes, properties=props)


def provision_user_pool_group(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """A group of a pool (its name reaches ID tokens as a ``cognito:groups`` entry)."""
    props = stack.resolver.resolve(resource.get("Properties") or {})
    props.setdefault("GroupName", stack.physical_name(logical_id))
    client = stack.client("cognito-idp")
    client.create_group(**api_arguments(client, "CreateGroup", props, logical_id))
    return Provisioned(ref=str(props["GroupName"]), properties=props)


def provision_usage_plan(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """An API Gateway usage plan with the template's throttle and quota, so code can attach API keys to it
    (``create_usage_plan_key``); the gateway meters the keys on it (``local.gateway.usage_plans``)."""
    props = stack.resolver.resolve(resource.get("Properties") or {})
    tags = props.get("Tags") or {}
    arguments: dict[str, Any] = {
        "name": str(props.get("UsagePlanName") or stack.physical_name(logical_id)),
        "description": str(props.get("Description", "")),
        "throttle": _lower_camel(props.get("Throttle") or {}),
        "quota": _lower_camel(props.get("Quota") or {}),
        "tags": {str(t["Key"]): str(t["Value"]) for t in tags} if isinstance(tags, list) else dict(tags),
    }
    client = stack.client("apigateway")
    plan = client.create_usage_plan(**api_arguments(client, "CreateUsagePlan", arguments, logical_id))
    return Provisioned(ref=str(plan["id"]), properties=props)


def provision_api_v2(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """An API Gateway v2 API (the WebSocket API) in moto, for an id shaped like a real one (``a1b2c3d4e5``); the
    gateway serves it (``local.gateway.websocket``)."""
    props = stack.resolver.resolve(resource.get("Properties") or {})
    protocol = str(props.get("ProtocolType", "WEBSOCKET"))
    created = stack.client("apigatewayv2").create_api(
        Name=str(props.get("Name") or stack.physical_name(logical_id)),
        ProtocolType=protocol,
        RouteSelectionExpression=str(props.get("RouteSelectionExpression", "$request.body.action")),
    )
    api_id = str(created["ApiId"])
    scheme = "wss" if protocol == "WEBSOCKET" else "https"
    endpoint = f"{scheme}://{api_id}.execute-api.{REGION}.amazonaws.com"
    return Provisioned(ref=api_id, attributes={"ApiId": api_id, "ApiEndpoint": endpoint}, properties=props)


def _lower_camel(values: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's ``RateLimit`` keys as API Gateway's ``rateLimit``.

    >>> _lower_camel({"RateLimit": 10, "BurstLimit": 20})
    {'rateLimit': 10, 'burstLimit': 20}
    """
    return {key[:1].lower() + key[1:]: value for key, value in values.items()}


def api_arguments(client: Any, operation: str, values: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
    """``values`` (a resource's resolved properties) as arguments of ``operation``: coerced to the API's types
    (template parameters arrive as strings: ``"10"`` for a number, ``"true"`` for a boolean); properties the API
    does not take (CloudFormation-only ones) are left out, with a warning."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    arguments = {}
    for name, value in values.items():
        if name in shape.members:
            arguments[name] = _coerce(shape.members[name], value)
        else:
            log.warning("%s: %s is not applied locally (%s does not take it)", logical_id, name, operation)
    return arguments


def _coerce(shape: Any, value: Any) -> Any:
    """``value`` converted to the botocore ``shape``'s type where CloudFormation's text form differs."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        return {k: _coerce(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_coerce(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, Mapping):
        return {str(k): _coerce(shape.value, v) for k, v in value.items()}
    convert = _SCALARS.get((kind, type(value)))
    return convert(value) if convert else value


_SCALARS: dict[tuple[str, type], Callable[[Any], Any]] = {
    ("integer", str): int,
    ("long", str): int,
    ("double", str): float,
    ("double", int): float,
    ("float", str): float,
    ("float", int): float,
    ("boolean", str): lambda v: v.lower() == "true",
    ("string", bool): lambda v: str(v).lower(),
    ("string", int): str,
    ("string", float): str,
}


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
    "AWS::Cognito::UserPool": provision_user_pool,
    "AWS::Cognito::UserPoolClient": provision_user_pool_client,
    "AWS::Cognito::UserPoolGroup": provision_user_pool_group,
    "AWS::ApiGateway::UsagePlan": provision_usage_plan,
    "AWS::ApiGatewayV2::Api": provision_api_v2,
}

# The event sources' resources (queues, the bus and its rules, the mail sender) have their provisioners beside the
# code that delivers from them.
from local.gateway import bus, mail, queues  # noqa: E402 - they build on the definitions above

PROVISIONERS.update({**queues.PROVISIONERS, **bus.PROVISIONERS, **mail.PROVISIONERS})
