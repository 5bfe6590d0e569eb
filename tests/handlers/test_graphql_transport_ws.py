"""graphql-transport-ws over the WebSocket API's functions on moto: $connect negotiates the subprotocol and records
it, $default serves connection_init, ping, subscribe (validated, stored with its projection) and complete for such
connections only, errors come as error messages with the close code the protocol would use, and the notifier's
`next` is the order shaped by the stored projection."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.handlers.test_websocket_functions import (
    CUSTOMER,
    STAFF,
    Connections,
    _call,
    _entry,
    _event,
    _frame,
    _items,
    _message,
    _notify,
    _place,
    stack,
)

__all__ = ["stack"]
ORDER_SUBSCRIPTION = """subscription Follow($id: ID!) { orderUpdated(orderId: $id) {
  id status now: version ...Money lines { name quantity } __typename } }
  fragment Money on Order { total currency }"""


def _subscriptions(table: str) -> list[dict[str, Any]]:
    return [i for i in _items(table) if i["SK"]["S"].startswith("SUB#")]


def _connect(connection: str = "conn-1", caller: dict[str, str] = CUSTOMER, offered: str | None = None) -> Any:
    event = _event("$connect", caller=caller, connection=connection)
    if offered is not None:
        event["headers"] = {"Sec-WebSocket-Protocol": offered}
    return _call("ws_connect", "WsConnectFunction", event)


def _send(body: dict[str, Any], connection: str = "conn-1", caller: dict[str, str] = CUSTOMER) -> Any:
    answer = _call("ws_default", "WsDefaultFunction", _event("$default", body, caller=caller, connection=connection))
    return _frame(answer) if "body" in answer else None


def test_connect_answers_the_subprotocol_when_offered_and_not_otherwise() -> None:
    negotiated = _connect("gql", offered="graphql-transport-ws")
    plain = _connect("json")

    assert negotiated == {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "graphql-transport-ws"}}
    assert plain == {"statusCode": 200}


def test_init_ping_subscribe_next_and_complete(stack: str) -> None:
    _place()
    _connect(offered="graphql-transport-ws")

    assert _send({"type": "connection_init", "payload": {}}) == {"type": "connection_ack"}
    assert _send({"type": "ping"}) == {"type": "pong"}
    subscribe = {"id": "s1", "type": "subscribe", "payload": {"query": ORDER_SUBSCRIPTION, "variables": {"id": "o1"}}}
    assert _send(subscribe) is None
    assert [i["topic"]["S"] for i in _subscriptions(stack)] == ["gql:s1"]

    connections = Connections()
    assert _notify(connections, _message("m1", _entry())) == []
    [(connection, pushed)] = connections.posts
    assert connection == "conn-1"
    assert pushed["type"] == "next"
    assert pushed["id"] == "s1"
    order = pushed["payload"]["data"]["orderUpdated"]
    assert set(order) == {"id", "status", "now", "total", "currency", "lines", "__typename"}
    assert (order["id"], order["status"], order["now"], order["__typename"]) == ("o1", "PLACED", 1, "Order")
    assert order["lines"] == [{"name": line["name"], "quantity": line["quantity"]} for line in order["lines"]]

    assert _send({"id": "s1", "type": "complete"}) is None
    assert _subscriptions(stack) == []


def test_an_invalid_document_is_an_error_message_for_its_id_and_nothing_is_stored(stack: str) -> None:
    _connect(offered="graphql-transport-ws")

    typo = _send({"id": "s1", "type": "subscribe", "payload": {"query": "subscription { myOrders { nope } }"}})
    query = _send({"id": "s2", "type": "subscribe", "payload": {"query": "{ me { email } }"}})

    assert (typo["type"], typo["id"]) == ("error", "s1")
    assert "nope" in typo["payload"][0]["message"]
    assert (query["type"], query["id"]) == ("error", "s2")
    assert _subscriptions(stack) == []


def test_someone_elses_order_is_not_found_and_someone_elses_kitchen_forbidden(stack: str) -> None:
    _place()
    other = CUSTOMER | {"sub": "c2", "principalId": "c2"}
    _connect(caller=other, offered="graphql-transport-ws")

    order = _send({"id": "a", "type": "subscribe", "payload": {"query": ORDER_SUBSCRIPTION,
                                                              "variables": {"id": "o1"}}}, caller=other)  # fmt: skip
    kitchen = _send({"id": "b", "type": "subscribe", "payload": {
        "query": 'subscription { kitchen(restaurantId: "r1") { id } }'}}, caller=other)  # fmt: skip

    assert order["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    assert kitchen["payload"][0]["extensions"]["code"] == "FORBIDDEN"


def test_staff_subscribe_to_their_kitchen(stack: str) -> None:
    _place()
    _connect("board", caller=STAFF, offered="graphql-transport-ws")
    body = {"id": "k", "type": "subscribe", "payload": {"query": 'subscription { kitchen(restaurantId: "r1") { id } }'}}
    assert _send(body, connection="board", caller=STAFF) is None

    connections = Connections()
    _notify(connections, _message("m1", _entry()))

    assert connections.posts == [("board", {"type": "next", "id": "k", "payload": {"data": {"kitchen": {"id": "o1"}}}})]


@pytest.mark.parametrize(
    "body",
    [{"type": "dance"}, {"type": "subscribe", "payload": {}}, {"type": "complete", "id": ""}],
    ids=["unknown type", "subscribe without id", "complete with an empty id"],
)
def test_a_protocol_violation_is_an_error_message_with_the_close_code_api_gateway_cannot_send(
    body: dict[str, Any],
) -> None:
    _connect(offered="graphql-transport-ws")

    answer = _send(body)

    assert answer["type"] == "error"
    assert answer["payload"][0]["extensions"]["closeCode"] == 4400


def test_protocol_messages_on_a_json_protocol_connection_get_the_json_protocols_error() -> None:
    _connect()

    answer = _send({"type": "connection_init"})

    assert (answer["type"], answer["status"]) == ("error", 400)
    assert json.dumps(answer).count("action") >= 1
