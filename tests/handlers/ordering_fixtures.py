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

from tests.handlers import api
from tests.handlers.api import Claims, Reply
from tests.support import ADMIN, api_event
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


def route_event(
    method: str,
    path: str,
    resource: str,
    path_params: dict[str, str] | None = None,
    *,
    claims: Claims | None = None,
    partner: Partner | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    source_ip: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event for a route: Cognito ``claims``, or a ``partner`` context as the API-key
    authorizer sets it, or neither (anonymous); ``source_ip`` as API Gateway saw the client."""
    event = api_event(
        method,
        path,
        resource=resource,
        path_params=path_params,
        query=query,
        body=body,
        headers=headers,
        claims=claims,
    )
    if partner is not None:
        event["requestContext"]["authorizer"] = partner.context()
    if source_ip is not None:
        event["requestContext"]["identity"]["sourceIp"] = source_ip
    return event


# ---- carts ----------------------------------------------------------------------------------------------------------
# Customer routes default to customer 1 when no claims are given; build an anonymous call with ``route_event``.


def add_item(restaurant_id: str, body: Any, *, claims: Claims | None = None) -> Reply:
    event = route_event(
        "POST",
        f"/v1/carts/{restaurant_id}/items",
        "/v1/carts/{restaurantId}/items",
        {"restaurantId": restaurant_id},
        claims=claims or customer(),
        body=body,
    )
    return api.send("add_cart_item", event)


def get_cart(restaurant_id: str, *, claims: Claims | None = None, query: dict[str, str] | None = None) -> Reply:
    event = route_event(
        "GET",
        f"/v1/carts/{restaurant_id}",
        "/v1/carts/{restaurantId}",
        {"restaurantId": restaurant_id},
        claims=claims or customer(),
        query=query,
    )
    return api.send("get_cart", event)


def _line_event(method: str, restaurant_id: str, line_id: str, claims: Claims | None, body: Any) -> dict[str, Any]:
    return route_event(
        method,
        f"/v1/carts/{restaurant_id}/items/{line_id}",
        "/v1/carts/{restaurantId}/items/{lineId}",
        {"restaurantId": restaurant_id, "lineId": line_id},
        claims=claims or customer(),
        body=body,
    )


def update_line(restaurant_id: str, line_id: str, body: Any, *, claims: Claims | None = None) -> Reply:
    return api.send("update_cart_item", _line_event("PATCH", restaurant_id, line_id, claims, body))


def remove_line(restaurant_id: str, line_id: str, *, claims: Claims | None = None) -> Reply:
    return api.send("remove_cart_item", _line_event("DELETE", restaurant_id, line_id, claims, None))


def _discount_event(method: str, restaurant_id: str, claims: Claims | None, body: Any) -> dict[str, Any]:
    return route_event(
        method,
        f"/v1/carts/{restaurant_id}/discount",
        "/v1/carts/{restaurantId}/discount",
        {"restaurantId": restaurant_id},
        claims=claims or customer(),
        body=body,
    )


def apply_discount(restaurant_id: str, code: str, *, claims: Claims | None = None) -> Reply:
    return api.send("apply_discount", _discount_event("PUT", restaurant_id, claims, {"code": code}))


def remove_discount(restaurant_id: str, *, claims: Claims | None = None) -> Reply:
    return api.send("remove_discount", _discount_event("DELETE", restaurant_id, claims, None))


def empty_cart(restaurant_id: str, *, claims: Claims | None = None) -> Reply:
    event = route_event(
        "DELETE",
        f"/v1/carts/{restaurant_id}",
        "/v1/carts/{restaurantId}",
        {"restaurantId": restaurant_id},
        claims=claims or customer(),
    )
    return api.send("empty_cart", event)


def list_carts(*, claims: Claims | None = None) -> Reply:
    return api.send("list_carts", route_event("GET", "/v1/carts", "/v1/carts", claims=claims or customer()))


def create_discount(restaurant_id: str, body: Any, *, claims: Claims | None = ADMIN) -> Reply:
    event = route_event(
        "POST",
        f"/v1/restaurants/{restaurant_id}/discounts",
        "/v1/restaurants/{restaurantId}/discounts",
        {"restaurantId": restaurant_id},
        claims=claims,
        body=body,
    )
    return api.send("create_discount", event)


# ---- orders -------------------------------------------------------------------------------------------------------


def checkout(body: Any, *, key: str | None, claims: Claims | None = None) -> Reply:
    headers = {"Idempotency-Key": key} if key is not None else None
    event = route_event("POST", "/v1/orders", "/v1/orders", claims=claims or customer(), body=body, headers=headers)
    return api.send("checkout", event)


def get_order(order_id: str, *, claims: Claims | None = None) -> Reply:
    event = route_event(
        "GET", f"/v1/orders/{order_id}", "/v1/orders/{orderId}", {"orderId": order_id}, claims=claims or customer()
    )
    return api.send("get_order", event)


def list_my_orders(*, claims: Claims | None = None, query: dict[str, str] | None = None) -> Reply:
    return api.send(
        "list_my_orders", route_event("GET", "/v1/orders", "/v1/orders", claims=claims or customer(), query=query)
    )


def cancel_order(order_id: str, *, claims: Claims | None = None) -> Reply:
    event = route_event(
        "POST",
        f"/v1/orders/{order_id}/cancel",
        "/v1/orders/{orderId}/cancel",
        {"orderId": order_id},
        claims=claims or customer(),
    )
    return api.send("cancel_order", event)


def kitchen_orders(restaurant_id: str, *, claims: Claims | None, query: dict[str, str] | None = None) -> Reply:
    event = route_event(
        "GET",
        f"/v1/restaurants/{restaurant_id}/orders",
        "/v1/restaurants/{restaurantId}/orders",
        {"restaurantId": restaurant_id},
        claims=claims,
        query=query,
    )
    return api.send("list_restaurant_orders", event)


def transition(restaurant_id: str, order_id: str, to: str, *, claims: Claims | None) -> Reply:
    event = route_event(
        "POST",
        f"/v1/restaurants/{restaurant_id}/orders/{order_id}/transitions",
        "/v1/restaurants/{restaurantId}/orders/{orderId}/transitions",
        {"restaurantId": restaurant_id, "orderId": order_id},
        claims=claims,
        body={"to": to},
    )
    return api.send("transition_order", event)


def partner_orders(
    *, partner: Partner | None, claims: Claims | None = None, query: dict[str, str] | None = None
) -> Reply:
    event = route_event("GET", "/v1/partner/orders", "/v1/partner/orders", partner=partner, claims=claims, query=query)
    return api.send("partner_list_orders", event)


def partner_transition(order_id: str, to: str, *, partner: Partner | None, claims: Claims | None = None) -> Reply:
    event = route_event(
        "POST",
        f"/v1/partner/orders/{order_id}/transitions",
        "/v1/partner/orders/{orderId}/transitions",
        {"orderId": order_id},
        partner=partner,
        claims=claims,
        body={"to": to},
    )
    return api.send("partner_transition_order", event)


# ---- accounts, staff and API keys ----------------------------------------------------------------------------------


def signup(body: Any, *, source_ip: str | None = None) -> Reply:
    return api.send(
        "auth_signup", route_event("POST", "/v1/auth/signup", "/v1/auth/signup", body=body, source_ip=source_ip)
    )


def login(email: str, password: str, *, source_ip: str | None = None) -> Reply:
    body = {"email": email, "password": password}
    return api.send(
        "auth_login", route_event("POST", "/v1/auth/login", "/v1/auth/login", body=body, source_ip=source_ip)
    )


def refresh(refresh_token: str) -> Reply:
    body = {"refreshToken": refresh_token}
    return api.send("auth_refresh", route_event("POST", "/v1/auth/refresh", "/v1/auth/refresh", body=body))


def logout(*, claims: Claims | None) -> Reply:
    return api.send("auth_logout", route_event("POST", "/v1/auth/logout", "/v1/auth/logout", claims=claims))


def me(*, claims: Claims | None) -> Reply:
    return api.send("get_me", route_event("GET", "/v1/me", "/v1/me", claims=claims))


def assign_staff(restaurant_id: str, email: str, *, claims: Claims | None = ADMIN) -> Reply:
    event = route_event(
        "POST",
        f"/v1/restaurants/{restaurant_id}/staff",
        "/v1/restaurants/{restaurantId}/staff",
        {"restaurantId": restaurant_id},
        claims=claims,
        body={"email": email},
    )
    return api.send("assign_staff", event)


def remove_staff(restaurant_id: str, user_id: str, *, claims: Claims | None = ADMIN) -> Reply:
    event = route_event(
        "DELETE",
        f"/v1/restaurants/{restaurant_id}/staff/{user_id}",
        "/v1/restaurants/{restaurantId}/staff/{userId}",
        {"restaurantId": restaurant_id, "userId": user_id},
        claims=claims,
    )
    return api.send("remove_staff", event)


def create_api_key(restaurant_id: str, name: str = "Till 1", *, claims: Claims | None) -> Reply:
    event = route_event(
        "POST",
        f"/v1/restaurants/{restaurant_id}/api-keys",
        "/v1/restaurants/{restaurantId}/api-keys",
        {"restaurantId": restaurant_id},
        claims=claims,
        body={"name": name},
    )
    return api.send("create_api_key", event)


def list_api_keys(restaurant_id: str, *, claims: Claims | None) -> Reply:
    event = route_event(
        "GET",
        f"/v1/restaurants/{restaurant_id}/api-keys",
        "/v1/restaurants/{restaurantId}/api-keys",
        {"restaurantId": restaurant_id},
        claims=claims,
    )
    return api.send("list_api_keys", event)


def revoke_api_key(restaurant_id: str, key_id: str, *, claims: Claims | None) -> Reply:
    event = route_event(
        "DELETE",
        f"/v1/restaurants/{restaurant_id}/api-keys/{key_id}",
        "/v1/restaurants/{restaurantId}/api-keys/{keyId}",
        {"restaurantId": restaurant_id, "keyId": key_id},
        claims=claims,
    )
    return api.send("revoke_api_key", event)


METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/v1/partner/orders"


def authorizer_event(api_key: str | None) -> dict[str, Any]:
    """The REQUEST authorizer event API Gateway sends for a partner route."""
    headers = {"X-Api-Key": api_key} if api_key is not None else {}
    return {
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "resource": "/v1/partner/orders",
        "path": "/v1/partner/orders",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {},
        "pathParameters": {},
        "stageVariables": {},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "stage": "dev",
            "httpMethod": "GET",
            "resourcePath": "/v1/partner/orders",
            "path": "/dev/v1/partner/orders",
            "requestId": "authorizer-request",
            "identity": {"sourceIp": "127.0.0.1"},
        },
    }


# ---- bodies -------------------------------------------------------------------------------------------------------


def pizza_body(**overrides: Any) -> dict[str, Any]:
    """A 9.00 pizza: a required size (medium +0, large +3.00) and up to two toppings (+1.00, +1.50, +0.50)."""
    body: dict[str, Any] = {
        "name": "Margherita",
        "category": "Pizza",
        "price": {"amount": 900, "currency": "EUR"},
        "optionGroups": [
            {
                "id": "size",
                "name": "Size",
                "minChoices": 1,
                "maxChoices": 1,
                "choices": [{"id": "m", "name": "Medium"}, {"id": "l", "name": "Large", "priceDelta": 300}],
            },
            {
                "id": "toppings",
                "name": "Toppings",
                "minChoices": 0,
                "maxChoices": 2,
                "choices": [
                    {"id": "olives", "name": "Olives", "priceDelta": 100},
                    {"id": "ham", "name": "Ham", "priceDelta": 150},
                    {"id": "basil", "name": "Basil", "priceDelta": 50},
                ],
            },
        ],
    }
    body.update(overrides)
    return body


def drink_body(**overrides: Any) -> dict[str, Any]:
    """A 2.50 drink without options."""
    body: dict[str, Any] = {"name": "Lemonade", "category": "Drinks", "price": {"amount": 250, "currency": "EUR"}}
    body.update(overrides)
    return body


def large_pizza(quantity: int = 1, *, toppings: list[str] | None = None, item_id: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = [{"groupId": "size", "choiceIds": ["l"]}]
    if toppings:
        options.append({"groupId": "toppings", "choiceIds": toppings})
    return {"menuItemId": item_id, "quantity": quantity, "options": options}


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def discount_body(code: str, **overrides: Any) -> dict[str, Any]:
    """A percent code (10 %) valid from a day ago to a day ahead, once per customer."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "code": code,
        "kind": "percent",
        "percentBps": 1000,
        "validFrom": iso(now - timedelta(days=1)),
        "validUntil": iso(now + timedelta(days=1)),
    }
    body.update(overrides)
    return body


ADDRESS = {"line1": "2 Side St", "city": "Berlin", "postcode": "10115", "country": "DE"}


def checkout_body(
    restaurant_id: str, expected_total: int, *, fulfilment: str = "delivery", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"restaurantId": restaurant_id, "fulfilment": fulfilment, "expectedTotal": expected_total}
    if fulfilment == "delivery":
        body["deliveryAddress"] = ADDRESS
    body.update(extra)
    return body


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
