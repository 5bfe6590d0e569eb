"""graphql-transport-ws over API Gateway's WebSocket API: the same connections, topics, authorization and notifier
as the JSON protocol of docs/realtime.md, for standard GraphQL clients.

- ``$connect`` answers ``Sec-WebSocket-Protocol: graphql-transport-ws`` when the client offers it (``negotiate``)
  and records the connection's protocol; the token is the ``token`` query parameter, as for the JSON protocol.
- The protocol's messages reach ``$default`` (they have a ``type``, not an ``action``), which serves them for a
  connection that negotiated the protocol (``handle``): ``connection_init`` → ``connection_ack``, ``ping`` →
  ``pong``, ``subscribe`` validates the document (graphql-core, imported here only) and subscribes its one field's
  topic (``SUBSCRIPTION_TOPICS``) under the operation id with the document's selection as a *projection*,
  ``complete`` forgets it.
- The notifier shapes each ``next`` from the stored projection (``next_frame``, ``project``): plain dictionaries,
  no graphql-core, so the notifier's cold start stays as it is.
- API Gateway closes connections with 1000 only: the protocol's 44xx close codes cannot be sent. A violation
  (an unknown message, a subscribe without an id, an id in use) gets an ``error`` message carrying the close code
  the protocol would use in ``extensions.closeCode`` and the connection stays open (docs/realtime.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waiter.errors import WaiterError

if TYPE_CHECKING:
    from waiter.adapters.websocket import Message
    from waiter.realtime.subscriptions import Delivery, SubscriptionService

SUBPROTOCOL = "graphql-transport-ws"
SUBSCRIPTION_TOPICS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "orderUpdated": lambda args: f"order:{args['orderId']}",
    "myOrders": lambda _args: "my-orders",
    "kitchen": lambda args: f"kitchen:{args['restaurantId']}",
}
KEY_PREFIX = "gql:"  # a graphql-transport-ws subscription is stored under its operation id
_TYPENAME = "="  # a projection entry that is a constant (``__typename``)
MAX_ID = 128


def negotiate(headers: Mapping[str, str]) -> str | None:
    """The subprotocol to answer with when the client's ``Sec-WebSocket-Protocol`` offers this one.

    >>> negotiate({"sec-websocket-protocol": "graphql-ws, graphql-transport-ws"}), negotiate({})
    ('graphql-transport-ws', None)
    """
    offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]
    return SUBPROTOCOL if SUBPROTOCOL in offered else None


def message(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), default=str)


def _violation(text: str, close_code: int, operation_id: str | None = None) -> str:
    extensions = {"code": "BAD_REQUEST", "closeCode": close_code}
    fields: dict[str, Any] = {"payload": [{"message": text, "extensions": extensions}]}
    if operation_id is not None:
        fields["id"] = operation_id
    return message("error", **fields)


# ---- projections (no graphql-core) ----------------------------------------------------------------------------


def project(value: Any, selection: Mapping[str, list[Any]]) -> Any:
    """``value`` (the REST view's JSON) shaped as a selection: ``{responseKey: [field]}`` for a leaf,
    ``[field, {...}]`` for an object, ``["=", constant]`` for ``__typename``.

    >>> project({"id": "o1", "status": "READY", "lines": [{"name": "Pizza", "quantity": 2}]},
    ...         {"id": ["id"], "now": ["status"], "lines": ["lines", {"name": ["name"]}], "__typename": ["=", "Order"]})
    {'id': 'o1', 'now': 'READY', 'lines': [{'name': 'Pizza'}], '__typename': 'Order'}
    """
    if value is None:
        return None
    if isinstance(value, list):
        return [project(item, selection) for item in value]
    shaped: dict[str, Any] = {}
    for key, spec in selection.items():
        if spec[0] == _TYPENAME:
            shaped[key] = spec[1]
        elif len(spec) > 1:
            shaped[key] = project(value.get(spec[0]), spec[1])
        else:
            shaped[key] = value.get(spec[0])
    return shaped


def next_frame(delivery: Delivery) -> str:
    """The ``next`` message of a graphql-transport-ws subscription for the order it is pushed."""
    projection = delivery.subscription.projection or {}
    order = delivery.order.model_dump(mode="json", by_alias=True)
    data = {projection["responseKey"]: project(order, projection["selection"])}
    return message("next", id=delivery.subscription.topic.removeprefix(KEY_PREFIX), payload={"data": data})


# ---- subscribe: the one place graphql-core is used ------------------------------------------------------------


class Refused(Exception):
    """A ``subscribe`` whose document cannot run: its GraphQL errors, as the ``error`` message's payload."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("refused")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Compiled:
    field: str
    response_key: str
    arguments: dict[str, Any]
    selection: dict[str, list[Any]]


def compile_subscription(payload: Mapping[str, Any]) -> Compiled:
    """Parse and validate a ``subscribe`` payload against schema.graphql with the HTTP endpoint's limits; its one
    root field, arguments and selection. ``Refused`` with the errors otherwise."""
    from graphql import (  # noqa: PLC0415 - graphql-core only where a document is validated
        FragmentDefinitionNode,
        GraphQLError,
        OperationType,
        get_operation_ast,
    )
    from graphql.execution.values import get_argument_values, get_variable_values  # noqa: PLC0415

    from waiter.adapters.graphql.binding import executable_schema  # noqa: PLC0415
    from waiter.adapters.graphql.documents import parsed, validation_errors  # noqa: PLC0415
    from waiter.adapters.graphql.errors import format_error  # noqa: PLC0415
    from waiter.settings import get_settings  # noqa: PLC0415

    limits = get_settings().graphql
    query, variables = payload.get("query"), payload.get("variables") or {}
    if not isinstance(query, str) or not isinstance(variables, dict):
        raise Refused([{"message": "payload needs a query and, optionally, variables", "extensions": {}}])
    try:
        prepared = parsed(query, limits)
    except GraphQLError as error:
        raise Refused([format_error(error, request_code="GRAPHQL_PARSE_FAILED")]) from None
    schema = executable_schema()
    errors = validation_errors(schema, prepared, limits, variables, hide_suggestions=not limits.introspection)
    if errors:
        raise Refused([format_error(e, request_code="GRAPHQL_VALIDATION_FAILED") for e in errors])
    document = prepared.node
    operation = get_operation_ast(document, payload.get("operationName"))
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        raise Refused([{"message": "send one subscription operation (queries and mutations go over HTTP)"}])
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        raise Refused([format_error(e) for e in coerced])
    fragments = {f.name.value: f for f in document.definitions if isinstance(f, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, coerced)
    [root] = walk.fields(operation.selection_set)  # validation's SingleFieldSubscriptionsRule: exactly one
    subscription = schema.subscription_type
    assert subscription is not None  # noqa: S101 - the schema declares it (binding.check_binding)
    definition = subscription.fields[root.name.value]
    arguments = get_argument_values(definition, root, coerced)
    return Compiled(
        field=root.name.value,
        response_key=root.alias.value if root.alias else root.name.value,
        arguments=arguments,
        selection=walk.selection(definition.type, root.selection_set),
    )


class _Walk:
    """Selections flattened through fragments and ``@skip``/``@include``, with each field's type from the schema."""

    def __init__(self, schema: Any, fragments: Mapping[str, Any], variables: Mapping[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def _included(self, node: Any) -> bool:
        from graphql import GraphQLIncludeDirective, GraphQLSkipDirective  # noqa: PLC0415
        from graphql.execution.values import get_directive_values  # noqa: PLC0415

        skip = get_directive_values(GraphQLSkipDirective, node, dict(self.variables))
        include = get_directive_values(GraphQLIncludeDirective, node, dict(self.variables))
        return not (skip and skip.get("if")) and not (include and not include.get("if"))

    def fields(self, selection_set: Any) -> list[Any]:
        found: list[Any] = []
        for node in selection_set.selections if selection_set else ():
            if not self._included(node):
                continue
            kind = node.kind
            if kind == "field":
                found.append(node)
            elif kind == "inline_fragment":
                found.extend(self.fields(node.selection_set))
            elif kind == "fragment_spread":
                found.extend(self.fields(self.fragments[node.name.value].selection_set))
        return found

    def selection(self, field_type: Any, selection_set: Any) -> dict[str, list[Any]]:
        from graphql import get_named_type, is_object_type  # noqa: PLC0415

        owner = get_named_type(field_type)
        shaped: dict[str, list[Any]] = {}
        for node in self.fields(selection_set):
            key = node.alias.value if node.alias else node.name.value
            if node.name.value == "__typename":
                shaped[key] = [_TYPENAME, owner.name]
                continue
            inner = owner.fields[node.name.value].type
            if is_object_type(get_named_type(inner)):
                merged = shaped.get(key, [node.name.value, {}])[1]
                shaped[key] = [node.name.value, {**merged, **self.selection(inner, node.selection_set)}]
            else:
                shaped[key] = [node.name.value]
        return shaped


# ---- $default for connections that negotiated the protocol ----------------------------------------------------


_REPLIES = {"connection_init": message("connection_ack"), "ping": message("pong"), "pong": None}


def handle(incoming: Message, service: SubscriptionService) -> str | None:
    """Answer one graphql-transport-ws message (the integration's body is sent back; None sends nothing)."""
    kind = incoming.body.get("type")
    if kind in _REPLIES:
        return _REPLIES[str(kind)]
    operation_id = incoming.body.get("id")
    if kind not in ("subscribe", "complete"):
        return _violation(f"unknown message type {str(kind)[:40]!r}", 4400)
    if not isinstance(operation_id, str) or not 0 < len(operation_id) <= MAX_ID:
        return _violation(f"{kind} needs an id: a string of 1 to {MAX_ID} characters", 4400)
    if kind == "complete":
        service.forget(incoming.connection_id, KEY_PREFIX + operation_id)
        return None
    return _subscribe(incoming, service, operation_id)


def _subscribe(incoming: Message, service: SubscriptionService, operation_id: str) -> str | None:
    payload = incoming.body.get("payload")
    try:
        compiled = compile_subscription(payload if isinstance(payload, dict) else {})
        topic = SUBSCRIPTION_TOPICS[compiled.field](compiled.arguments)
        projection = {"responseKey": compiled.response_key, "selection": compiled.selection}
        service.subscribe(
            incoming.caller, incoming.connection_id, topic, key=KEY_PREFIX + operation_id, projection=projection
        )
    except Refused as refused:
        return message("error", id=operation_id, payload=refused.errors)
    except WaiterError as error:
        from waiter.adapters.graphql.errors import domain_error  # noqa: PLC0415

        text, extensions = domain_error(error)
        return message("error", id=operation_id, payload=[{"message": text, "extensions": extensions}])
    return None
