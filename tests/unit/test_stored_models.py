"""Stored restaurants and menu items read for pricing are validated once per stored document
(``waiter.repository.dynamo.StoredModels``): a read of an equal document gets the same model as validating it again
would build; any other read (another value, another attribute type, another item) is validated as always."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.builders import menu_item_create, restaurant_create
from waiter.catalog.models import MenuItem, Restaurant
from waiter.repository.catalog import (
    STORED_MENU_ITEMS,
    STORED_RESTAURANTS,
    _menu_item_item,
    _restaurant_item,
    menu_item_from_item,
    restaurant_from_item,
)
from waiter.repository.dynamo import StoredModels, deserialize, serialize

NOW = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)


def _raw_restaurant(**changes: Any) -> dict[str, Any]:
    restaurant = Restaurant(
        id="r1", **dict(restaurant_create()), active=True, version=1, created_at=NOW, updated_at=NOW
    )
    return serialize({**_restaurant_item(restaurant), **changes})


def _raw_menu_item(**changes: Any) -> dict[str, Any]:
    item = MenuItem.model_validate(
        {
            "currency": "EUR",
            **menu_item_create().model_dump(mode="json", by_alias=True),
            "id": "m1",
            "restaurantId": "r1",
            "version": 1,
            "createdAt": NOW,
            "updatedAt": NOW,
        }
    )
    return serialize({**_menu_item_item(item), **changes})


@pytest.fixture(autouse=True)
def _fresh() -> None:
    STORED_RESTAURANTS.clear()
    STORED_MENU_ITEMS.clear()


def test_a_kept_restaurant_is_what_validating_the_read_would_build() -> None:
    raw = _raw_restaurant()
    first = STORED_RESTAURANTS.read(copy.deepcopy(raw))
    again = STORED_RESTAURANTS.read(copy.deepcopy(raw))
    assert again is first
    validated = restaurant_from_item(deserialize(raw))
    assert again == validated
    assert again.model_dump_json(by_alias=True) == validated.model_dump_json(by_alias=True)
    assert again.view(NOW).model_dump_json(by_alias=True) == validated.view(NOW).model_dump_json(by_alias=True)


def test_a_kept_menu_item_is_what_validating_the_read_would_build() -> None:
    raw = _raw_menu_item()
    first = STORED_MENU_ITEMS.read(copy.deepcopy(raw))
    again = STORED_MENU_ITEMS.read(copy.deepcopy(raw))
    assert again is first
    validated = menu_item_from_item(deserialize(raw))
    assert again == validated
    assert again.model_dump_json(by_alias=True) == validated.model_dump_json(by_alias=True)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"name": "Renamed"}, id="another-value"),
        pytest.param({"version": 2}, id="another-version"),
        pytest.param({"active": False}, id="deactivated"),
        pytest.param({"deliveryFee": 999}, id="another-number"),
    ],
)
def test_a_changed_restaurant_is_read_as_it_is_now(changes: dict[str, Any]) -> None:
    STORED_RESTAURANTS.read(_raw_restaurant())
    changed = _raw_restaurant(**changes)
    assert STORED_RESTAURANTS.read(changed) == restaurant_from_item(deserialize(changed))
    assert STORED_RESTAURANTS.read(_raw_restaurant()) == restaurant_from_item(deserialize(_raw_restaurant()))


def test_another_attribute_type_is_another_document() -> None:
    raw = _raw_restaurant()
    kept = STORED_RESTAURANTS.read(raw)
    retyped = {**raw, "active": {"N": "1"}}  # 1 == True in Python, yet not the same attribute value
    try:
        expected: Restaurant | type[ValidationError] = restaurant_from_item(deserialize(retyped))
    except ValidationError:
        expected = ValidationError
    if expected is ValidationError:
        with pytest.raises(ValidationError):
            STORED_RESTAURANTS.read(retyped)
    else:
        read = STORED_RESTAURANTS.read(retyped)
        assert read is not kept
        assert read == expected


def test_another_item_is_never_answered_with_a_kept_one() -> None:
    STORED_RESTAURANTS.read(_raw_restaurant())
    other = {**_raw_restaurant(), "PK": {"S": "RESTAURANT#r2"}, "id": {"S": "r2"}}
    assert STORED_RESTAURANTS.read(other).id == "r2"


def test_a_document_that_does_not_validate_fails_every_time_and_is_not_kept() -> None:
    broken = {**_raw_restaurant(), "taxRateBps": {"S": "lots"}}
    for _ in range(2):
        with pytest.raises(ValidationError):
            STORED_RESTAURANTS.read(broken)
    assert STORED_RESTAURANTS.read(_raw_restaurant()).tax_rate_bps == restaurant_create().tax_rate_bps


def test_changing_the_read_item_afterwards_does_not_change_what_is_kept() -> None:
    raw = _raw_restaurant()
    first = STORED_RESTAURANTS.read(raw)
    raw["name"] = {"S": "Changed after the read"}
    assert STORED_RESTAURANTS.read(_raw_restaurant()) is first
    assert STORED_RESTAURANTS.read(raw).name == "Changed after the read"


def test_the_kept_models_are_bounded() -> None:
    built: list[str] = []

    def build(item: dict[str, Any]) -> str:
        built.append(item["PK"])
        return str(item["PK"])

    kept = StoredModels(build, limit=2)
    for n in range(3):
        kept.read({"PK": {"S": f"P{n}"}, "SK": {"S": "S"}})
    assert len(kept._kept) <= 2
    kept.read({"PK": {"S": "P0"}, "SK": {"S": "S"}})  # dropped when the store filled: built again
    assert built == ["P0", "P1", "P2", "P0"]


def test_an_item_without_a_table_key_is_built_and_not_kept() -> None:
    calls: list[dict[str, Any]] = []

    def build(item: dict[str, Any]) -> int:
        calls.append(item)
        return len(calls)

    kept = StoredModels(build)
    assert kept.read({"name": {"S": "x"}}) == 1
    assert kept.read({"name": {"S": "x"}}) == 2
