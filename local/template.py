"""Read template.yaml: the single source of truth for tables, functions, routes and their environment.

The local gateway and the tests derive everything from here, so nothing the template declares is restated in code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as plain data, short-form tags (``!Ref``, ``!Sub``) decoded to their long form."""
    from cfnlint.decode import decode_str

    template, problems = decode_str(path.read_text(encoding="utf-8"))
    if problems or template is None:
        raise ValueError(f"{path} does not parse: {problems}")
    return dict(template)


def resources_of_type(kind: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    template = template or load_template()
    return {name: res for name, res in template.get("Resources", {}).items() if res.get("Type") == kind}


def table_definition(logical_id: str = "Table", template: dict[str, Any] | None = None) -> dict[str, Any]:
    """``create_table`` arguments for a table the template declares: keys, indexes, billing and stream."""
    props = resources_of_type("AWS::DynamoDB::Table", template)[logical_id]["Properties"]
    kwargs: dict[str, Any] = {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = [
            {"IndexName": g["IndexName"], "KeySchema": g["KeySchema"], "Projection": g["Projection"]}
            for g in props["GlobalSecondaryIndexes"]
        ]
    stream = props.get("StreamSpecification")
    if stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return kwargs


def ttl_attribute(logical_id: str = "Table", template: dict[str, Any] | None = None) -> str | None:
    props = resources_of_type("AWS::DynamoDB::Table", template)[logical_id]["Properties"]
    spec = props.get("TimeToLiveSpecification") or {}
    return str(spec["AttributeName"]) if spec.get("Enabled") else None


IMPLICIT_API = "ServerlessRestApi"  # the logical id SAM gives the API of Api events without a RestApiId


@dataclass(frozen=True)
class ApiRoute:
    """One Api event of a function: the route API Gateway sends to it."""

    function: str
    method: str
    path: str
    code_uri: Path
    handler: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    api: str = IMPLICIT_API
    event: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def api_routes(template: dict[str, Any] | None = None, root: Path = ROOT) -> list[ApiRoute]:
    """Every (function, method, path) the REST API declares, from each function's ``Api`` events.

    ``root`` is the directory ``CodeUri`` is relative to (the template's own directory).
    """
    template = template or load_template()
    routes = []
    for name, res in resources_of_type("AWS::Serverless::Function", template).items():
        props = function_properties(name, template)
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "Api":
                continue
            ev = event["Properties"]
            routes.append(
                ApiRoute(
                    function=name,
                    method=str(ev["Method"]).upper(),
                    path=str(ev["Path"]),
                    code_uri=root / str(props["CodeUri"]),
                    handler=str(props["Handler"]),
                    properties=res.get("Properties", {}),
                    api=_ref_target(ev.get("RestApiId")) or IMPLICIT_API,
                    event=dict(ev),
                )
            )
    return sorted(routes, key=lambda r: (r.path, r.method))


def _ref_target(value: Any) -> str | None:
    """The logical id in ``{"Ref": id}``; None for anything else."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return str(value["Ref"])
    return None


def function_properties(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """A serverless function's properties with the template's ``Globals`` merged in, exactly as SAM merges them."""
    return _with_globals("AWS::Serverless::Function", logical_id, template or load_template())


def global_function_properties(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """``Globals.Function``: what every serverless function of the template shares (its environment, limits)."""
    return _merge_globals(template or load_template(), "AWS::Serverless::Function", "", {})


def api_properties(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ``AWS::Serverless::Api``'s properties with ``Globals.Api`` merged in; only globals for the implicit API."""
    template = template or load_template()
    if logical_id not in template.get("Resources", {}):
        return _merge_globals(template, "AWS::Serverless::Api", logical_id, {})
    return _with_globals("AWS::Serverless::Api", logical_id, template)


def _with_globals(kind: str, logical_id: str, template: dict[str, Any]) -> dict[str, Any]:
    resource = template["Resources"][logical_id]
    return _merge_globals(template, kind, logical_id, resource.get("Properties") or {}, resource.get("IgnoreGlobals"))


def _merge_globals(
    template: dict[str, Any], kind: str, logical_id: str, properties: dict[str, Any], ignore: Any = None
) -> dict[str, Any]:
    # SAM's own merge (dicts deep-merged, lists concatenated, Architectures replaced): not re-implemented here.
    merged = _sam_globals(template).merge(kind, copy.deepcopy(properties), logical_id, ignore)
    return dict(merged)


_GLOBALS: dict[int, tuple[dict[str, Any], Any]] = {}


def _sam_globals(template: dict[str, Any]) -> Any:
    """SAM's parsed ``Globals`` of ``template``, parsed once per template object (templates are cached too)."""
    from samtranslator.plugins.globals.globals import Globals

    cached = _GLOBALS.get(id(template))
    if cached is None or cached[0] is not template:
        cached = _GLOBALS[id(template)] = (template, Globals(template))
    return cached[1]


def api_cors(logical_id: str, methods: list[str], template: dict[str, Any] | None = None) -> dict[str, str] | None:
    """The headers of the preflight (OPTIONS) answer SAM generates for an API's ``Cors`` property, or None.

    ``methods`` are the methods declared on the path: SAM allows those (plus OPTIONS) when ``AllowMethods`` is unset.
    Values in the template are quoted string literals (``"'*'"``), as API Gateway's mapping expects.
    """
    cors = api_properties(logical_id, template).get("Cors")
    if not cors:
        return None
    if isinstance(cors, str):
        cors = {"AllowOrigin": cors}
    allowed = sorted({*methods, "OPTIONS"})
    headers = {
        "Access-Control-Allow-Origin": _unquote(cors.get("AllowOrigin", "'*'")),
        "Access-Control-Allow-Methods": _unquote(cors.get("AllowMethods", "'" + ",".join(allowed) + "'")),
    }
    if "AllowHeaders" in cors:
        headers["Access-Control-Allow-Headers"] = _unquote(cors["AllowHeaders"])
    if "MaxAge" in cors:
        headers["Access-Control-Max-Age"] = _unquote(str(cors["MaxAge"]))
    if cors.get("AllowCredentials") in (True, "true", "True"):
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def gateway_responses(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """An API's ``GatewayResponses`` by response type (``DEFAULT_4XX``, ``MISSING_AUTHENTICATION_TOKEN``...):
    ``{"StatusCode": ..., "Headers": {name: value}, "Templates": {content type: body template}}`` with the header
    values unquoted and the body templates as written (``$context`` variables not yet substituted)."""
    responses = api_properties(logical_id, template).get("GatewayResponses") or {}
    return {
        str(kind): {
            **({"StatusCode": int(spec["StatusCode"])} if "StatusCode" in spec else {}),
            "Headers": {
                str(name): _unquote(str(value))
                for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()
            },
            "Templates": {str(media): str(body) for media, body in (spec.get("ResponseTemplates") or {}).items()},
        }
        for kind, spec in responses.items()
    }


def _unquote(value: str) -> str:
    """``'*'`` -> ``*``: CORS values are written as API Gateway mapping literals.

    >>> _unquote("'GET,POST'")
    'GET,POST'
    """
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == "'" else value


def parameter_defaults(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Each template parameter's default value, as a string (how CloudFormation hands parameters out)."""
    template = template or load_template()
    return {
        name: _parameter_text(spec["Default"])
        for name, spec in (template.get("Parameters") or {}).items()
        if "Default" in spec
    }


def _parameter_text(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


# ---- event sources ------------------------------------------------------------------------------------------

EVENT_SOURCE_TYPES = ("DynamoDB", "SQS", "ScheduleV2", "Schedule")


@dataclass(frozen=True)
class EventSource:
    """One event of a function that is not an API route: the table's stream (``DynamoDB``), a queue (``SQS``) or a
    schedule (``ScheduleV2``/``Schedule``), with its properties as written (references unresolved)."""

    function: str
    name: str  # the event's key under the function's Events
    kind: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def setting(self, name: str, default: Any = None) -> Any:
        return self.properties.get(name, default)


def event_sources(template: dict[str, Any] | None = None) -> list[EventSource]:
    """Every stream, queue and schedule event of the template's functions, in (function, event) order.

    >>> t = {"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "f/",
    ...     "Handler": "app.h", "Events": {"Q": {"Type": "SQS", "Properties": {"BatchSize": 5}}}}}}}
    >>> [(s.function, s.kind, s.setting("BatchSize")) for s in event_sources(t)]
    [('F', 'SQS', 5)]
    """
    template = template or load_template()
    found = []
    for name in sorted(resources_of_type("AWS::Serverless::Function", template)):
        props = function_properties(name, template)
        for event_name, event in sorted((props.get("Events") or {}).items()):
            if event.get("Type") in EVENT_SOURCE_TYPES:
                found.append(EventSource(name, event_name, str(event["Type"]), dict(event.get("Properties") or {})))
    return found
