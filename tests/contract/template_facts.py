"""What the contract tests read from template.yaml, samconfig.toml, events/ and the handlers, in one place."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from local.template import ROOT, api_routes, load_template, resources_of_type
from tests.support import load_function

EVENTS = ROOT / "events"
Route = tuple[str, str]  # (METHOD, /path/{param})

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def functions() -> dict[str, dict[str, Any]]:
    """The template's functions by logical id."""
    return resources_of_type("AWS::Serverless::Function")


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
