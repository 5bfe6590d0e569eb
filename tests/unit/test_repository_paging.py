"""The repository reads past DynamoDB's 1 MB page limit where a single answer is needed (menu, item count)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from tests.unit.builders import menu_item_create, restaurant_create
from waiter.catalog.models import MenuItem, Restaurant
from waiter.repository import keys
from waiter.repository.catalog import CatalogRepository
from waiter.repository.dynamo import serialize


class PagedClient:
    """A DynamoDB client stub answering every query with the next canned page, recording the requests."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.requests: list[dict[str, Any]] = []

    def query(self, **params: Any) -> dict[str, Any]:
        self.requests.append(dict(params))
        return self.pages[len(self.requests) - 1]


def _repository(client: PagedClient) -> CatalogRepository:
    return CatalogRepository("t", b"secret", client=cast(Any, client))


def test_counting_menu_items_adds_up_every_page() -> None:
    last = {"PK": {"S": "REST#r1"}, "SK": {"S": "ITEM#i120"}}
    client = PagedClient([{"Count": 120, "LastEvaluatedKey": last}, {"Count": 7}])

    assert _repository(client).count_menu_items("r1") == 127
    assert len(client.requests) == 2
    assert "ExclusiveStartKey" not in client.requests[0]
    assert client.requests[1]["ExclusiveStartKey"] == last
    assert client.requests[1]["Select"] == "COUNT"


def test_a_menu_is_read_across_pages() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    restaurant = Restaurant(
        id="r1", **dict(restaurant_create()), active=True, version=1, created_at=now, updated_at=now
    )
    item = MenuItem(id="i1", restaurant_id="r1", **dict(menu_item_create()), version=1, created_at=now, updated_at=now)
    profile_row = {**keys.restaurant("r1"), "entity": "restaurant", **restaurant.model_dump(mode="json", by_alias=True)}
    item_row = {**keys.menu_item("r1", "i1"), "entity": "menuItem", **item.model_dump(mode="json", by_alias=True)}
    last = {"PK": {"S": "REST#r1"}, "SK": {"S": "PROFILE"}}
    client = PagedClient(
        [{"Items": [serialize(profile_row)], "LastEvaluatedKey": last}, {"Items": [serialize(item_row)]}]
    )

    assert _repository(client).get_menu("r1") == (restaurant, [item])
    assert client.requests[1]["ExclusiveStartKey"] == last
