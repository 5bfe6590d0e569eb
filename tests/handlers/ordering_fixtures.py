"""Helpers of the ordering, partner and account handler tests: callers (claims and the partner authorizer's
context), one function per route (each answer checked by ``tests.handlers.api.send``), request bodies, moto
resources shaped by template.yaml (the Cognito user pool, an API Gateway usage plan), a recorder of DynamoDB
calls and a few reads of the stored state.

Also used by ``tests/concurrency``."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from local import samples
from tests.handlers import api
from tests.handlers.api import Claims, Reply
from tests.support import ADMIN
from tests.unit.builders import restaurant_body
from waiter import compose
from waiter.accounts.cognito import cognito_client
from waiter.partners.usage_plans import apigateway_client
from waiter.repository import keys
from waiter.repository.dynamo import deserialize, dynamodb_client, serialize
from waiter.settings import get_settings

# ---- services -----------------------------------------------------------------------------------------------------

RATE_WINDOW_START = 1_800_000_000  # a fixed instant on a 1-minute, 15-minute and 1-hour window boundary
FROZEN_AT = RATE_WINDOW_START + 15  # 15 s into every window: Retry-After is 45 s for a 1-minute limit


def clear_service_caches() -> None:
    """Forget every process-wide service, client and setting, so each test wires them to its own moto state."""
    for cached in (
        compose.catalog_service,
        compose.rate_limiter,
        compose.account_service,
        compose.api_key_service,
        compose.checkout_idempotency,
        compose.ordering_service,
        cognito_client,
        apigateway_client,
        get_settings,
    ):
        cached.cache_clear()


def wire_services() -> None:
    """Fresh services: orders get strictly increasing timestamps (one millisecond per clock reading) and rate
    limits count in one fixed window, so Retry-After is predictable."""
    clear_service_caches()
    compose.ordering_service().clock = ticking_from_now()
    compose.rate_limiter().clock = lambda: float(FROZEN_AT)


@dataclass(frozen=True)
class UserPool:
    """The ids of the Cognito user pool and app client created in moto from template.yaml."""

    pool_id: str
    client_id: str


# ---- callers ------------------------------------------------------------------------------------------------------


def customer(n: int = 1) -> Claims:
    """Customer number ``n``, as the Cognito authorizer passes their claims."""
    return {"sub": f"customer-{n}", "email": f"customer{n}@demo.waiter", "cognito:groups": "customers"}


def staff(*restaurant_ids: str, sub: str = "staff-1") -> Claims:
    """A member of staff of ``restaurant_ids``."""
    return {
        "sub": sub,
        "email": f"{sub}@demo.waiter",
        "cognito:groups": "staff",
        "custom:restaurants": " ".join(restaurant_ids),
    }


@dataclass(frozen=True)
class Partner:
    """A partner (POS) as the API-key authorizer describes it to the integration."""

    key_id: str
    restaurant_id: str

    def context(self) -> dict[str, str]:
        return {"principalId": f"apikey:{self.key_id}", "keyId": self.key_id, "restaurantId": self.restaurant_id}


def _partner_context(partner: Partner | None) -> dict[str, str] | None:
    return partner.context() if partner is not None else None


# ---- carts ----------------------------------------------------------------------------------------------------------
# Customer routes default to customer 1 when no claims are given; build an anonymous call with
# ``tests.support.api_event``.

CART = "/v1/carts/{restaurantId}"
CART_LINE = CART + "/items/{lineId}"


def add_item(restaurant_id: str, body: Any, *, claims: Claims | None = None) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("add_cart_item", "POST", CART + "/items", at, claims=claims or customer(), body=body)


def get_cart(restaurant_id: str, *, claims: Claims | None = None, query: dict[str, str] | None = None) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("get_cart", "GET", CART, at, claims=claims or customer(), query=query)


def update_line(restaurant_id: str, line_id: str, body: Any, *, claims: Claims | None = None) -> Reply:
    at = {"restaurantId": restaurant_id, "lineId": line_id}
    return api.request("update_cart_item", "PATCH", CART_LINE, at, claims=claims or customer(), body=body)


def remove_line(restaurant_id: str, line_id: str, *, claims: Claims | None = None) -> Reply:
    at = {"restaurantId": restaurant_id, "lineId": line_id}
    return api.request("remove_cart_item", "DELETE", CART_LINE, at, claims=claims or customer())


def apply_discount(restaurant_id: str, code: str, *, claims: Claims | None = None) -> Reply:
    at = {"restaurantId": restaurant_id}
    body = {"code": code}
    return api.request("apply_discount", "PUT", CART + "/discount", at, claims=claims or customer(), body=body)


def remove_discount(restaurant_id: str, *, claims: Claims | None = None) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("remove_discount", "DELETE", CART + "/discount", at, claims=claims or customer())


def empty_cart(restaurant_id: str, *, claims: Claims | None = None) -> Reply:
    return api.request("empty_cart", "DELETE", CART, {"restaurantId": restaurant_id}, claims=claims or customer())


def list_carts(*, claims: Claims | None = None) -> Reply:
    return api.request("list_carts", "GET", "/v1/carts", claims=claims or customer())


def create_discount(restaurant_id: str, body: Any, *, claims: Claims | None = ADMIN) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("create_discount", "POST", api.RESTAURANT + "/discounts", at, claims=claims, body=body)


# ---- orders -------------------------------------------------------------------------------------------------------

ORDER = "/v1/orders/{orderId}"
KITCHEN_ORDERS = api.RESTAURANT + "/orders"
PARTNER_ORDERS = samples.PARTNER_ORDERS


def checkout(body: Any, *, key: str | None, claims: Claims | None = None) -> Reply:
    headers = {"Idempotency-Key": key} if key is not None else None
    return api.request("checkout", "POST", "/v1/orders", claims=claims or customer(), body=body, headers=headers)


def get_order(order_id: str, *, claims: Claims | None = None) -> Reply:
    return api.request("get_order", "GET", ORDER, {"orderId": order_id}, claims=claims or customer())


def list_my_orders(*, claims: Claims | None = None, query: dict[str, str] | None = None) -> Reply:
    return api.request("list_my_orders", "GET", "/v1/orders", claims=claims or customer(), query=query)


def cancel_order(
    order_id: str, *, claims: Claims | None = None, reason: str | None = None, if_match: str | None = None
) -> Reply:
    body = {"reason": reason} if reason is not None else None
    return api.request(
        "cancel_order", "POST", ORDER + "/cancel", {"orderId": order_id}, claims=claims or customer(), body=body,
        headers=_if_match(if_match),
    )  # fmt: skip


def _if_match(tag: str | None) -> dict[str, str] | None:
    return {"If-Match": tag} if tag is not None else None


def transition_body(to: str, **extra: Any) -> dict[str, Any]:
    """``{"to": to}`` plus the camelCase fields given (``reason``, ``prepMinutes``); a rejection gets a reason
    unless one is given (it requires one)."""
    body: dict[str, Any] = {"to": to, **{k: v for k, v in extra.items() if v is not None}}
    if to == "REJECTED" and "reason" not in extra:
        body["reason"] = "we are out of dough"
    return body


def kitchen_orders(restaurant_id: str, *, claims: Claims | None, query: dict[str, str] | None = None) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("list_restaurant_orders", "GET", KITCHEN_ORDERS, at, claims=claims, query=query)


def transition(
    restaurant_id: str, order_id: str, to: str, *, claims: Claims | None, if_match: str | None = None, **extra: Any
) -> Reply:
    """Staff move an order; ``extra`` holds body fields by their wire names (``reason``, ``prepMinutes``)."""
    at = {"restaurantId": restaurant_id, "orderId": order_id}
    resource = KITCHEN_ORDERS + "/{orderId}/transitions"
    body = transition_body(to, **extra)
    return api.request("transition_order", "POST", resource, at, claims=claims, body=body, headers=_if_match(if_match))


def partner_orders(
    *, partner: Partner | None, claims: Claims | None = None, query: dict[str, str] | None = None
) -> Reply:
    authorizer = _partner_context(partner)
    return api.request("partner_list_orders", "GET", PARTNER_ORDERS, authorizer=authorizer, claims=claims, query=query)


def partner_transition(
    order_id: str,
    to: str,
    *,
    partner: Partner | None,
    claims: Claims | None = None,
    if_match: str | None = None,
    **extra: Any,
) -> Reply:
    at = {"orderId": order_id}
    resource = PARTNER_ORDERS + "/{orderId}/transitions"
    authorizer = _partner_context(partner)
    return api.request(
        "partner_transition_order", "POST", resource, at, authorizer=authorizer, claims=claims,
        body=transition_body(to, **extra), headers=_if_match(if_match),
    )  # fmt: skip


# ---- accounts, staff and API keys ----------------------------------------------------------------------------------

STAFF = api.RESTAURANT + "/staff"
API_KEYS = api.RESTAURANT + "/api-keys"


def signup(body: Any, *, source_ip: str | None = None) -> Reply:
    return api.request("auth_signup", "POST", "/v1/auth/signup", body=body, source_ip=source_ip)


def login(email: str, password: str, *, source_ip: str | None = None) -> Reply:
    body = {"email": email, "password": password}
    return api.request("auth_login", "POST", "/v1/auth/login", body=body, source_ip=source_ip)


def refresh(refresh_token: str) -> Reply:
    return api.request("auth_refresh", "POST", "/v1/auth/refresh", body={"refreshToken": refresh_token})


def logout(*, claims: Claims | None) -> Reply:
    return api.request("auth_logout", "POST", "/v1/auth/logout", claims=claims)


def me(*, claims: Claims | None) -> Reply:
    return api.request("get_me", "GET", "/v1/me", claims=claims)


def assign_staff(restaurant_id: str, email: str, *, claims: Claims | None = ADMIN) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("assign_staff", "POST", STAFF, at, claims=claims, body={"email": email})


def remove_staff(restaurant_id: str, user_id: str, *, claims: Claims | None = ADMIN) -> Reply:
    at = {"restaurantId": restaurant_id, "userId": user_id}
    return api.request("remove_staff", "DELETE", STAFF + "/{userId}", at, claims=claims)


def create_api_key(restaurant_id: str, name: str = "Till 1", *, claims: Claims | None) -> Reply:
    at = {"restaurantId": restaurant_id}
    return api.request("create_api_key", "POST", API_KEYS, at, claims=claims, body={"name": name})


def list_api_keys(restaurant_id: str, *, claims: Claims | None) -> Reply:
    return api.request("list_api_keys", "GET", API_KEYS, {"restaurantId": restaurant_id}, claims=claims)


def revoke_api_key(restaurant_id: str, key_id: str, *, claims: Claims | None) -> Reply:
    at = {"restaurantId": restaurant_id, "keyId": key_id}
    return api.request("revoke_api_key", "DELETE", API_KEYS + "/{keyId}", at, claims=claims)


def authorizer_event(api_key: str | None) -> dict[str, Any]:
    """The REQUEST authorizer event API Gateway sends for a partner route."""
    headers = {"X-Api-Key": api_key} if api_key is not None else {}
    return samples.authorizer_event(
        headers, api_id="abcdef1234", request_id="authorizer-request", source_ip="127.0.0.1"
    )


# ---- bodies (local.samples, shared with the bench) ------------------------------------------------------------------


def pizza_body(**overrides: Any) -> dict[str, Any]:
    """A 9.00 pizza: a required size (medium +0, large +3.00) and up to two toppings (+1.00, +1.50, +0.50)."""
    return samples.menu_item_body(toppings=("olives", "ham", "basil"), **overrides)


drink_body = samples.drink_body
large_pizza = samples.large_pizza
iso = samples.iso
discount_body = samples.discount_body
ADDRESS = samples.ADDRESS
checkout_body = samples.checkout_body


_keys = itertools.count(1)


def new_key() -> str:
    return f"idem-{next(_keys)}"


# ---- shops ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    """A restaurant (EUR, 7 % tax, 2.50 delivery, minimum order 10.00) with a pizza and a drink on its menu."""

    restaurant: dict[str, Any]
    pizza: dict[str, Any]
    drink: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.restaurant["id"])


def open_shop(**restaurant_overrides: Any) -> Shop:
    """Create a restaurant and its menu through the API, as an admin."""
    reply = api.create_restaurant(restaurant_body(**restaurant_overrides))
    assert reply.status == 201, reply.body
    rid = reply.body["id"]
    pizza = api.create_menu_item(rid, pizza_body())
    drink = api.create_menu_item(rid, drink_body())
    assert (pizza.status, drink.status) == (201, 201), (pizza.body, drink.body)
    return Shop(reply.body, pizza.body, drink.body)


def place_order(
    shop: Shop, *, claims: Claims | None = None, fulfilment: str = "delivery", quantity: int = 1
) -> dict[str, Any]:
    """Fill the customer's cart with large pizzas and check it out; the order as the API returned it."""
    added = add_item(shop.id, large_pizza(quantity, item_id=shop.pizza["id"]), claims=claims)
    assert added.status == 200, added.body
    priced = get_cart(shop.id, claims=claims, query={"fulfilment": fulfilment})
    reply = checkout(checkout_body(shop.id, priced.body["total"], fulfilment=fulfilment), key=new_key(), claims=claims)
    assert reply.status == 201, reply.body
    order: dict[str, Any] = reply.body
    return order


# ---- the stored state ---------------------------------------------------------------------------------------------


def stored_item(key: dict[str, str]) -> dict[str, Any] | None:
    raw = dynamodb_client().get_item(TableName=get_settings().table_name, Key=serialize(key)).get("Item")
    return deserialize(raw) if raw else None


def stored_cart(customer_id: str, restaurant_id: str) -> dict[str, Any] | None:
    return stored_item(keys.cart(customer_id, restaurant_id))


def orders_of(customer_id: str) -> list[dict[str, Any]]:
    """Every order of a customer, read from GSI1 (the index the API lists them from)."""
    page = dynamodb_client().query(
        TableName=get_settings().table_name,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues=serialize({":pk": keys.orders_of_customer(customer_id)}),
    )
    return [deserialize(raw) for raw in page.get("Items", [])]


def without_rate_counters(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table minus rate-limit counters (every checkout attempt counts, by design, even a refused one)."""
    return [item for item in items if not str(item["PK"]).startswith("RATE#")]


# ---- DynamoDB calls --------------------------------------------------------------------------------------------


@dataclass
class CallLog:
    """``operations``: the calls since the last ``clear()``; ``every``: all calls since recording began."""

    operations: list[str] = field(default_factory=list)
    every: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, model: Any = None, **_: Any) -> None:
        with self.lock:
            self.operations.append(str(model.name))
            self.every.append(str(model.name))

    def clear(self) -> None:
        with self.lock:
            self.operations.clear()


@contextmanager
def dynamodb_calls() -> Iterator[CallLog]:
    """Record the operation name of every call made through the repositories' DynamoDB client."""
    log = CallLog()
    events = dynamodb_client().meta.events
    events.register("before-call.dynamodb.*", log.record, unique_id="waiter-tests-call-log")
    try:
        yield log
    finally:
        events.unregister("before-call.dynamodb.*", unique_id="waiter-tests-call-log")


def ticking_from_now(step: timedelta = timedelta(milliseconds=1)) -> Callable[[], datetime]:
    """A clock that starts now and moves ``step`` per reading, so no two writes share a timestamp."""
    start = datetime.now(UTC).replace(microsecond=0)
    ticks = itertools.count()
    lock = threading.Lock()

    def now() -> datetime:
        with lock:
            return start + step * next(ticks)

    return now
