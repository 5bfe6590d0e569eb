"""API Gateway's resource tree: which declared resource (``/v1/restaurants/{restaurantId}``) a request path falls on.

As in API Gateway, a literal segment wins over a ``{parameter}``, which wins over a greedy ``{proxy+}``; a path
parameter matches exactly one segment; the method is looked up on the resource found (``ANY`` covers all).
The tree is built once; matching walks it segment by segment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

ANY = "ANY"


@dataclass(frozen=True, eq=False)
class Route:
    """A method on a resource, integrated with a function (``event`` holds the Api event's own properties)."""

    method: str
    resource: str
    function: str
    api: str
    event: dict[str, Any] = field(default_factory=dict)


@dataclass
class Resource:
    """A node of the tree: its path template and the routes declared on it, by method."""

    path: str
    methods: dict[str, Route] = field(default_factory=dict)
    literals: dict[str, Resource] = field(default_factory=dict)
    parameter: tuple[str, Resource] | None = None
    greedy: tuple[str, Resource] | None = None

    def route(self, method: str) -> Route | None:
        return self.methods.get(method) or self.methods.get(ANY)


@dataclass(frozen=True)
class Match:
    resource: Resource
    path_parameters: dict[str, str]


class RouteTable:
    """Every declared route, arranged as API Gateway's resource tree.

    >>> table = RouteTable([Route("GET", "/things/{id}", "GetThing", "Api"), Route("GET", "/things/new", "New", "Api")])
    >>> table.match("/things/abc").path_parameters
    {'id': 'abc'}
    >>> table.match("/things/new").resource.path
    '/things/new'
    >>> table.match("/things/a/b") is None
    True
    """

    def __init__(self, routes: Iterable[Route]) -> None:
        self.root = Resource("/")
        for route in routes:
            resource = self._resource(route.resource)
            if route.method in resource.methods:
                raise ValueError(f"{route.method} {route.resource} is declared twice")
            resource.methods[route.method] = route

    def match(self, path: str) -> Match | None:
        """The resource ``path`` (as sent, percent-encoded) falls on, with its decoded path parameters."""
        segments = [unquote(s) for s in path.split("/") if s]
        return _match(self.root, segments, {})

    def _resource(self, template: str) -> Resource:
        node = self.root
        for segment in (s for s in template.split("/") if s):
            if segment.startswith("{") and segment.endswith("+}"):
                node = _child(node, "greedy", segment[1:-2], template)
            elif segment.startswith("{") and segment.endswith("}"):
                node = _child(node, "parameter", segment[1:-1], template)
            else:
                node = node.literals.setdefault(segment, Resource(_join(node.path, segment)))
        return node


def _child(node: Resource, kind: str, name: str, template: str) -> Resource:
    existing: tuple[str, Resource] | None = getattr(node, kind)
    if existing is None:
        marker = f"{{{name}+}}" if kind == "greedy" else f"{{{name}}}"
        existing = (name, Resource(_join(node.path, marker)))
        setattr(node, kind, existing)
    elif existing[0] != name:
        # API Gateway allows one variable name per position: {id} and {restaurantId} side by side cannot deploy.
        raise ValueError(f"{template}: {{{name}}} conflicts with {{{existing[0]}}} at the same position")
    return existing[1]


def _join(parent: str, segment: str) -> str:
    return f"{parent.rstrip('/')}/{segment}"


def _match(node: Resource, segments: list[str], params: dict[str, str]) -> Match | None:
    if not segments:
        return Match(node, params) if node.methods else None
    head, rest = segments[0], segments[1:]
    literal = node.literals.get(head)
    found = _match(literal, rest, params) if literal else None
    if found is None and node.parameter and "/" not in head:
        name, child = node.parameter
        found = _match(child, rest, {**params, name: head})
    if found is None and node.greedy and node.greedy[1].methods:
        name, child = node.greedy
        found = Match(child, {**params, name: "/".join(segments)})
    return found
