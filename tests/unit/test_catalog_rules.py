"""Consistency rules of the catalog: prices in the restaurant's currency, sane option groups, preconditions,
no nulls in patches, bounded pages and menus, and lost races reported rather than overwritten."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.builders import (
    ADMIN,
    ANONYMOUS,
    menu_item_body,
    menu_item_create,
    menu_item_patch,
    restaurant_body,
    restaurant_create,
    restaurant_patch,
)
from tests.unit.fakes import FakeCatalogStore
from waiter.catalog import service as service_module
from waiter.catalog.models import MenuItem, MenuItemCreate, MenuItemPatch, OptionGroup, Restaurant, RestaurantCreate
from waiter.catalog.service import CatalogService
from waiter.errors import Conflict, PreconditionFailed, ValidationFailed
from waiter.repository.catalog import StaleVersion


def _only_field(error: ValidationFailed) -> str:
    assert len(error.errors) == 1
    return error.errors[0].field


# ---- currency -----------------------------------------------------------------------------------------------


def test_a_menu_item_must_be_priced_in_the_restaurants_currency(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.create_menu_item(ADMIN, restaurant.id, menu_item_create(currency="USD"))

    assert _only_field(raised.value) == "body.currency"
    assert "EUR" in raised.value.errors[0].message
    assert store.count_menu_items(restaurant.id) == 0


def test_repricing_a_menu_item_in_another_currency_is_rejected(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())

    with pytest.raises(ValidationFailed) as raised:
        service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(price=100, currency="GBP"))

    assert _only_field(raised.value) == "body.currency"
    assert store.get_menu_item(restaurant.id, item.id) == item


def test_repricing_in_the_same_currency_is_stored(service: CatalogService, restaurant: Restaurant) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())

    updated = service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(price=1150, currency="EUR"))

    assert (updated.price, updated.currency, updated.version) == (1150, "EUR", 2)
    assert updated.name == item.name
    assert updated.created_at == item.created_at
    assert updated.updated_at > item.updated_at


# ---- option groups --------------------------------------------------------------------------------------------


def _group(**overrides: Any) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": "extras",
        "name": "Extras",
        "minChoices": 0,
        "maxChoices": 2,
        "choices": [{"id": "cheese", "name": "Cheese"}, {"id": "olives", "name": "Olives"}],
    }
    group.update(overrides)
    return group


@pytest.mark.parametrize(
    ("group", "message"),
    [
        pytest.param(_group(minChoices=3, maxChoices=2), "minChoices must not exceed maxChoices", id="min-above-max"),
        pytest.param(
            _group(minChoices=3, maxChoices=5),
            "minChoices must not exceed the number of choices",
            id="min-above-choices",
        ),
        pytest.param(
            _group(choices=[{"id": "x", "name": "X"}, {"id": "x", "name": "Also X"}]),
            "choice ids must be unique within a group",
            id="duplicate-choice-ids",
        ),
        pytest.param(_group(choices=[]), "at least 1 item", id="no-choices"),
        pytest.param(_group(maxChoices=0), "greater than or equal to 1", id="max-zero"),
    ],
)
def test_an_inconsistent_option_group_is_rejected(group: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        OptionGroup.model_validate(group)
    assert message in str(raised.value)

    # ... wherever it appears: in a new item and in a patch
    with pytest.raises(ValidationError) as in_item:
        MenuItemCreate.model_validate(menu_item_body(optionGroups=[group]))
    assert in_item.value.errors()[0]["loc"][:2] == ("optionGroups", 0)
    with pytest.raises(ValidationError):
        MenuItemPatch.model_validate({"optionGroups": [group]})


def test_option_group_ids_must_be_unique_within_an_item() -> None:
    with pytest.raises(ValidationError) as raised:
        MenuItemCreate.model_validate(menu_item_body(optionGroups=[_group(), _group(name="More extras")]))
    assert "option group ids must be unique within an item" in str(raised.value)

    with pytest.raises(ValidationError):
        MenuItemPatch.model_validate({"optionGroups": [_group(), _group()]})


def test_a_consistent_option_group_is_accepted() -> None:
    group = OptionGroup.model_validate(_group(minChoices=2, maxChoices=2))
    assert (group.min_choices, group.max_choices, [c.id for c in group.choices]) == (2, 2, ["cheese", "olives"])


# ---- input shapes -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param({"active": False}, ("active",), id="create-may-not-set-active"),
        pytest.param({"id": "mine"}, ("id",), id="create-may-not-set-id"),
        pytest.param({"version": 7}, ("version",), id="create-may-not-set-version"),
        pytest.param({"taxRateBps": "700"}, ("taxRateBps",), id="no-string-numbers"),
        pytest.param({"tax_rate_bps": 700}, ("tax_rate_bps",), id="snake-case-is-unknown"),
        pytest.param({"currency": "XXX"}, ("currency",), id="unknown-currency"),
        pytest.param({"cuisines": []}, ("cuisines",), id="at-least-one-cuisine"),
        pytest.param({"cuisines": ["Pizza!"]}, ("cuisines", 0), id="cuisine-tag-format"),
    ],
)
def test_a_create_body_with_forbidden_or_malformed_fields_is_rejected(
    body: dict[str, Any], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        RestaurantCreate.model_validate(restaurant_body(**body))
    assert [e["loc"] for e in raised.value.errors()] == [loc]


def test_a_menu_price_must_be_whole_minor_units() -> None:
    for amount in [9.5, "900", -1, 10_000_001]:
        with pytest.raises(ValidationError):
            MenuItemCreate.model_validate(menu_item_body(price=amount))


def test_inputs_are_trimmed() -> None:
    assert restaurant_create(name="  Pizza Roma  ").name == "Pizza Roma"


# ---- patches ------------------------------------------------------------------------------------------------------


def test_null_in_a_restaurant_patch_is_rejected_naming_the_field(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(deliveryFee=None))

    assert _only_field(raised.value) == "body.deliveryFee"
    assert store.get_restaurant(restaurant.id) == restaurant


def test_null_in_a_menu_item_patch_is_rejected_naming_the_field(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())

    with pytest.raises(ValidationFailed) as raised:
        service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(optionGroups=None))

    assert _only_field(raised.value) == "body.optionGroups"
    assert store.get_menu_item(restaurant.id, item.id) == item


def test_a_patch_changes_only_the_fields_it_names(service: CatalogService, restaurant: Restaurant) -> None:
    address = {"line1": "9 New St", "city": "Hamburg", "postcode": "20095", "country": "DE"}
    updated = service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(address=address))

    assert updated.address.city == "Hamburg"
    assert updated.model_dump(exclude={"address", "version", "updated_at"}) == restaurant.model_dump(
        exclude={"address", "version", "updated_at"}
    )


def test_a_patch_cannot_set_identity_or_version() -> None:
    for field in ["id", "version", "currency", "createdAt"]:
        with pytest.raises(ValidationError) as raised:
            restaurant_patch(**{field: "x"})
        assert raised.value.errors()[0]["type"] == "extra_forbidden"
    for field in ["id", "version", "restaurantId"]:
        with pytest.raises(ValidationError):
            menu_item_patch(**{field: "x"})


# ---- If-Match -----------------------------------------------------------------------------------------------------


def test_a_matching_if_match_lets_the_update_through(service: CatalogService, restaurant: Restaurant) -> None:
    updated = service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(name="B"), if_match={1})
    assert updated.version == 2
    assert service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(name="C"), if_match={1, 2}).version == 3


@pytest.mark.parametrize("if_match", [pytest.param({2}, id="stale"), pytest.param(set(), id="unparseable")])
def test_a_stale_if_match_fails_the_precondition_and_writes_nothing(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, if_match: set[int]
) -> None:
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())
    writes = store.writes

    with pytest.raises(PreconditionFailed):
        service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(name="B"), if_match=if_match | {7})
    with pytest.raises(PreconditionFailed):
        service.deactivate_restaurant(ADMIN, restaurant.id, if_match=if_match)
    with pytest.raises(PreconditionFailed):
        service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(name="B"), if_match=if_match | {2})
    with pytest.raises(PreconditionFailed):
        service.delete_menu_item(ADMIN, restaurant.id, item.id, if_match=if_match | {2})

    assert store.writes == writes
    assert store.get_restaurant(restaurant.id) == restaurant
    assert store.get_menu_item(restaurant.id, item.id) == item


def test_no_if_match_means_last_writer_wins(service: CatalogService, restaurant: Restaurant) -> None:
    service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(name="B"))
    assert service.update_restaurant(ADMIN, restaurant.id, restaurant_patch(name="C"), if_match=None).name == "C"


def test_a_lost_race_is_a_conflict_not_an_overwrite(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant
) -> None:
    """Someone writes between the service's read and its conditional write: the store's condition catches it."""
    item = service.create_menu_item(ADMIN, restaurant.id, menu_item_create())
    sneaky: MenuItem = item.model_copy(update={"name": "Sneaky", "version": 2})
    read = store.get_menu_item

    def read_then_race(restaurant_id: str, item_id: str) -> MenuItem | None:
        found = read(restaurant_id, item_id)
        store.items[(restaurant_id, item_id)] = sneaky
        return found

    store.get_menu_item = read_then_race  # type: ignore[method-assign]

    with pytest.raises(StaleVersion) as raised:
        service.update_menu_item(ADMIN, restaurant.id, item.id, menu_item_patch(name="Mine"))
    assert isinstance(raised.value, Conflict)
    assert raised.value.status == 409
    assert store.items[(restaurant.id, item.id)].name == "Sneaky"


# ---- bounds ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_a_page_size_outside_1_to_100_is_rejected(service: CatalogService, limit: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.list_restaurants(ANONYMOUS, limit=limit)
    assert _only_field(raised.value) == "query.limit"


@pytest.mark.parametrize("limit", [1, 100])
def test_page_sizes_1_and_100_are_accepted(service: CatalogService, limit: int) -> None:
    for name in ["A", "B"]:
        service.create_restaurant(ADMIN, restaurant_create(name=name))
    page, _ = service.list_restaurants(ANONYMOUS, limit=limit)
    assert [s.name for s in page] == ["A", "B"][:limit]


def test_a_menu_holds_at_most_max_menu_items(
    service: CatalogService, store: FakeCatalogStore, restaurant: Restaurant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "MAX_MENU_ITEMS", 3)
    for n in range(3):
        service.create_menu_item(ADMIN, restaurant.id, menu_item_create(name=f"Dish {n}"))

    with pytest.raises(Conflict):
        service.create_menu_item(ADMIN, restaurant.id, menu_item_create(name="One too many"))
    assert store.count_menu_items(restaurant.id) == 3


def test_a_forged_cursor_is_rejected_naming_the_cursor(service: CatalogService) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.list_restaurants(ANONYMOUS, cursor="not-a-cursor")
    assert _only_field(raised.value) == "query.cursor"


def test_a_cursor_from_another_filter_is_rejected(service: CatalogService) -> None:
    for name in ["A", "B"]:
        service.create_restaurant(ADMIN, restaurant_create(name=name))
    _, cursor = service.list_restaurants(ANONYMOUS, city="berlin", limit=1)
    assert cursor is not None

    with pytest.raises(ValidationFailed) as raised:
        service.list_restaurants(ANONYMOUS, limit=1, cursor=cursor)
    assert _only_field(raised.value) == "query.cursor"
    assert [s.name for s in service.list_restaurants(ANONYMOUS, city="Berlin", limit=1, cursor=cursor)[0]] == ["B"]
