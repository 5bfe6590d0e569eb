"""P2's reference handler, built inside ``bench/child.py`` after the route's own module is loaded, so both are timed
in the same process: the least a validated Powertools REST handler costs here.

It is what every Waiter route is made of, without Waiter: an ``APIGatewayRestResolver`` with validation, a
``Logger`` with the Lambda context injected and one INFO line per call, the route's own body model (found on the
route's function) parsed from the same event and returned as the response. No SDK call, no domain work. A route's
time outside botocore divided by this one's is what P2 gates: what Waiter's adapters, rules and repositories add
over the framework they stand on.
"""

import typing
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel

Handler = Callable[[dict[str, Any], Any], Any]


def body_model(app: APIGatewayRestResolver) -> type[BaseModel] | None:
    """The pydantic model the route's function takes as its body (``Annotated[Model, Body()]``), or None."""
    routes = [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]
    for route in routes:
        hints = typing.get_type_hints(route.func, include_extras=True)
        for hint in hints.values():
            if typing.get_origin(hint) is Annotated:
                model, *extras = typing.get_args(hint)
                if any(isinstance(e, Body) for e in extras) and isinstance(model, type):
                    return typing.cast("type[BaseModel]", model)
    return None


def build(event: dict[str, Any], model: type[BaseModel] | None) -> Handler:
    """A reference handler answering ``event``'s method and path (registered literally: no path parameters to bind)."""
    app = APIGatewayRestResolver(enable_validation=True)
    logger = Logger(service="bench-reference")
    method, path = str(event["httpMethod"]).upper(), str(event["path"])

    def plain() -> dict[str, str]:
        logger.info("reference")
        return {"path": path}

    def echo(data: BaseModel) -> BaseModel:
        logger.info("reference")
        return data

    answer: Callable[..., Any] = plain
    if model is not None:
        # the route's own model, set as real objects: Powertools reads the annotations to validate and serialise
        echo.__annotations__ = {"data": Annotated[model, Body()], "return": model}
        answer = echo
    app.route(path, method=[method])(answer)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler
