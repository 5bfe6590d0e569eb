"""Fixtures of the concurrency tests: services wired to a fresh moto table, a restaurant with a menu, and moto made
to answer one request at a time, as DynamoDB applies each request atomically."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.handlers.ordering_fixtures import Shop, clear_service_caches, open_shop, wire_services
from waiter.ratelimit import RateLimit


@pytest.fixture
def services(table: str) -> Iterator[None]:
    """Services wired to this test's moto table (``tests.handlers.ordering_fixtures.wire_services``)."""
    wire_services()
    yield
    clear_service_caches()


@pytest.fixture
def shop(services: None) -> Shop:
    """A restaurant with a pizza and a drink, created through the API."""
    return open_shop()


@pytest.fixture
def atomic_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serialise moto's request processing.

    DynamoDB applies each request atomically (a condition is evaluated and the write applied as one step). moto
    in-process runs each request in the calling thread without any lock: its backend is not thread-safe (racing
    transactions fail inside moto with "dictionary changed size during iteration") and two threads could both pass
    one condition before either writes. The lock restores the service's guarantee, one request at a time; the
    clients, the services and Powertools around them still run concurrently.
    """
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    process = BotocoreStubber.process_request

    def one_at_a_time(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            return process(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", one_at_a_time)


@pytest.fixture
def unlimited_checkouts(services: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the checkout rate limit (10 a minute per customer) so that every racer reaches the checkout itself."""
    monkeypatch.setattr("waiter.ordering.service.CHECKOUT_PER_CUSTOMER", RateLimit("checkout-customer", 1000, 60))
