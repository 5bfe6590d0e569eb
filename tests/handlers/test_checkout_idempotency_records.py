"""Where checkout's idempotency records are kept: each in a partition of its own, so checkouts never meet on one
partition key (the limit docs/capacity.md found first at the modelled peak)."""

from __future__ import annotations

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop


def _records() -> list[dict[str, object]]:
    return [i for i in api.table_snapshot() if str(i["PK"]).startswith("IDEMPOTENCY#")]


def test_every_checkout_keeps_its_idempotency_record_under_a_partition_key_of_its_own(shop: Shop) -> None:
    first = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id).body["total"]), key="k1")  # empty cart: 409
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    second = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id).body["total"]), key="k2")
    them = o.customer(2)
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"]), claims=them).status == 200
    third = o.checkout(o.checkout_body(shop.id, o.get_cart(shop.id, claims=them).body["total"]), key="k2", claims=them)

    assert (first.status, second.status, third.status) == (409, 201, 201)
    records = _records()
    assert len(records) == 2  # the failed attempt left nothing behind
    assert len({r["PK"] for r in records}) == 2
    assert {r["SK"] for r in records} == {"RECORD"}
    assert all(str(r["PK"]).startswith("IDEMPOTENCY#checkout#") for r in records)
    assert {r["idempotencyStatus"] for r in records} == {"COMPLETED"}


def test_a_replay_reads_the_record_from_its_own_partition(shop: Shop) -> None:
    assert o.add_item(shop.id, o.large_pizza(2, item_id=shop.pizza["id"])).status == 200
    body = o.checkout_body(shop.id, o.get_cart(shop.id).body["total"])

    placed = o.checkout(body, key="again")
    replayed = o.checkout(body, key="again")

    assert (placed.status, replayed.status) == (201, 201)
    assert replayed.body["id"] == placed.body["id"]
    assert len(_records()) == 1
