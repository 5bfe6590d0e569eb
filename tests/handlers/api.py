"""Calling the catalog functions the way API Gateway does, with the checks every response must pass built in:
no storage attribute ever leaks into a body, and every error is a complete problem+json document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Unpack

from tests.support import ADMIN, EventOptions, api_event, call
from waiter.repository.dynamo import deserialize, dynamodb_client
from waiter.settings import get_settings

Claims = dict[str, str]

STORAGE_ATTRIBUTES = {"PK", "SK", "entity", "version", "expiresAt"}
# An order view states its version (clients without headers, such as a list or a WebSocket frame, need it for
# If-Match): there, and only there, ``version`` is part of the contract. An order view is what carries
# ``allowedTransitions``.
ORDER_VIEW_MARK = "allowedTransitions"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "errors", "requestId"}


def staff_claims(*restaurant_ids: str) -> Claims:
    """A signed-in member of staff of ``restaurant_ids``, as the Cognito authorizer passes them."""
    return {
        "sub": "staff-1",
        "email": "staff@demo.waiter",
        "cognito:groups": "[staff]",
        "custom:restaurants": " ".join(restaurant_ids),
    }


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    def field_errors(self) -> list[str]:
        return [e["field"] for e in self.body["errors"]]


def _storage_keys(value: Any, path: str = "body") -> list[str]:
    """Every place a storage attribute appears in a decoded JSON body."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "version" and ORDER_VIEW_MARK in value:
                continue
            if key in STORAGE_ATTRIBUTES or key.startswith("GSI"):
                found.append(f"{path}.{key}")
            found += _storage_keys(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            found += _storage_keys(inner, f"{path}[{n}]")
    return found


def send(function: str, event: dict[str, Any]) -> Reply:
    status, headers, body = call(function, event)
    reply = Reply(status, headers, body)
    assert _storage_keys(body) == [], f"storage attributes leaked: {_storage_keys(body)}"
    if status >= 400:
        assert headers.get("Content-Type") == "application/problem+json", headers
        assert isinstance(body, dict), body
        assert set(body) >= PROBLEM_MEMBERS, body
        assert body["status"] == status
        assert body["requestId"] == event["requestContext"]["requestId"]
    return reply


def request(
    function: str,
    method: str,
    resource: str,
    path_params: dict[str, str] | None = None,
    **options: Unpack[EventOptions],
) -> Reply:
    """``send`` ``function`` a ``method`` request for ``resource`` (``/v1/restaurants/{restaurantId}``), its path
    filled in from ``path_params``."""
    return send(function, api_event(method, resource, path_params=path_params, **options))


# ---- one helper per route -----------------------------------------------------------------------------------

RESTAURANT = "/v1/restaurants/{restaurantId}"
MENU_ITEMS = RESTAURANT + "/menu-items"
MENU_ITEM = MENU_ITEMS + "/{itemId}"


def list_restaurants(query: dict[str, str] | None = None, *, headers: dict[str, str] | None = None) -> Reply:
    return request("list_restaurants", "GET", "/v1/restaurants", query=query, headers=headers)


def get_restaurant(restaurant_id: str, *, claims: Claims | None = None, headers: dict[str, str] | None = None) -> Reply:
    return request("get_restaurant", "GET", RESTAURANT, {"restaurantId": restaurant_id}, claims=claims, headers=headers)


def get_menu(restaurant_id: str, *, claims: Claims | None = None) -> Reply:
    return request("get_menu", "GET", RESTAURANT + "/menu", {"restaurantId": restaurant_id}, claims=claims)


def create_restaurant(body: Any, *, claims: Claims | None = ADMIN, headers: dict[str, str] | None = None) -> Reply:
    return request("create_restaurant", "POST", "/v1/restaurants", body=body, claims=claims, headers=headers)


def update_restaurant(
    restaurant_id: str, body: Any, *, claims: Claims | None = ADMIN, headers: dict[str, str] | None = None
) -> Reply:
    at = {"restaurantId": restaurant_id}
    return request("update_restaurant", "PATCH", RESTAURANT, at, body=body, claims=claims, headers=headers)


def delete_restaurant(
    restaurant_id: str, *, claims: Claims | None = ADMIN, headers: dict[str, str] | None = None
) -> Reply:
    at = {"restaurantId": restaurant_id}
    return request("delete_restaurant", "DELETE", RESTAURANT, at, claims=claims, headers=headers)


def create_menu_item(
    restaurant_id: str, body: Any, *, claims: Claims | None = ADMIN, headers: dict[str, str] | None = None
) -> Reply:
    at = {"restaurantId": restaurant_id}
    return request("create_menu_item", "POST", MENU_ITEMS, at, body=body, claims=claims, headers=headers)


def update_menu_item(
    restaurant_id: str,
    item_id: str,
    body: Any,
    *,
    claims: Claims | None = ADMIN,
    headers: dict[str, str] | None = None,
) -> Reply:
    at = {"restaurantId": restaurant_id, "itemId": item_id}
    return request("update_menu_item", "PATCH", MENU_ITEM, at, body=body, claims=claims, headers=headers)


def delete_menu_item(
    restaurant_id: str, item_id: str, *, claims: Claims | None = ADMIN, headers: dict[str, str] | None = None
) -> Reply:
    at = {"restaurantId": restaurant_id, "itemId": item_id}
    return request("delete_menu_item", "DELETE", MENU_ITEM, at, claims=claims, headers=headers)


# ---- the stored state ---------------------------------------------------------------------------------------------


def table_snapshot() -> list[dict[str, Any]]:
    """Every item in the table, in key order: compare before and after a rejected write."""
    client = dynamodb_client()
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": get_settings().table_name}
    while True:
        page = client.scan(**params)
        items += [deserialize(raw) for raw in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda item: (item["PK"], item["SK"]))


def oversized_body(size: int = 64 * 1024 + 1) -> str:
    """A syntactically valid JSON object just over the body limit."""
    padding = size - len(json.dumps({"description": ""}))
    body = json.dumps({"description": "x" * padding})
    assert len(body.encode()) == size
    return body
