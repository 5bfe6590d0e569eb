"""Read template.yaml: the single source of truth for tables, functions, routes and their environment.

The local gateway and the tests derive everything from here, so nothing the template declares is restated in code.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ApiRoute:
    """One Api event of a function: the route API Gateway sends to it."""

    function: str
    method: str
    path: str
    code_uri: Path
    handler: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def api_routes(template: dict[str, Any] | None = None) -> list[ApiRoute]:
    """Every (function, method, path) the REST API declares, from each function's ``Api`` events."""
    template = template or load_template()
    routes = []
    for name, res in resources_of_type("AWS::Serverless::Function", template).items():
        props = res.get("Properties", {})
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "Api":
                continue
            ev = event["Properties"]
            routes.append(
                ApiRoute(
                    function=name,
                    method=str(ev["Method"]).upper(),
                    path=str(ev["Path"]),
                    code_uri=ROOT / str(props["CodeUri"]),
                    handler=str(props["Handler"]),
                    properties=props,
                )
            )
    return sorted(routes, key=lambda r: (r.path, r.method))
