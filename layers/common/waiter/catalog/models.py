"""Catalog shapes, kept apart by direction: what callers send (``*Create``/``*Patch``), what the domain holds
(``Restaurant``, ``MenuItem``) and what callers get back (``*View``). Storage shapes live in the repository."""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints, model_validator

from waiter.catalog.availability import OrderingStatus, Pause, status_of
from waiter.catalog.hours import OpeningHours, TimeZoneName
from waiter.model_base import WHOLE_NUMBER, InputModel, WireModel
from waiter.money import CurrencyCode

Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
MinorUnits = Annotated[int, Field(ge=0, le=10_000_000, strict=True), WHOLE_NUMBER]
Flag = Annotated[bool, Field(strict=True)]  # true/false only: not "no", 0 or "off"

# ---- ready-time estimates: minutes a kitchen takes to prepare an order and a courier to deliver it ----
MAX_PREP_MINUTES = 240
MAX_DELIVERY_MINUTES = 180
DEFAULT_PREP_MINUTES = 20
DEFAULT_DELIVERY_MINUTES = 30
PrepTime = Annotated[int, Field(ge=1, le=MAX_PREP_MINUTES, strict=True), WHOLE_NUMBER]
DeliveryTime = Annotated[int, Field(ge=1, le=MAX_DELIVERY_MINUTES, strict=True), WHOLE_NUMBER]


class Address(InputModel):
    line1: Name
    line2: Annotated[str, StringConstraints(max_length=120)] | None = None
    city: Name
    postcode: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class OptionChoice(InputModel):
    id: Id
    name: Name
    price_delta: MinorUnits = 0


class OptionGroup(InputModel):
    """A choice the customer makes for an item (size, extras) with how many choices are allowed."""

    id: Id
    name: Name
    min_choices: Annotated[int, Field(ge=0, le=20, strict=True), WHOLE_NUMBER] = 0
    max_choices: Annotated[int, Field(ge=1, le=20, strict=True), WHOLE_NUMBER] = 1
    choices: Annotated[list[OptionChoice], Field(min_length=1, max_length=30)]

    @model_validator(mode="after")
    def _consistent(self) -> "OptionGroup":
        if self.min_choices > self.max_choices:
            raise ValueError("minChoices must not exceed maxChoices")
        if self.min_choices > len(self.choices):
            raise ValueError("minChoices must not exceed the number of choices")
        if len({c.id for c in self.choices}) != len(self.choices):
            raise ValueError("choice ids must be unique within a group")
        return self


OptionGroups = Annotated[list[OptionGroup], Field(max_length=10)]


def _unique_group_ids(groups: list[OptionGroup] | None) -> None:
    if groups and len({g.id for g in groups}) != len(groups):
        raise ValueError("option group ids must be unique within an item")


# ---- input shapes -------------------------------------------------------------------------------------------


class RestaurantCreate(InputModel):
    name: Name
    description: Text = ""
    cuisines: Annotated[list[Tag], Field(min_length=1, max_length=5)]
    address: Address
    currency: CurrencyCode
    tax_rate_bps: Annotated[int, Field(ge=0, le=5000, strict=True), WHOLE_NUMBER]
    delivery_fee: MinorUnits = 0
    minimum_order: MinorUnits = 0
    # ready-time estimates
    default_prep_minutes: PrepTime = DEFAULT_PREP_MINUTES
    delivery_minutes: DeliveryTime = DEFAULT_DELIVERY_MINUTES
    # opening hours (docs/hours.md)
    time_zone: TimeZoneName
    opening_hours: OpeningHours


class RestaurantPatch(InputModel):
    """Fields a manager may change; currency is fixed once menu prices exist in it. A field left out keeps its
    value; null is refused (a patch changes values, it does not erase them: ``catalog.service._set_fields``), so
    the schema says each field's type alone, without the null branch of ``X | None`` (``patch_fields``)."""

    patch_fields: ClassVar[bool] = True

    name: Name | None = None
    description: Text | None = None
    cuisines: Annotated[list[Tag], Field(min_length=1, max_length=5)] | None = None
    address: Address | None = None
    tax_rate_bps: Annotated[int, Field(ge=0, le=5000, strict=True), WHOLE_NUMBER] | None = None
    delivery_fee: MinorUnits | None = None
    minimum_order: MinorUnits | None = None
    active: Flag | None = None
    # ready-time estimates
    default_prep_minutes: PrepTime | None = None
    delivery_minutes: DeliveryTime | None = None
    # opening hours (docs/hours.md); pausing orders has its own route (AvailabilityChange)
    time_zone: TimeZoneName | None = None
    opening_hours: OpeningHours | None = None


class MenuItemCreate(InputModel):
    """A menu item staff add. ``price`` is in minor units of the restaurant's currency; ``currency`` may be left
    out, and when given must be the restaurant's (a 400 on ``body.currency`` otherwise)."""

    name: Name
    description: Text = ""
    category: Name
    price: MinorUnits
    currency: CurrencyCode | None = None
    dietary_tags: Annotated[list[Tag], Field(max_length=10)] = []
    available: Flag = True
    option_groups: OptionGroups = []

    @model_validator(mode="after")
    def _groups(self) -> "MenuItemCreate":
        _unique_group_ids(self.option_groups)
        return self


class MenuItemPatch(InputModel):
    """Fields staff may change on a menu item; as for ``RestaurantPatch``, left out keeps, null is refused."""

    patch_fields: ClassVar[bool] = True

    name: Name | None = None
    description: Text | None = None
    category: Name | None = None
    price: MinorUnits | None = None
    currency: CurrencyCode | None = None
    dietary_tags: Annotated[list[Tag], Field(max_length=10)] | None = None
    available: Flag | None = None
    option_groups: OptionGroups | None = None

    @model_validator(mode="after")
    def _groups(self) -> "MenuItemPatch":
        _unique_group_ids(self.option_groups)
        return self


class AvailabilityUpdate(InputModel):
    """Whether a menu item can be ordered now (what a partner key may set)."""

    available: Flag


# ---- domain entities and output shapes -------------------------------------------------------------


class RestaurantDetails(WireModel):
    """What is stored of a restaurant and shown to callers as it is."""

    id: str
    name: str
    description: str
    cuisines: list[str]
    address: Address
    currency: str
    tax_rate_bps: int
    delivery_fee: int
    minimum_order: int
    active: bool
    created_at: datetime
    updated_at: datetime
    # ready-time estimates (restaurants stored before these existed read as the defaults)
    default_prep_minutes: int = DEFAULT_PREP_MINUTES
    delivery_minutes: int = DEFAULT_DELIVERY_MINUTES
    # opening hours (docs/hours.md)
    time_zone: TimeZoneName
    opening_hours: OpeningHours


class RestaurantView(OrderingStatus, RestaurantDetails):
    """A restaurant as callers see it: its details and, computed as it is read, whether it takes orders now."""


class Restaurant(RestaurantDetails):
    """The domain entity: the details, the version used for optimistic locking (sent as the ETag) and the pause
    staff set on incoming orders (shown only through the computed status)."""

    version: int
    pause: Pause | None = None

    def view(self, now: datetime) -> RestaurantView:
        """What callers see at ``now``: the details and the ordering status, no internal attributes."""
        return RestaurantView.model_validate({**_fields_of(self, RestaurantDetails), **dict(status_of(self, now))})


class ListingFields(WireModel):
    id: str
    name: str
    description: str
    cuisines: list[str]
    city: str
    currency: str
    delivery_fee: int
    minimum_order: int


class ListingEntry(ListingFields):
    """What the public listing stores of a restaurant: the summary and what its ordering status is computed from."""

    # opening hours and the pause (docs/hours.md)
    time_zone: str
    opening_hours: OpeningHours
    pause: Pause | None = None

    def summary(self, now: datetime) -> "RestaurantSummary":
        return RestaurantSummary.model_validate({**_fields_of(self, ListingFields), **dict(status_of(self, now))})


def _fields_of(model: WireModel, shape: type[WireModel]) -> dict[str, object]:
    """The values of ``model``'s fields that ``shape`` declares, as they are (nested models included), by field name:
    a view built from them validates only its own fields, and accepts the already validated nested models as they are
    (pydantic's default: instances are not revalidated). Dumping them to dicts first made every view validate its
    nested models again - a restaurant's opening hours, the costliest shape to validate - for data already valid."""
    return {name: getattr(model, name) for name in shape.model_fields}


class RestaurantSummary(OrderingStatus, ListingFields):
    """What the public listing shows of a restaurant, with whether it takes orders now."""


class RestaurantPage(WireModel):
    items: list[RestaurantSummary]
    next_cursor: str | None = None


class MenuItemView(WireModel):
    id: str
    restaurant_id: str
    name: str
    description: str
    category: str
    price: int
    currency: str
    dietary_tags: list[str]
    available: bool
    option_groups: list[OptionGroup]
    created_at: datetime
    updated_at: datetime


class MenuItem(MenuItemView):
    """The domain entity: the view plus its version."""

    version: int

    def view(self) -> MenuItemView:
        return MenuItemView.model_validate(_fields_of(self, MenuItemView))


class MenuCategory(WireModel):
    name: str
    items: list[MenuItemView]


class MenuView(WireModel):
    restaurant_id: str
    restaurant_name: str
    currency: str
    categories: list[MenuCategory]
