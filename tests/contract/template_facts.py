"""What the contract tests read from template.yaml, samconfig.toml, events/ and the handlers, in one place."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from local.template import ROOT, api_routes, load_template, resources_of_type
from tests.contract.access import NONE, Route
from tests.support import load_function

EVENTS = ROOT / "events"
API = "Api"  # the one REST API's logical id

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def functions() -> dict[str, dict[str, Any]]:
    """The template's functions by logical id."""
    return resources_of_type("AWS::Serverless::Function")


def api_functions() -> set[str]:
    """The functions API Gateway calls as an integration: those with at least one Api event."""
    return {
        logical_id
        for logical_id, function in functions().items()
        if any(e.get("Type") == "Api" for e in (function["Properties"].get("Events") or {}).values())
    }


EVENT_SOURCE_TYPES = ("DynamoDB", "SQS", "ScheduleV2")  # how the event-driven functions are invoked


def event_source_functions() -> dict[str, set[str]]:
    """The functions an event source invokes (the table's stream, a queue, a schedule), with their event types."""
    found: dict[str, set[str]] = {}
    for logical_id, function in functions().items():
        kinds = {str(e.get("Type")) for e in (function["Properties"].get("Events") or {}).values()}
        if kinds & set(EVENT_SOURCE_TYPES):
            found[logical_id] = kinds
    return found


def websocket_routes() -> dict[str, str]:
    """The WebSocket API's route keys (``$connect``, ``subscribe``, ...), with the function each integrates."""
    integrations = resources_of_type("AWS::ApiGatewayV2::Integration")
    routes: dict[str, str] = {}
    for route in resources_of_type("AWS::ApiGatewayV2::Route").values():
        target = str(route["Properties"]["Target"]["Fn::Sub"])
        integration = integrations[target.removeprefix("integrations/${").removesuffix("}")]
        routes[str(route["Properties"]["RouteKey"])] = _function_in(integration["Properties"]["IntegrationUri"])
    return routes


def websocket_authorizer_functions() -> dict[str, str]:
    """The WebSocket API's Lambda authorizers: {function: authorizer logical id}."""
    return {
        _function_in(a["Properties"]["AuthorizerUri"]): logical_id
        for logical_id, a in resources_of_type("AWS::ApiGatewayV2::Authorizer").items()
    }


def _function_in(uri: Any) -> str:
    """The function whose ``${X.Arn}`` an ``.../functions/${X.Arn}/invocations`` URI names."""
    found = re.search(r"functions/\$\{(\w+)\.Arn\}/invocations", str(uri["Fn::Sub"]))
    assert found, f"{uri} does not invoke a function of the template"
    return found.group(1)


def websocket_functions() -> set[str]:
    """Every function the WebSocket API invokes (routes and authorizer)."""
    return set(websocket_routes().values()) | set(websocket_authorizer_functions())


def api_auth() -> dict[str, Any]:
    """The ``Auth`` property of the REST API (default authorizer, authorizers, usage plan)."""
    auth: dict[str, Any] = template()["Resources"][API]["Properties"].get("Auth") or {}
    return auth


def authorizer_functions() -> dict[str, str]:
    """The functions the API runs as Lambda authorizers, with the authorizer's name: ``{logical id: authorizer}``."""
    found: dict[str, str] = {}
    for name, spec in (api_auth().get("Authorizers") or {}).items():
        function = get_att(spec.get("FunctionArn"))
        if function is not None:
            found[function] = str(name)
    return found


@dataclass(frozen=True)
class RouteAuth:
    authorizer: str  # an authorizer of the API, or NONE
    api_key_required: bool


def route_auth() -> dict[Route, RouteAuth]:
    """Each route's effective authorization as SAM reads the template: the event's ``Auth`` over the API's."""
    auth = api_auth()
    default = RouteAuth(str(auth.get("DefaultAuthorizer", NONE)), bool(auth.get("ApiKeyRequired", False)))
    found: dict[Route, RouteAuth] = {}
    for function in functions().values():
        for event in (function["Properties"].get("Events") or {}).values():
            if event.get("Type") != "Api":
                continue
            props = event["Properties"]
            own = props.get("Auth") or {}
            route = (str(props["Method"]).upper(), str(props["Path"]))
            found[route] = RouteAuth(
                str(own.get("Authorizer", default.authorizer)),
                bool(own.get("ApiKeyRequired", default.api_key_required)),
            )
    return found


def table_indexes(logical_id: str = "Table") -> list[str]:
    """The names of the table's global secondary indexes, in template order."""
    props = template()["Resources"][logical_id]["Properties"]
    return [str(g["IndexName"]) for g in props.get("GlobalSecondaryIndexes", [])]


def function_dir(logical_id: str) -> str:
    """The directory under functions/ holding a function's app.py (what tests.support.load_function takes)."""
    code_uri = str(functions()[logical_id]["Properties"]["CodeUri"])
    return Path(code_uri).name


def template_routes() -> dict[Route, str]:
    """Every (METHOD, path) the API declares, with the function it is wired to."""
    routes: dict[Route, str] = {}
    for route in api_routes():
        key = (route.method, route.path)
        assert key not in routes, f"{key} is wired to both {routes[key]} and {route.function}"
        routes[key] = route.function
    return routes


def openapi_routes(path: Path = ROOT / "openapi.json") -> set[Route]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    return {(method.upper(), url) for url, item in spec["paths"].items() for method in item if method in HTTP_METHODS}


_POWERTOOLS_PARAM = re.compile(r"<(\w+)>")


def handler_routes(directory: str) -> set[Route]:
    """The routes a handler's resolver declares (Powertools writes ``<name>``, API Gateway ``{name}``)."""
    app = load_function(directory).app
    return {
        (str(route.method).upper(), _POWERTOOLS_PARAM.sub(r"{\1}", route.path))
        for route in [*app._static_routes, *app._dynamic_routes]
    }


def handler_schema_routes(directory: str) -> set[Route]:
    """The routes a handler documents in its own OpenAPI schema."""
    schema = load_function(directory).app.get_openapi_schema()
    return {
        (method.upper(), url)
        for url, item in (schema.paths or {}).items()
        for method in HTTP_METHODS
        if getattr(item, method, None) is not None
    }


@dataclass(frozen=True)
class EventFile:
    path: Path
    function: str  # the logical id the file is named after
    case: str | None  # "anonymous" in CreateRestaurantFunction-anonymous.json; None for the main event

    @property
    def name(self) -> str:
        return self.path.name

    def load(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return event


def event_files() -> list[EventFile]:
    files = []
    for path in sorted(EVENTS.glob("*.json")):
        function, _, case = path.stem.partition("-")
        files.append(EventFile(path, function, case or None))
    return files


@cache
def template() -> dict[str, Any]:
    return load_template()


def get_att(value: Any) -> str | None:
    """``Table`` for ``!GetAtt Table.Arn`` (either spelling), else None."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        logical_id = target[0] if isinstance(target, list) else str(target).split(".")[0]
        return str(logical_id)
    return None


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ---- intrinsic functions ------------------------------------------------------------------------------------------

NO_VALUE = object()  # what ``!Ref AWS::NoValue`` leaves: the property or list element disappears
PSEUDO_PARAMETERS = {"AWS::Region": "us-east-1", "AWS::Partition": "aws", "AWS::AccountId": "123456789012"}


def parameter_values(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The template's parameters as CloudFormation hands them out (strings): defaults, then ``overrides``."""
    values = {
        name: ",".join(map(str, spec["Default"])) if isinstance(spec["Default"], list) else str(spec["Default"])
        for name, spec in template().get("Parameters", {}).items()
        if "Default" in spec
    }
    unknown = set(overrides or {}) - set(template().get("Parameters", {}))
    assert not unknown, f"no such parameters: {unknown}"
    return {**values, **(overrides or {})}


def condition_values(parameters: dict[str, str]) -> dict[str, bool]:
    """Every condition of the template evaluated for ``parameters``."""
    definitions: dict[str, Any] = template().get("Conditions", {})
    values: dict[str, bool] = {}

    def evaluate(expression: Any) -> Any:
        if not (isinstance(expression, dict) and len(expression) == 1):
            return expression
        [(function, argument)] = expression.items()
        operations: dict[str, Any] = {
            "Ref": lambda: parameters.get(argument, PSEUDO_PARAMETERS.get(argument)),
            "Condition": lambda: condition(argument),
            "Fn::Equals": lambda: evaluate(argument[0]) == evaluate(argument[1]),
            "Fn::Not": lambda: not evaluate(argument[0]),
            "Fn::And": lambda: all(evaluate(a) for a in argument),
            "Fn::Or": lambda: any(evaluate(a) for a in argument),
        }
        return operations[function]()

    def condition(name: str) -> bool:
        if name not in values:
            values[name] = bool(evaluate(definitions[name]))
        return values[name]

    for name in definitions:
        condition(name)
    return values


def select(value: Any, conditions: dict[str, bool]) -> Any:
    """``value`` with every ``Fn::If`` decided by ``conditions`` and every ``AWS::NoValue`` removed; references
    to resources and parameters are left as they are."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            return select(when_true if conditions[name] else when_false, conditions)
        if value == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        chosen = {k: select(v, conditions) for k, v in value.items()}
        return {k: v for k, v in chosen.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [v for v in (select(item, conditions) for item in value) if v is not NO_VALUE]
    return value


PLACEHOLDER = re.compile(r"\$\{([^}!]+)\}")


def placeholder(value: Any) -> str:
    """A resource reference written the way ``Fn::Sub`` writes it: ``${Table.Arn}`` for ``!GetAtt Table.Arn``,
    ``${UserPool}`` for ``!Ref UserPool``; a ``!Sub`` string as it is; plain strings unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Fn::GetAtt":
            target = argument if isinstance(argument, str) else ".".join(argument)
            return "${" + target + "}"
        if function == "Ref":
            return "${" + str(argument) + "}"
        if function == "Fn::Sub" and isinstance(argument, str):
            return argument
    raise AssertionError(f"cannot read {value!r} as a resource reference")


def substitute(text: str, refs: dict[str, str]) -> str:
    """``text`` (a placeholder string) with every ``${Name}`` / ``${Name.Attr}`` replaced from ``refs``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in refs, f"nothing stands for ${{{name}}} (in {text!r})"
        return refs[name]

    return PLACEHOLDER.sub(replace, text)


def resolve(value: Any, refs: dict[str, str], conditions: dict[str, bool]) -> Any:
    """``value`` with conditions decided and ``Ref`` / ``Fn::GetAtt`` / ``Fn::Sub`` replaced from ``refs``."""
    value = select(value, conditions)
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Sub"):
            return substitute(placeholder(value), refs)
        return {k: resolve(v, refs, conditions) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, refs, conditions) for v in value]
    return value


def function_environment(logical_id: str) -> dict[str, Any]:
    """The environment variables a function declares itself (on top of ``Globals``), as written."""
    environment = functions()[logical_id]["Properties"].get("Environment") or {}
    variables: dict[str, Any] = environment.get("Variables") or {}
    return variables


@cache
def translated() -> dict[str, Any]:
    """The template as SAM transforms it into plain CloudFormation (what `sam deploy` creates), code locations
    replaced by placeholders: how SAM reads the Auth settings is SAM's business, not the tests'."""
    from samtranslator.translator.transform import transform  # deferred: only the SAM tests pay for it

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    source = copy.deepcopy(template())
    for resource in source["Resources"].values():
        props = resource.get("Properties") or {}
        for uri in ("CodeUri", "ContentUri"):
            if uri in props:
                props[uri] = "s3://placeholder/code.zip"
    result: dict[str, Any] = transform(source, dict(PSEUDO_PARAMETERS), NoManagedPolicies())
    return result
