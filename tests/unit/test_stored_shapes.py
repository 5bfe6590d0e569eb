"""Reading stored restaurants: their opening hours are validated once per stored document, with the same results
as validating every read (``waiter.repository.catalog``), and views are built from the validated parts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.builders import restaurant_create
from waiter.catalog.hours import OpeningHours
from waiter.catalog.models import Restaurant
from waiter.repository.catalog import _restaurant_item, restaurant_from_item

NOW = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)


def _stored(**changes: Any) -> dict[str, Any]:
    restaurant = Restaurant(
        id="r1", **dict(restaurant_create()), active=True, version=1, created_at=NOW, updated_at=NOW
    )
    return {**_restaurant_item(restaurant), **changes}


def test_a_stored_restaurant_reads_back_as_validating_it_in_full_would() -> None:
    item = _stored()
    expected = Restaurant.model_validate({k: v for k, v in item.items() if k not in ("PK", "SK", "entity")})
    assert restaurant_from_item(item) == expected
    assert restaurant_from_item(item) == expected  # the second read reuses the validated hours


def test_two_reads_of_the_same_hours_share_one_validated_model() -> None:
    first, second = restaurant_from_item(_stored()), restaurant_from_item(_stored(name="Other"))
    assert first.opening_hours is second.opening_hours


def test_other_stored_hours_read_as_their_own() -> None:
    hours = {"weekly": {"mon": [{"opens": "09:00", "closes": "17:00"}]}, "exceptions": []}
    restaurant = restaurant_from_item(_stored(openingHours=hours))
    assert restaurant.opening_hours == OpeningHours.model_validate(hours)
    assert restaurant.opening_hours != restaurant_from_item(_stored()).opening_hours


def test_stored_hours_that_do_not_validate_still_fail_the_restaurant_as_before() -> None:
    overlapping = {"weekly": {"mon": [{"opens": "09:00", "closes": "17:00"}, {"opens": "12:00", "closes": "20:00"}]}}
    for _ in range(2):  # a failure is not remembered
        with pytest.raises(ValidationError) as failure:
            restaurant_from_item(_stored(openingHours=overlapping))
        assert failure.value.errors()[0]["loc"][:3] == ("openingHours", "weekly", "mon")


def test_a_view_holds_the_entitys_validated_hours_and_dumps_as_before() -> None:
    restaurant = restaurant_from_item(_stored())
    view = restaurant.view(NOW)
    assert view.opening_hours is restaurant.opening_hours
    dumped = view.model_dump(mode="json", by_alias=True)
    assert dumped["openingHours"] == restaurant.model_dump(mode="json", by_alias=True)["openingHours"]
    assert dumped["id"] == "r1"
    assert "version" not in dumped
    assert "pause" not in dumped
