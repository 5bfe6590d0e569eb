"""Sample request bodies and API Gateway events, shared by the bench's route tour (bench/) and the tests (tests/).

Bodies are valid as they stand (camelCase, as callers send them) and take keyword overrides; events are the REST
proxy event and the partner authorizer's REQUEST event in the shape API Gateway sends them, with what differs from one
caller to the next (headers, identity, API id) left to the caller.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT_ID = "123456789012"
PARTNER_ORDERS = "/v1/partner/orders"

# ---- bodies ---------------------------------------------------------------------------------------------------------

TOPPINGS = {"olives": ("Olives", 100), "ham": ("Ham", 150), "basil": ("Basil", 50)}
"""The toppings a pizza may offer: id -> (name, price delta)."""

ADDRESS = {"line1": "2 Side St", "city": "Berlin", "postcode": "10115", "country": "DE"}
"""A delivery address in the sample restaurant's city."""


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AROUND_THE_CLOCK: dict[str, Any] = {"weekly": {day: [{"opens": "00:00", "closes": "24:00"}] for day in WEEKDAYS}}
"""Opening hours of a restaurant that takes orders at any time: what samples and tests use unless they test hours."""


def restaurant_body(**overrides: Any) -> dict[str, Any]:
    """A valid create-restaurant body: EUR, 7 % tax, 2.50 delivery, minimum order 10.00, 20 minutes to prepare an
    order and 30 to deliver it, in Berlin's time zone and open around the clock (so that whatever uses it works at
    any hour)."""
    body: dict[str, Any] = {
        "name": "Pizza Roma",
        "description": "Wood-fired pizza",
        "cuisines": ["pizza", "italian"],
        "address": {"line1": "1 Main St", "city": "Berlin", "postcode": "10115", "country": "DE"},
        "timeZone": "Europe/Berlin",
        "openingHours": AROUND_THE_CLOCK,
        "currency": "EUR",
        "taxRateBps": 700,
        "deliveryFee": 250,
        "minimumOrder": 1000,
        "defaultPrepMinutes": 20,
        "deliveryMinutes": 30,
    }
    body.update(overrides)
    return body


def menu_item_body(*, toppings: Sequence[str] = (), **overrides: Any) -> dict[str, Any]:
    """A valid create-menu-item body: a 9.00 pizza with a required size (medium +0, large +3.00) and, when
    ``toppings`` (ids of ``TOPPINGS``) are given, a group offering up to two of them."""
    option_groups: list[dict[str, Any]] = [
        {
            "id": "size",
            "name": "Size",
            "minChoices": 1,
            "maxChoices": 1,
            "choices": [{"id": "m", "name": "Medium"}, {"id": "l", "name": "Large", "priceDelta": 300}],
        }
    ]
    if toppings:
        choices = [{"id": tid, "name": TOPPINGS[tid][0], "priceDelta": TOPPINGS[tid][1]} for tid in toppings]
        option_groups.append(
            {"id": "toppings", "name": "Toppings", "minChoices": 0, "maxChoices": 2, "choices": choices}
        )
    body: dict[str, Any] = {
        "name": "Margherita",
        "description": "Tomato, mozzarella, basil",
        "category": "Pizza",
        "price": 900,
        "currency": "EUR",
        "dietaryTags": ["vegetarian"],
        "optionGroups": option_groups,
    }
    body.update(overrides)
    return body


def drink_body(**overrides: Any) -> dict[str, Any]:
    """A 2.50 drink without options."""
    body: dict[str, Any] = {"name": "Lemonade", "category": "Drinks", "price": 250}
    body.update(overrides)
    return body


def large_pizza(quantity: int = 1, *, toppings: Sequence[str] | None = None, item_id: str) -> dict[str, Any]:
    """An add-to-cart body: ``quantity`` large pizzas (menu item ``item_id``), with ``toppings`` if given."""
    options: list[dict[str, Any]] = [{"groupId": "size", "choiceIds": ["l"]}]
    if toppings:
        options.append({"groupId": "toppings", "choiceIds": list(toppings)})
    return {"menuItemId": item_id, "quantity": quantity, "options": options}


def iso(at: datetime) -> str:
    """``at`` as the API writes an instant: UTC, ``Z``."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def discount_body(code: str, *, valid_days: int = 1, **overrides: Any) -> dict[str, Any]:
    """A percent code (10 %, once per customer) valid from a day ago to ``valid_days`` ahead; whole seconds, so the
    body's size is the same on every run."""
    now = datetime.now(UTC).replace(microsecond=0)
    body: dict[str, Any] = {
        "code": code,
        "kind": "percent",
        "percentBps": 1000,
        "validFrom": iso(now - timedelta(days=1)),
        "validUntil": iso(now + timedelta(days=valid_days)),
    }
    body.update(overrides)
    return body


def checkout_body(
    restaurant_id: str, expected_total: int, *, fulfilment: str = "delivery", **extra: Any
) -> dict[str, Any]:
    """A checkout body for the caller's cart at ``restaurant_id``, delivered to ``ADDRESS`` unless picked up."""
    body: dict[str, Any] = {"restaurantId": restaurant_id, "fulfilment": fulfilment, "expectedTotal": expected_total}
    if fulfilment == "delivery":
        body["deliveryAddress"] = dict(ADDRESS)
    body.update(extra)
    return body


# ---- events ---------------------------------------------------------------------------------------------------------


def fill_path(resource: str, path_params: dict[str, str] | None) -> str:
    """``resource`` (``/v1/carts/{restaurantId}``) with its path parameters filled in."""
    path = resource
    for name, value in (path_params or {}).items():
        path = path.replace("{" + name + "}", value)
    return path


def proxy_event(
    method: str,
    resource: str,
    path_params: dict[str, str] | None = None,
    *,
    path: str | None = None,
    query: dict[str, str] | None = None,
    body: str | None = None,
    headers: dict[str, str],
    identity: dict[str, str],
    authorizer: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A REST proxy event (stage ``dev``) for ``resource``, at ``path`` (by default the resource with ``path_params``
    filled in). ``body`` is sent as given; ``context`` adds members to the request context (account, API id, ...);
    every event gets a fresh request id."""
    path = fill_path(resource, path_params) if path is None else path
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            **(context or {}),
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/dev{path}",
            "stage": "dev",
            "requestId": str(uuid.uuid4()),
            "identity": identity,
            "authorizer": authorizer,
        },
    }


def authorizer_event(headers: dict[str, str], *, api_id: str, request_id: str, source_ip: str) -> dict[str, Any]:
    """The REQUEST event API Gateway (API ``api_id``, stage ``dev``) sends the partner authorizer for
    ``GET /v1/partner/orders``; the API key, if any, is among ``headers``."""
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:us-east-1:{ACCOUNT_ID}:{api_id}/dev/GET{PARTNER_ORDERS}",
        "resource": PARTNER_ORDERS,
        "path": PARTNER_ORDERS,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {},
        "pathParameters": {},
        "stageVariables": {},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "stage": "dev",
            "httpMethod": "GET",
            "resourcePath": PARTNER_ORDERS,
            "path": f"/dev{PARTNER_ORDERS}",
            "requestId": request_id,
            "identity": {"sourceIp": source_ip},
        },
    }


def line_over_minimum(restaurant: dict[str, Any], menu: dict[str, Any]) -> dict[str, Any]:
    """A cart line worth more than ``restaurant``'s minimum order (its REST view), from ``menu`` (its REST menu): the
    first available item, with the first choices of every option group that requires some."""
    item = next(i for c in menu["categories"] for i in c["items"] if i["available"])
    required = [g for g in item["optionGroups"] if g["minChoices"] > 0]
    options = [{"groupId": g["id"], "choiceIds": [c["id"] for c in g["choices"][: g["minChoices"]]]} for g in required]
    unit = item["price"] + sum(c["priceDelta"] for g in required for c in g["choices"][: g["minChoices"]])
    quantity = max(1, math.ceil((restaurant["minimumOrder"] + 1) / unit))
    return {"menuItemId": item["id"], "quantity": quantity, "options": options}
