"""Fixtures of the domain tests: a CatalogService over the in-memory store, with a predictable clock and ids."""

from __future__ import annotations

import pytest

from tests.unit.builders import ADMIN, restaurant_create, sequential_ids, ticking_clock
from tests.unit.fakes import FakeCatalogStore
from tests.unit.model_builds import build_every_model
from waiter.catalog.models import Restaurant
from waiter.catalog.service import CatalogService


@pytest.fixture(scope="session", autouse=True)
def _models_built() -> None:
    """The layer's models are built once, before any test: they defer their build to first use, and a
    property-based test would otherwise count that build as slow input generation (Hypothesis' too_slow check)."""
    build_every_model()


@pytest.fixture
def store() -> FakeCatalogStore:
    return FakeCatalogStore()


@pytest.fixture
def service(store: FakeCatalogStore) -> CatalogService:
    return CatalogService(store, clock=ticking_clock(), ids=sequential_ids("r"))


@pytest.fixture
def restaurant(service: CatalogService) -> Restaurant:
    """An active restaurant (id ``r1``) created by an admin, pricing in EUR."""
    return service.create_restaurant(ADMIN, restaurant_create())
