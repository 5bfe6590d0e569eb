"""The WebSocket API's functions and the live notifier on moto: the $connect authorizer lets in a valid ID token
and refuses a missing, expired or forged one; each route answers with its frame; the notifier posts each order
change to the subscribed connections, deletes a gone one without failing the batch, retries a throttled post,
reports a poison message alone (SQS moves it to the DLQ) and never scans. Every AWS call is one the function's
policy in template.yaml allows."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.contract.aws_calls import Recorder, recording
from tests.contract.permissions import allowed
from tests.contract.template_facts import PSEUDO_PARAMETERS, parameter_values
from tests.support import LambdaContext, load_function
from tests.unit.ordering.builders import order
from waiter import compose
from waiter.accounts.id_tokens import issuer_url
from waiter.identity import Principal, Role
from waiter.observability import logger
from waiter.ordering.models import OrderStatus
from waiter.repository.dynamo import dynamodb_client
from waiter.repository.ordering import OrderingRepository
from waiter.settings import get_settings

POOL, CLIENT = "us-east-1_live", "live-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
API_ID, STAGE = "abcdef1234", "dev"
ENDPOINT = f"https://{API_ID}.execute-api.us-east-1.amazonaws.com/{STAGE}"
CONTEXT: Any = LambdaContext()
CUSTOMER = {"principalId": "c1", "sub": "c1", "cognito:groups": "customers", "custom:restaurants": ""}
STAFF = {"principalId": "s1", "sub": "s1", "cognito:groups": "staff", "custom:restaurants": "r1"}


def _forget() -> None:
    get_settings.cache_clear()
    for name in dir(compose):
        cached = getattr(compose, name)
        if callable(getattr(cached, "cache_clear", None)):
            cached.cache_clear()


@pytest.fixture(autouse=True)
def stack(table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("USER_POOL_ID", POOL)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", CLIENT)
    monkeypatch.setenv("WEBSOCKET_ENDPOINT", ENDPOINT)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", lambda _: {"keys": [{**public, "kid": "k1", "alg": "RS256"}]})
    _forget()
    yield table
    _forget()


def _allowed_only(function: str, recorder: Recorder) -> None:
    table = dynamodb_client().describe_table(TableName=get_settings().table_name)["Table"]["TableArn"]
    refs = {**PSEUDO_PARAMETERS, **parameter_values(), "Table.Arn": table, "WebSocketApi": API_ID}
    refused = [c for c in sorted(recorder.calls) if not allowed(function, c.action, c.resource, {}, refs)]
    assert refused == []
    assert not any(c.action == "dynamodb:Scan" for c in recorder.calls)


def _call(function: str, logical_id: str, event: dict[str, Any], *clients: Any) -> Any:
    with recording(dynamodb_client(), *clients) as recorder:
        result = load_function(function).lambda_handler(event, CONTEXT)
    _allowed_only(logical_id, recorder)
    return result


def _event(
    route: str, body: Any = None, *, caller: dict[str, str] = CUSTOMER, connection: str = "conn-1"
) -> dict[str, Any]:
    kind = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    context = {
        "routeKey": route,
        "eventType": kind,
        "connectionId": connection,
        "requestId": "r1",
        "authorizer": caller,
    }
    return {"requestContext": context, **({"body": json.dumps(body)} if body is not None else {})}


def _token(key: Any = KEY, **overrides: Any) -> str:
    claims = {
        "sub": "c1",
        "iss": issuer_url("us-east-1", POOL),
        "aud": CLIENT,
        "token_use": "id",
        "exp": int(time.time()) + 600,
        "cognito:groups": ["customers"],
        **overrides,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def _authorize(token: str | None) -> Any:
    event = {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:us-east-1:123456789012:{API_ID}/{STAGE}/$connect",
        "queryStringParameters": {"token": token} if token is not None else {},
    }
    try:
        return _call("ws_authorizer", "WsAuthorizerFunction", event)
    except Exception as error:
        return str(error)


# ---- $connect's authorizer --------------------------------------------------------------------------------------


def test_a_valid_id_token_is_allowed_with_the_callers_claims_as_context() -> None:
    answer = _authorize(_token())

    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert answer["context"] == {"sub": "c1", "cognito:groups": "customers", "custom:restaurants": ""}


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="no token"),
        pytest.param(_token(exp=int(time.time()) - 60), id="expired"),
        pytest.param(_token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), id="forged"),
        pytest.param("wtr_0123456789abcdef_never-issued", id="unknown partner key"),
    ],
)
def test_a_connection_without_a_valid_token_is_refused(token: str | None) -> None:
    assert _authorize(token) == "Unauthorized"


# ---- routes -----------------------------------------------------------------------------------------------------


def _items(table: str, connection: str = "conn-1") -> list[dict[str, Any]]:
    return dynamodb_client().query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WSCONN#{connection}"}},
    )["Items"]


def _frame(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["statusCode"] == 200
    return dict(json.loads(answer["body"]))


def _place(status: OrderStatus = OrderStatus.PLACED) -> None:
    placed = order().model_copy(update={"status": status})
    OrderingRepository(get_settings().table_name, get_settings().cursor_secret).client.put_item(
        TableName=get_settings().table_name, Item=_order_raw(placed)
    )


def _order_raw(placed: Any) -> dict[str, Any]:
    from waiter.repository.dynamo import serialize
    from waiter.repository.ordering import _order_item

    return serialize(_order_item(placed))


def test_connect_subscribe_unsubscribe_and_disconnect(stack: str) -> None:
    _place()
    assert _call("ws_connect", "WsConnectFunction", _event("$connect")) == {"statusCode": 200}

    subscribed = _frame(
        _call("ws_subscribe", "WsSubscribeFunction", _event("subscribe", {"action": "subscribe", "topic": "my-orders"}))
    )
    assert (subscribed["type"], [o["id"] for o in subscribed["snapshot"]]) == ("subscribed", ["o1"])
    assert subscribed["snapshot"][0]["version"] == 1
    assert len(_items(stack)) == 2

    gone = _frame(
        _call(
            "ws_unsubscribe",
            "WsUnsubscribeFunction",
            _event("unsubscribe", {"action": "unsubscribe", "topic": "my-orders"}),
        )
    )
    assert gone == {"type": "unsubscribed", "topic": "my-orders"}
    assert len(_items(stack)) == 1

    assert _call("ws_disconnect", "WsDisconnectFunction", _event("$disconnect")) == {"statusCode": 200}
    assert _items(stack) == []


def test_someone_elses_order_and_kitchen_are_error_frames(stack: str) -> None:
    _place()
    _call(
        "ws_connect",
        "WsConnectFunction",
        _event("$connect", caller=STAFF | {"sub": "c2", "cognito:groups": "customers"}),
    )
    other = STAFF | {"sub": "c2", "principalId": "c2", "cognito:groups": "customers", "custom:restaurants": ""}

    order_frame = _frame(
        _call(
            "ws_subscribe",
            "WsSubscribeFunction",
            _event("subscribe", {"action": "subscribe", "topic": "order:o1"}, caller=other),
        )
    )
    kitchen = _frame(
        _call(
            "ws_subscribe",
            "WsSubscribeFunction",
            _event("subscribe", {"action": "subscribe", "topic": "kitchen:r1"}, caller=other),
        )
    )

    assert (order_frame["type"], order_frame["status"], kitchen["status"]) == ("error", 404, 403)
    assert len(_items(stack)) == 1  # the connection only


def test_ping_is_answered_with_pong_and_an_unknown_action_with_an_error_naming_it() -> None:
    assert _frame(_call("ws_ping", "WsPingFunction", _event("ping", {"action": "ping"}))) == {"type": "pong"}
    unknown = _frame(_call("ws_default", "WsDefaultFunction", _event("$default", {"action": "dance"})))
    missing = _frame(_call("ws_default", "WsDefaultFunction", _event("$default", {"topic": "my-orders"})))

    assert (unknown["status"], unknown["errors"][0]["field"]) == (400, "action")
    assert "'dance'" in unknown["detail"]
    assert "required" in missing["detail"]


# ---- the notifier -----------------------------------------------------------------------------------------------


def _entry(order_id: str = "o1") -> str:
    detail = {
        "eventId": "e1",
        "occurredAt": "2026-03-10T12:00:00Z",
        "orderId": order_id,
        "restaurantId": "r1",
        "customerId": "c1",
        "version": 1,
        "total": 1017,
        "currency": "EUR",
        "fulfilment": "delivery",
    }
    return json.dumps({"detail-type": "OrderPlaced", "source": "waiter.orders", "detail": detail})


def _message(message_id: str, body: str) -> dict[str, Any]:
    return {"messageId": message_id, "receiptHandle": "r", "body": body, "attributes": {}, "eventSource": "aws:sqs"}


class Connections:
    """The Management API as API Gateway answers it, in front of moto (which accepts every post): 410 for the gone
    connections, 429 ``LimitExceededException`` a number of times for the throttled ones; every post recorded."""

    def __init__(self, gone: set[str] = frozenset(), throttled: dict[str, int] | None = None) -> None:  # type: ignore[assignment]
        self.gone, self.throttled = gone, dict(throttled or {})
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        connection = request.url.rsplit("/@connections/", 1)[1]
        if connection in self.gone:
            return _answer(request.url, 410, "GoneException")
        if self.throttled.get(connection, 0) > 0:
            self.throttled[connection] -= 1
            return _answer(request.url, 429, "LimitExceededException")
        self.posts.append((connection, json.loads(request.body)))
        return _answer(request.url, 200, None)


def _answer(url: str, status: int, error: str | None) -> AWSResponse:
    headers = {"x-amzn-ErrorType": error} if error else {}

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield json.dumps({"message": error}).encode() if error else b""

    return AWSResponse(url, status, HTTPHeaders.from_dict(headers), Raw())


def _subscribe(connection: str, topic: str, caller: dict[str, str] = CUSTOMER) -> None:
    _call("ws_connect", "WsConnectFunction", _event("$connect", caller=caller, connection=connection))
    _call(
        "ws_subscribe",
        "WsSubscribeFunction",
        _event("subscribe", {"action": "subscribe", "topic": topic}, caller=caller, connection=connection),
    )


def _notify(connections: Connections, *messages: dict[str, Any]) -> list[str]:
    _forget()
    client = compose.live_notifier().poster._client  # type: ignore[attr-defined]
    client.meta.events.register_first("before-send.apigatewaymanagementapi.*", connections)
    with recording(dynamodb_client(), client) as recorder:
        result = load_function("live_notifier").lambda_handler({"Records": list(messages)}, CONTEXT)
    _allowed_only("LiveNotifierFunction", recorder)
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def test_each_subscribed_connection_gets_the_order_as_its_caller_sees_it(stack: str) -> None:
    _place()
    _subscribe("mine", "my-orders")
    _subscribe("kitchen", "kitchen:r1", caller=STAFF)
    connections = Connections()

    assert _notify(connections, _message("m1", _entry())) == []

    frames = dict(connections.posts)
    assert (frames["mine"]["topic"], frames["mine"]["order"]["allowedTransitions"]) == ("my-orders", ["CANCELLED"])
    assert frames["kitchen"]["order"]["allowedTransitions"] == ["ACCEPTED", "REJECTED", "CANCELLED"]


def test_a_gone_connection_is_deleted_and_does_not_fail_the_batch(stack: str) -> None:
    _place()
    _subscribe("gone", "my-orders")
    _subscribe("kitchen", "kitchen:r1", caller=STAFF)
    connections = Connections(gone={"gone"})

    assert _notify(connections, _message("m1", _entry())) == []

    assert _items(stack, "gone") == []
    assert [c for c, _ in connections.posts] == ["kitchen"]


def test_a_throttled_post_is_retried(stack: str) -> None:
    _place()
    _subscribe("busy", "my-orders")
    connections = Connections(throttled={"busy": 1})

    assert _notify(connections, _message("m1", _entry())) == []
    assert [c for c, _ in connections.posts] == ["busy"]


def test_a_post_throttled_past_its_retries_fails_only_its_message(stack: str) -> None:
    _place()
    _subscribe("busy", "my-orders")
    connections = Connections(throttled={"busy": 99})

    assert _notify(connections, _message("m1", _entry()), _message("m2", _entry("unknown"))) == ["m1"]


def test_a_poison_message_is_reported_alone(stack: str) -> None:
    _place()
    _subscribe("mine", "my-orders")
    connections = Connections()

    assert _notify(connections, _message("bad", "{not json"), _message("m1", _entry())) == ["bad"]
    assert [c for c, _ in connections.posts] == ["mine"]


def test_a_customer_principal_is_built_from_the_connect_context() -> None:
    from waiter.adapters.websocket import caller

    assert caller(_event("ping")) == Principal(user_id="c1", roles=frozenset({Role.CUSTOMER}))


def test_a_batch_logs_one_line_saying_what_each_message_pushed(stack: str) -> None:
    _place()
    _subscribe("mine", "my-orders")
    _subscribe("gone", "my-orders")
    written = io.StringIO()
    stream, level = logger.registered_handler.setStream(written), logger.log_level  # type: ignore[attr-defined]
    logger.setLevel("INFO")  # as deployed (the tests run at WARNING)
    try:
        assert _notify(Connections(gone={"gone"}), _message("m1", _entry()), _message("m2", _entry("unknown"))) == []
    finally:
        logger.registered_handler.setStream(stream)  # type: ignore[attr-defined]
        logger.setLevel(level)

    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["queue batch"]
    assert lines[0]["records"] == 2
    # the unknown order pushed nothing, so it says nothing; the placed one reached one connection, one was gone
    assert lines[0]["handled"] == [{"orderId": "o1", "version": 1, "posts": 2, "gone": 1}]
