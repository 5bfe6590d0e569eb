"""What every catalog function does alike: CORS for browsers, and failures that reveal nothing of the system."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.handlers import api
from tests.unit.builders import menu_item_body, restaurant_body
from waiter.catalog.service import CatalogService
from waiter.compose import catalog_service

ORIGIN = {"Origin": "https://app.waiter.example"}


def test_successful_responses_carry_cors_headers_for_a_browser(restaurant: dict[str, Any]) -> None:
    for reply in [
        api.list_restaurants(headers=ORIGIN),
        api.get_restaurant(restaurant["id"], headers=ORIGIN),
        api.create_restaurant(restaurant_body(name="Other"), headers=ORIGIN),
        api.update_restaurant(restaurant["id"], {"name": "B"}, headers=ORIGIN),
        api.create_menu_item(restaurant["id"], menu_item_body(), headers=ORIGIN),
    ]:
        assert reply.status < 300
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in reply.headers.get("Access-Control-Expose-Headers", "")


def test_error_responses_carry_cors_headers_too(restaurant: dict[str, Any]) -> None:
    for reply in [
        api.get_restaurant("does-not-exist", headers=ORIGIN),
        api.create_restaurant("{", headers=ORIGIN),
        api.update_restaurant(restaurant["id"], {"name": "C"}, headers={**ORIGIN, "If-Match": '"9"'}),
        api.create_restaurant(restaurant_body(), claims=None, headers=ORIGIN),
        api.create_restaurant(api.oversized_body(), headers=ORIGIN),
    ]:
        assert reply.status >= 400
        assert reply.headers["Access-Control-Allow-Origin"] == "*"


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(
        "boom: arn:aws:dynamodb:us-east-1:123456789012:table/waiter-test "
        'File "/var/task/waiter/repository/catalog.py", line 42'
    )


ROUTES: list[tuple[str, Callable[[dict[str, Any]], api.Reply]]] = [
    ("list_restaurants", lambda _: api.list_restaurants()),
    ("get_restaurant", lambda r: api.get_restaurant(r["id"])),
    ("get_menu", lambda r: api.get_menu(r["id"])),
    ("create_restaurant", lambda _: api.create_restaurant(restaurant_body())),
    ("update_restaurant", lambda r: api.update_restaurant(r["id"], {"name": "X"})),
    ("deactivate_restaurant", lambda r: api.delete_restaurant(r["id"])),
    ("create_menu_item", lambda r: api.create_menu_item(r["id"], menu_item_body())),
    ("update_menu_item", lambda r: api.update_menu_item(r["id"], "i1", {"name": "X"})),
    ("delete_menu_item", lambda r: api.delete_menu_item(r["id"], "i1")),
]


@pytest.mark.parametrize(("use_case", "request_it"), ROUTES, ids=[name for name, _ in ROUTES])
def test_an_unexpected_failure_is_a_bare_500_problem(
    restaurant: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    use_case: str,
    request_it: Callable[[dict[str, Any]], api.Reply],
) -> None:
    service: CatalogService = catalog_service()
    monkeypatch.setattr(service, use_case, _explode)

    reply = request_it(restaurant)

    assert reply.status == 500
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.body["type"] == "https://waiter.dev/problems/internal"
    assert reply.body["errors"] == []
    text = str(reply.body)
    for secret in ["boom", "arn:", "waiter-test", "Traceback", "RuntimeError", "File ", "/var/task", "dynamodb"]:
        assert secret not in text


def test_every_error_names_the_request_it_answers(table: str) -> None:
    reply = api.get_restaurant("does-not-exist")

    # api.send checks requestId against the event; here, that it is there at all
    assert isinstance(reply.body["requestId"], str)
    assert reply.body["requestId"]
