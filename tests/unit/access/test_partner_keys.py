"""Partner API keys: shown once, stored as a digest, scoped to one restaurant, revocable."""

from __future__ import annotations

import pytest

from tests.unit.access.fakes import MemoryKeys, MemoryUsagePlans, Restaurants
from waiter.errors import Forbidden, NotFound, Unauthorized
from waiter.identity import Principal, Role
from waiter.partners.models import ApiKeyCreate, ApiKeyRecord
from waiter.partners.service import ApiKeyService

STAFF_R1 = Principal(user_id="s1", roles=frozenset({Role.STAFF}), restaurants=frozenset({"r1"}))
STAFF_R2 = Principal(user_id="s2", roles=frozenset({Role.STAFF}), restaurants=frozenset({"r2"}))


def keys() -> ApiKeyService:
    return ApiKeyService(store=MemoryKeys(), usage_plans=MemoryUsagePlans(), restaurants=Restaurants("r1", "r2"))


def test_a_created_key_authenticates_to_its_restaurant_and_its_secret_is_not_stored() -> None:
    service = keys()
    created = service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    assert created.key.startswith("wtr_")
    assert created.prefix == created.key[:12]
    record = service.authenticate(created.key)
    assert record.restaurant_id == "r1"
    store = service.store
    assert isinstance(store, MemoryKeys)
    assert all(created.key not in r.model_dump_json() for r in store.records.values())


def test_listing_never_shows_secrets() -> None:
    service = keys()
    created = service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    listed = service.list(STAFF_R1, "r1")
    assert [k.id for k in listed] == [created.id]
    assert "key" not in listed[0].model_dump()
    assert "digest" not in listed[0].model_dump()


def test_staff_of_another_restaurant_cannot_manage_keys() -> None:
    service = keys()
    with pytest.raises(Forbidden):
        service.create(STAFF_R2, "r1", ApiKeyCreate(name="POS"))
    created = service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    with pytest.raises(Forbidden):
        service.revoke(STAFF_R2, "r1", created.id)
    with pytest.raises(NotFound):
        service.revoke(STAFF_R2, "r2", created.id)


@pytest.mark.parametrize(
    "presented",
    [None, "", "wtr_", "Bearer abc", "wtr_0123456789abcdef_wrongsecret", "wtr_zzzzzzzzzzzzzzzz_x"],
)
def test_missing_malformed_or_unknown_keys_are_unauthorized(presented: str | None) -> None:
    with pytest.raises(Unauthorized):
        keys().authenticate(presented)


def test_a_tampered_secret_with_a_real_id_is_unauthorized() -> None:
    service = keys()
    created = service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    with pytest.raises(Unauthorized):
        service.authenticate(created.key[:-1] + ("A" if created.key[-1] != "A" else "B"))


def test_a_revoked_key_is_forbidden_and_leaves_the_usage_plan() -> None:
    service = keys()
    created = service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    plans = service.usage_plans
    assert isinstance(plans, MemoryUsagePlans)
    assert len(plans.keys) == 1
    service.revoke(STAFF_R1, "r1", created.id)
    with pytest.raises(Forbidden):
        service.authenticate(created.key)
    assert plans.keys == {}


def test_a_key_that_cannot_be_stored_leaves_no_metered_key_behind() -> None:
    class FailingStore(MemoryKeys):
        def put(self, record: ApiKeyRecord) -> None:
            raise RuntimeError("storage unavailable")

    plans = MemoryUsagePlans()
    service = ApiKeyService(store=FailingStore(), usage_plans=plans, restaurants=Restaurants("r1"))
    with pytest.raises(RuntimeError):
        service.create(STAFF_R1, "r1", ApiKeyCreate(name="POS"))
    assert plans.keys == {}
