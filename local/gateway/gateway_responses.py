"""API Gateway's own answers (unknown route, 401, 403, 429, 413, 502, 504), as the API's ``GatewayResponses``
customise them: the status, the headers and the body template the template declares for each response type.

A gateway response template is a simple substitution of ``$context`` variables, not VTL (API Gateway documents it
so). The local gateway renders exactly the templates of template.yaml, read through ``local.template``; it knows
the variables of ``ErrorContext`` below and refuses, when it starts, a template naming any other, rather than
answering with a hole in the body. Substituted values are JSON-escaped (API Gateway does not escape them: the
template should use only values that need none, such as ``$context.requestId``), except
``$context.error.messageString``, which is the quoted JSON string of the message by definition.

Without a customisation for a type (nor for its class, ``DEFAULT_4XX``/``DEFAULT_5XX``), the answer is API
Gateway's default: ``{"message": ...}`` as ``application/json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from local.gateway.events import GatewayError, HttpResponse
from local.gateway.pipeline import API_ID, STAGE

# ``$context.requestId``, ``$context.error.messageString``, ``$context.identity.sourceIp``...
_VARIABLE = re.compile(r"\$context\.([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)")
_DEFAULT_MEDIA_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class ErrorContext:
    """What the ``$context`` variables of a gateway response say about the request being answered."""

    request_id: str
    http_method: str = ""
    path: str = ""
    resource_path: str = ""  # empty when no route matched
    source_ip: str = ""
    user_agent: str = ""
    stage: str = STAGE
    api_id: str = API_ID

    def variables(self, error: GatewayError) -> dict[str, str]:
        """Each variable's text as it goes into a JSON template."""
        raw = {
            "requestId": self.request_id,
            "extendedRequestId": self.request_id,
            "httpMethod": self.http_method,
            "path": self.path,
            "resourcePath": self.resource_path,
            "stage": self.stage,
            "apiId": self.api_id,
            "identity.sourceIp": self.source_ip,
            "identity.userAgent": self.user_agent,
            "error.message": error.message or "",
            "error.responseType": error.response_type,
            "error.validationErrorString": "",  # the API has no request validators; nothing to report
        }
        escaped = {name: json.dumps(value)[1:-1] for name, value in raw.items()}
        escaped["error.messageString"] = json.dumps(error.message)
        return escaped


KNOWN_VARIABLES = frozenset(ErrorContext("").variables(GatewayError("DEFAULT_4XX", 400, None)))


@dataclass(frozen=True)
class GatewayResponses:
    """An API's ``GatewayResponses`` (``local.template.gateway_responses``): status, headers and body template by
    type, falling back to ``DEFAULT_4XX``/``DEFAULT_5XX`` as API Gateway does.

    >>> from local.gateway.events import MISSING_ROUTE
    >>> custom = GatewayResponses({"DEFAULT_4XX": {"StatusCode": 404, "Headers": {"Content-Type": "text/plain"},
    ...     "Templates": {"application/json": "no route; request $context.requestId"}}})
    >>> answer = custom.render(MISSING_ROUTE, ErrorContext("r-1"))
    >>> answer.status, answer.body, ("Content-Type", "text/plain") in answer.headers
    (404, b'no route; request r-1', True)
    >>> GatewayResponses().render(MISSING_ROUTE, ErrorContext("r-1")).body
    b'{"message": "Missing Authentication Token"}'
    """

    by_type: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind, spec in self.by_type.items():
            for media, template in (spec.get("Templates") or {}).items():
                unknown = sorted(set(_VARIABLE.findall(template)) - KNOWN_VARIABLES)
                if unknown:
                    names = ", ".join(f"$context.{name}" for name in unknown)
                    raise ValueError(f"GatewayResponses.{kind} ({media}) uses {names}, which the local gateway "
                                     f"does not know; it knows {', '.join(sorted(KNOWN_VARIABLES))}")  # fmt: skip

    def render(self, error: GatewayError, context: ErrorContext) -> HttpResponse:
        default = "DEFAULT_4XX" if error.status < 500 else "DEFAULT_5XX"
        custom = self.by_type.get(error.response_type) or self.by_type.get(default) or {}
        headers = [("Content-Type", _DEFAULT_MEDIA_TYPE)]
        if error.error_type:
            headers.append(("x-amzn-ErrorType", error.error_type))
        for name, value in (custom.get("Headers") or {}).items():
            headers = [(n, v) for n, v in headers if n.lower() != str(name).lower()] + [(str(name), str(value))]
        template = _template(custom.get("Templates") or {})
        if template is None:
            body = json.dumps({"message": error.message})
        else:
            values = context.variables(error)
            body = _VARIABLE.sub(lambda found: values[found.group(1)], template)
        return HttpResponse(int(custom.get("StatusCode", error.status)), headers, body.encode())


def _template(templates: Mapping[str, str]) -> str | None:
    """The body template to render: the ``application/json`` one (this API declares no other), else the only one."""
    if _DEFAULT_MEDIA_TYPE in templates:
        return templates[_DEFAULT_MEDIA_TYPE]
    return next(iter(templates.values()), None)
