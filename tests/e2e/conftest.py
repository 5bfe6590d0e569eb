"""End-to-end fixtures: the API under test over HTTP.

By default the local gateway runs as a subprocess (``python -m local.gateway --port 0``) with its demo data and
demo accounts. Set ``WAITER_BASE_URL`` (e.g. ``https://abc123.execute-api.us-east-1.amazonaws.com/dev``) to run
the same tests, unchanged, against a deployed stage seeded with ``python -m local.seed``; tests that need what only
the local stack has (the demo accounts and partner key, minting tokens with moto's key, small usage-plan limits)
are skipped there.

Each gateway counts failed sign-ins (30 per IP per 15 minutes) and sign-ups (10 per IP per hour) from 127.0.0.1:
the fixtures sign up few customers, and tests that need more start a gateway of their own (test_my_account.py).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from local import samples
from local.gateway import spawn, websocket_url
from local.seed import DEMO_ADMIN, DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_RESTAURANTS, DEMO_STAFF, SAMPLE_RESTAURANT_ID
from local.seed import stable_id as seeded_id
from tests.e2e.tokens import claims_of

DEPLOYED = os.environ.get("WAITER_BASE_URL", "").rstrip("/")
RESTAURANT_A = SAMPLE_RESTAURANT_ID  # the demo staff work here; the demo partner key is its POS
RESTAURANT_B = seeded_id(str(DEMO_RESTAURANTS[1]["restaurant"]["name"]))
PASSWORD = "E2e-password-1!"


@dataclass
class Gateway:
    url: str
    banner: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # every line the gateway printed so far

    def reset_code(self, email: str, *, timeout_s: float = 10) -> str:
        """The latest password reset code the local stack "e-mailed" to ``email`` (printed in its log)."""
        deadline = time.monotonic() + timeout_s
        pattern = re.compile(rf"password reset code for {re.escape(email)}: (\d{{6}})")
        while time.monotonic() < deadline:
            codes = [m.group(1) for line in list(self.log) if (m := pattern.search(line))]
            if codes:
                return codes[-1]
            time.sleep(0.05)
        raise AssertionError(f"no reset code for {email} in the gateway's log")

    def moto(self) -> tuple[str, str]:
        """The embedded moto's endpoint and the table's name, from the banner."""
        line = next(line for line in self.banner if "moto" in line and "tables:" in line)
        endpoint = re.search(r"http://127\.0\.0\.1:\d+", line)
        table = re.search(r"tables: ([^),]+)", line)
        assert endpoint is not None
        assert table is not None
        return endpoint.group(0), table.group(1)

    @property
    def ws_url(self) -> str:
        """The local WebSocket API's URL (``ws://127.0.0.1:<port>``, a free port of this gateway's own)."""
        url = websocket_url(self.banner)
        assert url is not None, "the gateway's banner names no WebSocket API"
        return url

    def demo_partner_key(self) -> str:
        """The demo partner key the banner shows (``X-Api-Key: wtr_...``)."""
        return next(line.split("X-Api-Key:", 1)[1].strip() for line in self.banner if "X-Api-Key: wtr_" in line)


@dataclass(frozen=True)
class Caller:
    """A signed-in user: their ID token and who they are."""

    email: str
    token: str

    @property
    def sub(self) -> str:
        return str(claims_of(self.token)["sub"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def skip_when_deployed(reason: str = "needs the local stack") -> None:
    if DEPLOYED:
        pytest.skip(reason)


def start_gateway(*args: str) -> tuple[Gateway, Any]:
    banner: list[str] = []
    log: list[str] = []
    url, stop = spawn(port=0, args=args, banner=banner, log=log)
    return Gateway(url, banner, log), stop


@pytest.fixture(scope="session")
def gateway() -> Iterator[Gateway]:
    """The deployed stage named by WAITER_BASE_URL, or else a local gateway started for this session."""
    if DEPLOYED:
        yield Gateway(DEPLOYED)
        return
    started, stop = start_gateway()
    try:
        yield started
    finally:
        stop()


@pytest.fixture(scope="session")
def base_url(gateway: Gateway) -> str:
    return gateway.url


@pytest.fixture(scope="session")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def listing(api: httpx.Client) -> list[dict[str, Any]]:
    """Every restaurant of the public listing (one page of up to 100)."""
    response = api.get("/v1/restaurants", params={"limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture(scope="session")
def restaurant_id(listing: list[dict[str, Any]]) -> str:
    return str(listing[0]["id"])


# ---- callers ----------------------------------------------------------------------------------------------------


def log_in(api: httpx.Client, email: str, password: str = DEMO_PASSWORD) -> Caller:
    response = api.post("/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return Caller(email, str(response.json()["idToken"]))


def sign_up(api: httpx.Client, name: str = "E2E Customer") -> Caller:
    """A new customer (confirmed at once in the local stack), signed in."""
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    response = api.post("/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": name})
    assert response.status_code == 201, response.text
    return log_in(api, email, PASSWORD)


@pytest.fixture(scope="session")
def customer(api: httpx.Client) -> Caller:
    skip_when_deployed("the demo accounts exist in the local stack only")
    return log_in(api, DEMO_CUSTOMER.email)


@pytest.fixture(scope="session")
def staff(api: httpx.Client) -> Caller:
    skip_when_deployed("the demo accounts exist in the local stack only")
    return log_in(api, DEMO_STAFF.email)


@pytest.fixture(scope="session")
def admin(api: httpx.Client) -> Caller:
    skip_when_deployed("the demo accounts exist in the local stack only")
    return log_in(api, DEMO_ADMIN.email)


@pytest.fixture(scope="session")
def customer_b(api: httpx.Client) -> Caller:
    """A second customer, who has no business with the demo customer's orders."""
    skip_when_deployed("signs up a customer, which a deployed stage confirms by e-mail")
    return sign_up(api, "Customer B")


# ---- orders -------------------------------------------------------------------------------------------------


def cart_line(api: httpx.Client, restaurant_id: str) -> dict[str, Any]:
    """A cart line worth at least the restaurant's minimum order: its first available item, with the first
    choices of every option group that requires one."""
    restaurant = api.get(f"/v1/restaurants/{restaurant_id}").json()
    return samples.line_over_minimum(restaurant, api.get(f"/v1/restaurants/{restaurant_id}/menu").json())


def check_out(
    api: httpx.Client, caller: Caller, restaurant_id: str, *, fulfilment: str = "pickup", key: str | None = None
) -> httpx.Response:
    """Check out the caller's cart at ``restaurant_id`` with the total the cart shows now. Like a real client, it
    waits out a 429's ``Retry-After`` once and tries again with the same key: the suite's shared demo customers can
    place more than the 10 orders a minute a customer may (``waiter.ratelimit.CHECKOUT_PER_CUSTOMER``)."""
    cart = api.get(f"/v1/carts/{restaurant_id}", params={"fulfilment": fulfilment}, headers=caller.headers)
    assert cart.status_code == 200, cart.text
    body = {"restaurantId": restaurant_id, "fulfilment": fulfilment, "expectedTotal": cart.json()["total"]}
    headers = {**caller.headers, "Idempotency-Key": key or str(uuid.uuid4())}
    placed = api.post("/v1/orders", json=body, headers=headers)
    if placed.status_code == 429 and placed.headers.get("retry-after", "").isdigit():
        time.sleep(int(placed.headers["retry-after"]) + 1)
        placed = api.post("/v1/orders", json=body, headers=headers)
    return placed


def place_order(api: httpx.Client, caller: Caller, restaurant_id: str) -> dict[str, Any]:
    """A pickup order placed through the API: one cart line, then checkout."""
    added = api.post(f"/v1/carts/{restaurant_id}/items", json=cart_line(api, restaurant_id), headers=caller.headers)
    assert added.status_code in (200, 201), added.text
    placed = check_out(api, caller, restaurant_id)
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    return order


@pytest.fixture(scope="session")
def order_a(api: httpx.Client, customer: Caller) -> dict[str, Any]:
    """The demo customer's order at restaurant A."""
    return place_order(api, customer, RESTAURANT_A)


@pytest.fixture(scope="session")
def order_b(api: httpx.Client, customer_b: Caller) -> dict[str, Any]:
    """Customer B's order at restaurant A."""
    return place_order(api, customer_b, RESTAURANT_A)


@pytest.fixture(scope="session")
def order_at_b(api: httpx.Client, customer_b: Caller) -> dict[str, Any]:
    """Customer B's order at restaurant B."""
    return place_order(api, customer_b, RESTAURANT_B)


def eventually[T](probe: Callable[[], T | None], *, within_s: float = 30, what: str = "it") -> T:
    """What ``probe`` finds once it finds something (polled every 0.2 s), or an AssertionError after ``within_s``."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {within_s} s")
