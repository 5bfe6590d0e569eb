"""Races over HTTP: many clients at once against the gateway (local or deployed). The stored conditions decide,
so whatever the interleaving, one checkout wins per cart and one transition wins per step."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RESTAURANT_A, Caller, cart_line, sign_up

pytestmark = pytest.mark.e2e


def _fill_cart(api: httpx.Client, caller: Caller) -> dict[str, Any]:
    added = api.post(f"/v1/carts/{RESTAURANT_A}/items", json=cart_line(api, RESTAURANT_A), headers=caller.headers)
    assert added.status_code == 200, added.text
    cart = api.get(f"/v1/carts/{RESTAURANT_A}", params={"fulfilment": "pickup"}, headers=caller.headers)
    body: dict[str, Any] = cart.json()
    return body


def _checkouts(base_url: str, caller: Caller, total: int, keys: list[str]) -> list[httpx.Response]:
    body = {"restaurantId": RESTAURANT_A, "fulfilment": "pickup", "expectedTotal": total}

    def one(key: str) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            return client.post("/v1/orders", json=body, headers={**caller.headers, "Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(one, keys))


def _orders_of(api: httpx.Client, caller: Caller) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get("/v1/orders", params={"limit": 100}, headers=caller.headers).json()["items"]
    return items


def test_twenty_racing_checkouts_of_one_cart_with_different_keys_place_one_order(
    api: httpx.Client, base_url: str
) -> None:
    caller = sign_up(api, "Racer")
    cart = _fill_cart(api, caller)

    replies = _checkouts(base_url, caller, cart["total"], [str(uuid.uuid4()) for _ in range(20)])

    statuses = sorted(r.status_code for r in replies)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 409, 429}, statuses
    assert len(_orders_of(api, caller)) == 1


def test_twenty_racing_checkouts_with_the_same_key_place_one_order_and_replay_it(
    api: httpx.Client, base_url: str
) -> None:
    caller = sign_up(api, "Replayer")
    cart = _fill_cart(api, caller)

    replies = _checkouts(base_url, caller, cart["total"], ["one-key"] * 20)

    created = [r.json()["id"] for r in replies if r.status_code == 201]
    assert created, [r.status_code for r in replies]
    assert len(set(created)) == 1
    assert {r.status_code for r in replies} <= {201, 409}
    orders = _orders_of(api, caller)
    assert [o["id"] for o in orders] == created[:1]


def test_fifty_racing_transitions_let_exactly_one_win_per_step(api: httpx.Client, base_url: str, staff: Caller) -> None:
    caller = sign_up(api, "Watcher")
    cart = _fill_cart(api, caller)
    placed = _checkouts(base_url, caller, cart["total"], [str(uuid.uuid4())])[0]
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    url = f"/v1/restaurants/{RESTAURANT_A}/orders/{order_id}/transitions"

    def move(to: str) -> int:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            return client.post(url, json={"to": to}, headers=staff.headers).status_code

    for step in ("ACCEPTED", "PREPARING", "READY", "PICKED_UP"):
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(move, [step] * 50 if step == "ACCEPTED" else [step] * 10))
        assert statuses.count(200) == 1, (step, statuses)
        assert set(statuses) == {200, 409}, (step, statuses)

    history = api.get(f"/v1/orders/{order_id}", headers=caller.headers).json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "PLACED"),
        ("PLACED", "ACCEPTED"),
        ("ACCEPTED", "PREPARING"),
        ("PREPARING", "READY"),
        ("READY", "PICKED_UP"),
    ]
