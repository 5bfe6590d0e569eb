"""A customer's own account over HTTP, each test module on a gateway of its own (their sign-ups and failed sign-ins
would spend the shared gateway's per-IP budgets): sign-in limits that count failures only, password reset with the
code the local stack prints in its log, and exporting and erasing one's data.

Erasure is checked in the table too, through the keys and indexes a customer's data lives under (never a Scan),
via the embedded moto the gateway's banner names.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

from local.samples import ADDRESS
from local.seed import DEMO_STAFF
from tests.e2e.conftest import (
    DEPLOYED,
    PASSWORD,
    RESTAURANT_A,
    Caller,
    Gateway,
    cart_line,
    log_in,
    place_order,
    start_gateway,
)
from waiter.repository.dynamo import deserialize

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(bool(DEPLOYED), reason="reads the local stack's log and table"),
]

WRONG = "Wrong-password-1!"


@pytest.fixture(scope="module")
def own_gateway() -> Iterator[Gateway]:
    started, stop = start_gateway()
    try:
        yield started
    finally:
        stop()


@pytest.fixture(scope="module")
def client(own_gateway: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own_gateway.url, timeout=30) as http:
        yield http


def _new_email() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@example.com"


def _sign_up(api: httpx.Client, email: str, password: str = PASSWORD) -> None:
    response = api.post("/v1/auth/signup", json={"email": email, "password": password, "name": "Erin Example"})
    assert response.status_code == 201, response.text


def _login(api: httpx.Client, email: str, password: str) -> httpx.Response:
    return api.post("/v1/auth/login", json={"email": email, "password": password})


# ---- sign-in limits ---------------------------------------------------------------------------------------------


def test_six_successful_sign_ins_in_a_row_all_pass(client: httpx.Client) -> None:
    email = _new_email()
    _sign_up(client, email)

    statuses = [_login(client, email, PASSWORD).status_code for _ in range(6)]

    assert statuses == [200] * 6


def test_five_failures_lock_the_account_and_a_success_before_that_resets_the_count(client: httpx.Client) -> None:
    email = _new_email()
    _sign_up(client, email)
    for _ in range(2):  # 4 failures, then a success that clears them, twice: 8 failures, never locked
        assert [_login(client, email, WRONG).status_code for _ in range(4)] == [401] * 4
        assert _login(client, email, PASSWORD).status_code == 200

    failures = [_login(client, email, WRONG).status_code for _ in range(5)]
    locked = _login(client, email, PASSWORD)

    assert failures == [401] * 5
    assert locked.status_code == 429, locked.text
    assert locked.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(locked.headers["retry-after"]) <= 900


def test_thirty_failures_from_one_address_lock_that_address_for_every_account() -> None:
    started, stop = start_gateway()  # its own gateway: this spends 127.0.0.1's whole budget
    try:
        with httpx.Client(base_url=started.url, timeout=30) as api:
            email = _new_email()
            _sign_up(api, email)
            failures = [_login(api, f"nobody{n}-{email}", PASSWORD).status_code for n in range(30)]
            refused = _login(api, email, PASSWORD)
    finally:
        stop()

    assert failures == [401] * 30
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) > 0


# ---- password reset ---------------------------------------------------------------------------------------------


def test_a_reset_code_from_the_log_sets_a_new_password_and_unknown_addresses_get_the_same_answer(
    own_gateway: Gateway, client: httpx.Client
) -> None:
    email = _new_email()
    _sign_up(client, email)

    known = client.post("/v1/auth/forgot-password", json={"email": email})
    unknown = client.post("/v1/auth/forgot-password", json={"email": _new_email()})

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    code = own_gateway.reset_code(email)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    new_password = "Fresh-Reset-Pass-3?"
    wrong = client.post("/v1/auth/reset-password", json={"email": email, "code": wrong_code, "password": new_password})
    weak = client.post("/v1/auth/reset-password", json={"email": email, "code": code, "password": "weakpassword"})
    reset = client.post("/v1/auth/reset-password", json={"email": email, "code": code, "password": new_password})

    assert wrong.status_code == 400, wrong.text
    assert [e["field"] for e in wrong.json()["errors"]] == ["body.code"]
    assert weak.status_code == 400
    assert sorted(e["message"] for e in weak.json()["errors"]) == [
        "must contain a digit",
        "must contain a symbol",
        "must contain an uppercase letter",
    ]
    assert reset.status_code == 204, reset.text
    assert _login(client, email, new_password).status_code == 200
    assert _login(client, email, PASSWORD).status_code == 401
    used_again = client.post("/v1/auth/reset-password", json={"email": email, "code": code, "password": PASSWORD})
    assert used_again.status_code == 400  # a code works once


def test_resetting_an_unknown_address_is_the_same_400_as_a_wrong_code(client: httpx.Client) -> None:
    reply = client.post(
        "/v1/auth/reset-password", json={"email": _new_email(), "code": "123456", "password": "Fresh-Reset-Pass-3?"}
    )

    assert reply.status_code == 400
    assert [e["field"] for e in reply.json()["errors"]] == ["body.code"]


# ---- export and erasure -----------------------------------------------------------------------------------------


def _table(gateway: Gateway) -> tuple[Any, str]:
    endpoint, table = gateway.moto()
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    return session.client("dynamodb", endpoint_url=endpoint), table


def _query(dynamodb: Any, table: str, key: str, value: str, index: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": f"{key} = :v",
        "ExpressionAttributeValues": {":v": {"S": value}},
    }
    if index:
        params["IndexName"] = index
    return [deserialize(item) for item in dynamodb.query(**params)["Items"]]


def _delivery_order(api: httpx.Client, caller: Caller) -> dict[str, Any]:
    added = api.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(api, RESTAURANT_A), headers=caller.headers)
    assert added.status_code in (200, 201), added.text
    cart = api.get(f"/v1/carts/{RESTAURANT_A}", params={"fulfilment": "delivery"}, headers=caller.headers).json()
    placed = api.post(
        "/v1/orders",
        json={
            "restaurantId": RESTAURANT_A,
            "fulfilment": "delivery",
            "deliveryAddress": dict(ADDRESS),
            "expectedTotal": cart["total"],
        },
        headers={**caller.headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    return order


def test_export_holds_exactly_the_callers_data(client: httpx.Client) -> None:
    mine, theirs = _new_email(), _new_email()
    _sign_up(client, mine)
    _sign_up(client, theirs)
    me, other = log_in(client, mine, PASSWORD), log_in(client, theirs, PASSWORD)
    my_order = place_order(client, me, RESTAURANT_A)
    their_order = place_order(client, other, RESTAURANT_A)
    client.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(client, RESTAURANT_A), headers=me.headers)
    client.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(client, RESTAURANT_A), headers=other.headers)

    export = client.get("/v1/me/export", headers=me.headers)

    assert export.status_code == 200, export.text
    document = export.json()
    assert set(document) == {"exportedAt", "profile", "carts", "orders", "discountCodesUsed"}
    assert (document["profile"]["id"], document["profile"]["email"]) == (me.sub, mine)
    assert [o["id"] for o in document["orders"]] == [my_order["id"]]
    assert document["orders"][0]["history"][0]["to"] == "PLACED"
    assert [c["restaurantId"] for c in document["carts"]] == [RESTAURANT_A]
    assert their_order["id"] not in export.text
    assert other.sub not in export.text
    assert theirs not in export.text


def test_erasure_deletes_the_account_and_anonymises_the_orders_the_kitchen_keeps(
    own_gateway: Gateway, client: httpx.Client
) -> None:
    email = _new_email()
    _sign_up(client, email)
    tokens = _login(client, email, PASSWORD).json()
    caller = Caller(email, str(tokens["idToken"]))
    order = _delivery_order(client, caller)
    client.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(client, RESTAURANT_A), headers=caller.headers)
    old_id = caller.sub

    wrong = client.request("DELETE", "/v1/me", json={"password": WRONG}, headers=caller.headers)
    assert wrong.status_code == 403, wrong.text
    assert client.get("/v1/me", headers=caller.headers).status_code == 200  # nothing happened

    erased = client.request("DELETE", "/v1/me", json={"password": PASSWORD}, headers=caller.headers)
    again = client.request("DELETE", "/v1/me", json={"password": PASSWORD}, headers=caller.headers)

    assert erased.status_code == 204, erased.text
    assert again.status_code == 404, again.text
    # the old tokens: the user is gone where the backend looks them up, no refresh, no new cart under the old id
    assert client.get("/v1/me", headers=caller.headers).status_code == 401
    assert client.get("/v1/me/export", headers=caller.headers).status_code == 401
    assert client.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}).status_code == 401
    new_cart = client.post(
        f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(client, RESTAURANT_A), headers=caller.headers
    )
    assert new_cart.status_code == 401, new_cart.text
    assert client.get("/v1/orders", headers=caller.headers).json()["items"] == []
    assert client.get(f"/v1/orders/{order['id']}", headers=caller.headers).status_code == 404
    # the kitchen still has the order, without personal data
    staff = log_in(client, DEMO_STAFF.email)
    kitchen = client.get(f"/v1/restaurants/{RESTAURANT_A}/orders", params={"limit": 100}, headers=staff.headers)
    kept = next(o for o in kitchen.json()["items"] if o["id"] == order["id"])
    assert kept["customerId"] != old_id
    assert kept["customerId"].startswith("anon-")
    assert kept["customerErased"] is True
    assert "deliveryAddress" not in kept or kept["deliveryAddress"] is None
    assert old_id not in str(kept)
    assert kept["lines"] == order["lines"]
    assert kept["total"] == order["total"]
    # no item under the customer's keys or indexes still names them
    dynamodb, table = _table(own_gateway)
    assert _query(dynamodb, table, "PK", f"CUST#{old_id}") == []  # carts
    assert _query(dynamodb, table, "GSI1PK", f"CUST#{old_id}#ORDERS", index="GSI1") == []
    assert _query(dynamodb, table, "GSI1PK", f"USER#{old_id}#STAFF", index="GSI1") == []
    stored = deserialize(
        dynamodb.get_item(TableName=table, Key={"PK": {"S": f"ORDER#{order['id']}"}, "SK": {"S": "ORDER"}})["Item"]
    )
    assert old_id not in str(stored)
    assert ADDRESS["line1"] not in str(stored)
    in_kitchen_index = _query(dynamodb, table, "GSI2PK", f"REST#{RESTAURANT_A}#ORDERS", index="GSI2")
    assert not [item for item in in_kitchen_index if old_id in str(item)]
    # and the address can sign up again, as a new account
    _sign_up(client, email)
    again_caller = log_in(client, email, PASSWORD)
    assert again_caller.sub != old_id
    assert client.get("/v1/orders", headers=again_caller.headers).json()["items"] == []
