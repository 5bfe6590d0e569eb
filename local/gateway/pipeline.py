"""What a request carries through the gateway's per-route pipeline, and the shape of a pipeline step.

Steps run after the route is matched and before the integration: the authorizer (Cognito or Lambda), then the
API key and usage plan. Each either lets the request through (returns None), possibly adding to the exchange what
the function will see (``requestContext.authorizer``, ``requestContext.identity.apiKey``), or answers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from local.gateway.events import GatewayError, HttpRequest, HttpResponse
from local.gateway.routing import Match, Route

STAGE = "local"  # the stage name in events and method ARNs
API_ID = "local"  # the REST API id in events and method ARNs


@dataclass
class Exchange:
    """One request on its way through the gateway; steps read it and add to it."""

    request: HttpRequest
    request_id: str
    match: Match
    route: Route
    authorizer: dict[str, Any] | None = None  # what an authorizer step hands the function (requestContext)
    usage_identifier: str | None = None  # the API key the usage plan meters (from the authorizer or X-Api-Key)
    identity: dict[str, Any] = field(default_factory=dict)  # additions to requestContext.identity (apiKey...)


Answer = HttpResponse | GatewayError
Step = Callable[[Exchange], Awaitable[Answer | None]]
"""A per-route stage before the integration: returns None to let the request through, or the answer."""
