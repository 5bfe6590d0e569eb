"""A customer's data: the export holds exactly theirs; erasure re-authenticates, signs out, deletes what is theirs
alone, anonymises the orders restaurants keep, and can be asked for twice (service level, in-memory stores)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.access.fakes import MemoryCounters, MemoryProvider
from waiter.accounts.models import AccountDeletion
from waiter.accounts.privacy import PersonalDataService
from waiter.errors import Forbidden, NotFound, Unauthorized
from waiter.identity import Principal, Role
from waiter.ordering.lifecycle import _demo_order, transition
from waiter.ordering.models import Actor, ActorType, Cart, Fulfilment, Order, OrderStatus
from waiter.ratelimit import LOGIN_FAILURES_PER_ACCOUNT, RateLimiter, bucket
from waiter.repository.catalog import StaleVersion

PASSWORD = "Waiter-demo-1!"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


class MemoryPersonalData:
    def __init__(self) -> None:
        self.carts: dict[tuple[str, str], Cart] = {}
        self.orders: dict[str, Order] = {}
        self.staff: set[tuple[str, str]] = set()
        self.markers: dict[str, str] = {}
        self.deleted_buckets: list[str] = []
        self.kitchen_moves_before_write: list[Order] = []  # a transition that lands between read and write

    def carts_of(self, customer_id: str) -> list[Cart]:
        return [c for (cid, _), c in self.carts.items() if cid == customer_id]

    def orders_of(self, customer_id: str) -> list[Order]:
        return [o for o in self.orders.values() if o.customer_id == customer_id]

    def staff_restaurants_of(self, user_id: str) -> list[str]:
        return [r for (r, u) in self.staff if u == user_id]

    def anonymous_id(self, customer_id: str, *, candidate: str, expires_at: int) -> str:
        return self.markers.setdefault(customer_id, candidate)

    def delete_cart(self, customer_id: str, restaurant_id: str) -> None:
        self.carts.pop((customer_id, restaurant_id), None)

    def replace_order(self, order: Order, *, expected_version: int) -> None:
        if self.kitchen_moves_before_write:
            moved = self.kitchen_moves_before_write.pop()
            self.orders[moved.id] = moved
        if self.orders[order.id].version != expected_version:
            raise StaleVersion("the order changed meanwhile")
        self.orders[order.id] = order

    def move_discount_use(self, restaurant_id: str, code: str, customer_id: str, anonymous_id: str) -> None:
        pass

    def remove_staff_membership(self, restaurant_id: str, user_id: str) -> None:
        self.staff.discard((restaurant_id, user_id))

    def delete_counters(self, buckets: list[str]) -> None:
        self.deleted_buckets += buckets


def _setup() -> tuple[PersonalDataService, MemoryProvider, MemoryPersonalData, Principal]:
    provider = MemoryProvider()
    user_id = provider.sign_up("c@example.com", PASSWORD, "Cleo")
    other = provider.sign_up("d@example.com", PASSWORD, "Dan")
    store = MemoryPersonalData()
    mine = _demo_order(Fulfilment.DELIVERY).model_copy(update={"customer_id": user_id})
    mine = mine.model_copy(
        update={
            "history": [
                h.model_copy(update={"actor": Actor(type=ActorType.CUSTOMER, id=user_id)}) for h in mine.history
            ]
        }
    )
    theirs = _demo_order().model_copy(update={"id": "o2", "customer_id": other})
    store.orders = {mine.id: mine, theirs.id: theirs}
    for customer in (user_id, other):
        store.carts[customer, "r1"] = Cart(customer_id=customer, restaurant_id="r1", created_at=NOW, updated_at=NOW)
    store.staff = {("r9", user_id)}
    service = PersonalDataService(
        provider=provider,
        store=store,
        limiter=RateLimiter(MemoryCounters(), clock=NOW.timestamp),
        clock=lambda: NOW,
        ids=lambda: "anon-1",
    )
    return service, provider, store, Principal(user_id=user_id, email="c@example.com", roles=frozenset({Role.CUSTOMER}))


def test_the_export_holds_the_callers_profile_carts_and_orders_and_nobody_elses() -> None:
    service, _, _, caller = _setup()

    export = service.export(caller)

    assert (export.profile.id, export.profile.email, export.profile.restaurants) == (
        caller.user_id,
        "c@example.com",
        ["r9"],
    )
    assert [o.id for o in export.orders] == ["o1"]
    assert [c.restaurant_id for c in export.carts] == ["r1"]
    assert "user-2" not in export.model_dump_json()


def test_a_wrong_password_erases_nothing() -> None:
    service, provider, store, caller = _setup()

    with pytest.raises(Forbidden):
        service.erase(caller, AccountDeletion(password="Wrong-password-1!"), source_ip="ip")

    assert caller.user_id in provider.users
    assert provider.signed_out == []
    assert store.orders["o1"].customer_id == caller.user_id


def test_erasure_signs_out_deletes_what_is_the_customers_and_anonymises_their_orders() -> None:
    service, provider, store, caller = _setup()

    service.erase(caller, AccountDeletion(password=PASSWORD), source_ip="ip")

    assert provider.signed_out == ["c@example.com"]
    assert caller.user_id not in provider.users
    assert store.carts_of(str(caller.user_id)) == []
    assert store.staff == set()
    kept = store.orders["o1"]
    assert (kept.customer_id, kept.delivery_address, kept.customer_erased) == ("anon-1", None, True)
    assert str(caller.user_id) not in kept.model_dump_json()
    assert store.orders["o2"].customer_id == "user-2"  # someone else's order is untouched
    assert bucket(LOGIN_FAILURES_PER_ACCOUNT, "c@example.com") in store.deleted_buckets
    with pytest.raises(NotFound):  # a second call
        service.erase(caller, AccountDeletion(password=PASSWORD), source_ip="ip")
    with pytest.raises(Unauthorized):
        service.export(caller)


def test_an_order_the_kitchen_moves_during_erasure_is_anonymised_as_it_is_now() -> None:
    service, _, store, caller = _setup()
    accepted = transition(store.orders["o1"], OrderStatus.ACCEPTED, Actor(type=ActorType.STAFF, id="s1"), NOW)
    store.kitchen_moves_before_write.append(accepted)

    service.erase(caller, AccountDeletion(password=PASSWORD), source_ip="ip")

    kept = store.orders["o1"]
    assert kept.status is OrderStatus.ACCEPTED
    assert kept.customer_id == "anon-1"
    assert kept.history[-1].actor.id == "s1"
