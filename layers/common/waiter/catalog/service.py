"""Catalog use cases: every rule about restaurants and menus lives here, whatever protocol asks.

Services receive the caller as a ``Principal`` and plain input models, and return domain models; they know
nothing of Lambda, HTTP or DynamoDB (the repository is passed in and only its methods are used).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from waiter.catalog.availability import MAX_PAUSE_DAYS, AvailabilityChange, Pause, RestaurantAvailability, status_of
from waiter.catalog.models import (
    ListingEntry,
    MenuCategory,
    MenuItem,
    MenuItemCreate,
    MenuItemPatch,
    MenuItemView,
    MenuView,
    Restaurant,
    RestaurantCreate,
    RestaurantPatch,
    RestaurantSummary,
    RestaurantView,
)
from waiter.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from waiter.identity import Principal, partner_restaurant

MAX_MENU_ITEMS = 300
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class CatalogStore(Protocol):
    """What the catalog needs from storage (implemented by ``waiter.repository.catalog.CatalogRepository``)."""

    def get_restaurant(self, restaurant_id: str) -> Restaurant | None: ...
    def get_restaurants(self, restaurant_ids: Collection[str]) -> dict[str, Restaurant]: ...
    def create_restaurant(self, restaurant: Restaurant, listing: ListingEntry | None) -> None: ...
    def replace_restaurant(
        self,
        restaurant: Restaurant,
        listing: ListingEntry | None,
        *,
        expected_version: int,
        previous_listing: ListingEntry | None,
    ) -> None: ...
    def list_restaurants(
        self, *, city: str | None, cuisine: str | None, limit: int, cursor: str | None
    ) -> tuple[list[ListingEntry], str | None]: ...
    def get_menu(self, restaurant_id: str) -> tuple[Restaurant | None, list[MenuItem]]: ...
    def get_menu_item(self, restaurant_id: str, item_id: str) -> MenuItem | None: ...
    def count_menu_items(self, restaurant_id: str) -> int: ...
    def create_menu_item(self, item: MenuItem) -> None: ...
    def replace_menu_item(self, item: MenuItem, expected_version: int) -> None: ...
    def delete_menu_item(self, restaurant_id: str, item_id: str, expected_version: int) -> None: ...


def utc_now() -> datetime:
    """Now in UTC, to the millisecond (what ISO 8601 timestamps in the API carry)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    return uuid.uuid4().hex


def public_listing(restaurant: Restaurant) -> ListingEntry | None:
    """What the public listing holds of a restaurant: active ones only, and only these fields.

    >>> public_listing(_demo_restaurant(active=False)) is None
    True
    """
    if not restaurant.active:
        return None
    return ListingEntry(
        id=restaurant.id,
        name=restaurant.name,
        description=restaurant.description,
        cuisines=restaurant.cuisines,
        city=restaurant.address.city,
        currency=restaurant.currency,
        delivery_fee=restaurant.delivery_fee,
        minimum_order=restaurant.minimum_order,
        time_zone=restaurant.time_zone,
        opening_hours=restaurant.opening_hours,
        pause=restaurant.pause,
    )


def group_menu(restaurant: Restaurant, items: list[MenuItem], *, include_unavailable: bool) -> MenuView:
    """The menu as customers read it: items grouped by category, categories and items ordered by name."""
    by_category: dict[str, list[MenuItemView]] = {}
    for item in sorted(items, key=lambda i: (i.category.casefold(), i.name.casefold(), i.id)):
        if item.available or include_unavailable:
            by_category.setdefault(item.category, []).append(item.view())
    return MenuView(
        restaurant_id=restaurant.id,
        restaurant_name=restaurant.name,
        currency=restaurant.currency,
        categories=[MenuCategory(name=name, items=group) for name, group in by_category.items()],
    )


@dataclass
class CatalogService:
    """Restaurants and menus: who may see and change what, and which changes are consistent."""

    store: CatalogStore
    clock: Callable[[], datetime] = utc_now
    ids: Callable[[], str] = new_id

    # ---- reads ----------------------------------------------------------------------------------------------

    def list_restaurants(
        self,
        caller: Principal,  # noqa: ARG002 - every use case takes its caller; the listing is public
        *,
        city: str | None = None,
        cuisine: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> tuple[list[RestaurantSummary], str | None]:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValidationFailed.on("query.limit", f"must be between 1 and {MAX_PAGE_SIZE}")
        entries, next_cursor = self.store.list_restaurants(
            city=city or None, cuisine=cuisine or None, limit=limit, cursor=cursor
        )
        now = self.clock()
        return [entry.summary(now) for entry in entries], next_cursor

    def get_restaurant(self, caller: Principal, restaurant_id: str) -> Restaurant:
        """A restaurant; a deactivated one exists only for those who manage it."""
        restaurant = self.store.get_restaurant(restaurant_id)
        if restaurant is None or not (restaurant.active or caller.staffs(restaurant_id)):
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        return restaurant

    def get_restaurants(self, caller: Principal, restaurant_ids: Collection[str]) -> dict[str, Restaurant]:
        """The restaurants of ``restaurant_ids`` the caller may see (``get_restaurant``'s rule), read together;
        the others are left out."""
        found = self.store.get_restaurants(restaurant_ids)
        return {i: r for i, r in found.items() if r.active or caller.staffs(i)}

    def view(self, restaurant: Restaurant) -> RestaurantView:
        """The restaurant as callers see it now (with its ordering status computed at this service's clock)."""
        return restaurant.view(self.clock())

    def get_menu(self, caller: Principal, restaurant_id: str) -> MenuView:
        """The menu; its staff, admins and its partner key also see the items that are unavailable now."""
        restaurant, items = self.store.get_menu(restaurant_id)
        runs = caller.staffs(restaurant_id) or _is_partner_of(caller, restaurant_id)
        if restaurant is None or not (restaurant.active or runs):
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        return group_menu(restaurant, items, include_unavailable=runs)

    def get_restaurant_and_menu(self, caller: Principal, restaurant_id: str) -> tuple[Restaurant, MenuView]:
        """``get_restaurant`` and ``get_menu`` from one read of the restaurant's partition (the menu's read holds
        the restaurant): the restaurant under ``get_restaurant``'s rule, whose callers all see the menu too."""
        restaurant, items = self.store.get_menu(restaurant_id)
        if restaurant is None or not (restaurant.active or caller.staffs(restaurant_id)):
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        runs = caller.staffs(restaurant_id) or _is_partner_of(caller, restaurant_id)
        return restaurant, group_menu(restaurant, items, include_unavailable=runs)

    def partner_menu(self, caller: Principal) -> MenuView:
        """The whole menu (unavailable items included) of the one restaurant a partner key is scoped to."""
        return self.get_menu(caller, partner_restaurant(caller))

    # ---- restaurant management ------------------------------------------------------------------------------

    def create_restaurant(self, caller: Principal, data: RestaurantCreate) -> Restaurant:
        if not caller.is_admin:
            raise Forbidden("only admins create restaurants")
        now = self.clock()
        restaurant = Restaurant(id=self.ids(), **dict(data), active=True, version=1, created_at=now, updated_at=now)
        self.store.create_restaurant(restaurant, public_listing(restaurant))
        return restaurant

    def update_restaurant(
        self, caller: Principal, restaurant_id: str, patch: RestaurantPatch, *, if_match: Collection[int] | None = None
    ) -> Restaurant:
        current = self._managed_restaurant(caller, restaurant_id, if_match)
        changes = _set_fields(patch)
        if "active" in changes and not caller.is_admin:
            raise Forbidden("only admins activate or deactivate restaurants")
        return self._save_restaurant(current, changes)

    def deactivate_restaurant(
        self, caller: Principal, restaurant_id: str, *, if_match: Collection[int] | None = None
    ) -> None:
        """Deleting a restaurant deactivates it: it leaves listings, its history and orders are kept."""
        if not caller.is_admin:
            raise Forbidden("only admins delete restaurants")
        current = self._managed_restaurant(caller, restaurant_id, if_match)
        if current.active:
            self._save_restaurant(current, {"active": False})

    # ---- pausing incoming orders (docs/hours.md) ---------------------------------------------------------------

    def set_availability(
        self, caller: Principal, restaurant_id: str, change: AvailabilityChange
    ) -> RestaurantAvailability:
        """Pause or resume the restaurant's incoming orders: its staff, admins, or its partner key. Orders already
        placed are untouched. A write of the restaurant's profile (and listing entries), retried when a concurrent
        edit wins the optimistic lock: a kitchen under pressure should not have to try again."""
        now = self.clock()
        pause = _pause(change, now)
        for attempt in range(_AVAILABILITY_ATTEMPTS):
            current = self.store.get_restaurant(restaurant_id)
            if current is None or not (current.active or caller.acts_for(restaurant_id)):
                raise NotFound(f"restaurant {restaurant_id} does not exist")
            if not caller.acts_for(restaurant_id):
                raise Forbidden("you do not work for this restaurant")
            try:
                updated = self._save_restaurant(current, {"pause": pause})
                break
            except Conflict:  # the store's lost optimistic lock (nothing else here raises Conflict)
                if attempt == _AVAILABILITY_ATTEMPTS - 1:
                    raise
        status = status_of(updated, now)
        return RestaurantAvailability(restaurant_id=restaurant_id, **dict(status))

    # ---- menu management ------------------------------------------------------------------------------------

    def create_menu_item(self, caller: Principal, restaurant_id: str, data: MenuItemCreate) -> MenuItem:
        restaurant = self._managed_restaurant(caller, restaurant_id, None)
        _check_currency(restaurant, data.currency)
        if self.store.count_menu_items(restaurant_id) >= MAX_MENU_ITEMS:
            raise Conflict(f"a menu holds at most {MAX_MENU_ITEMS} items")
        now = self.clock()
        fields = {**dict(data), "currency": restaurant.currency}  # the item states the currency it is priced in
        item = MenuItem(id=self.ids(), restaurant_id=restaurant_id, **fields, version=1, created_at=now, updated_at=now)
        self.store.create_menu_item(item)
        return item

    def update_menu_item(
        self,
        caller: Principal,
        restaurant_id: str,
        item_id: str,
        patch: MenuItemPatch,
        *,
        if_match: Collection[int] | None = None,
    ) -> MenuItem:
        restaurant = self._managed_restaurant(caller, restaurant_id, None)
        current = self._menu_item(restaurant_id, item_id, if_match)
        changes = _set_fields(patch)
        _check_currency(restaurant, changes.pop("currency", None))  # a restaurant's currency never changes
        updated = current.model_copy(
            update={
                **_revalidated(MenuItem, current, changes),
                "version": current.version + 1,
                "updated_at": self.clock(),
            }
        )
        self.store.replace_menu_item(updated, current.version)
        return updated

    def set_item_availability(
        self,
        caller: Principal,
        item_id: str,
        available: bool,
        *,
        if_match: Collection[int] | None = None,
    ) -> MenuItem:
        """Switch a menu item on or off: the one menu change a partner key (a restaurant's POS) may make, on its own
        restaurant's items. Staff change availability like any other field (``update_menu_item``)."""
        restaurant_id = partner_restaurant(caller)
        current = self._menu_item(restaurant_id, item_id, if_match)
        if current.available == available:
            return current
        updated = current.model_copy(
            update={"available": available, "version": current.version + 1, "updated_at": self.clock()}
        )
        self.store.replace_menu_item(updated, current.version)
        return updated

    def delete_menu_item(
        self, caller: Principal, restaurant_id: str, item_id: str, *, if_match: Collection[int] | None = None
    ) -> None:
        self._managed_restaurant(caller, restaurant_id, None)
        current = self._menu_item(restaurant_id, item_id, if_match)
        self.store.delete_menu_item(restaurant_id, item_id, current.version)

    # ---- helpers --------------------------------------------------------------------------------------------

    def _managed_restaurant(
        self, caller: Principal, restaurant_id: str, if_match: Collection[int] | None
    ) -> Restaurant:
        restaurant = self.store.get_restaurant(restaurant_id)
        if restaurant is None:
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        if not caller.staffs(restaurant_id):
            raise Forbidden("you do not manage this restaurant")
        check_precondition(restaurant.version, if_match)
        return restaurant

    def _menu_item(self, restaurant_id: str, item_id: str, if_match: Collection[int] | None) -> MenuItem:
        item = self.store.get_menu_item(restaurant_id, item_id)
        if item is None:
            raise NotFound(f"menu item {item_id} does not exist")
        check_precondition(item.version, if_match)
        return item

    def _save_restaurant(self, current: Restaurant, changes: dict[str, object]) -> Restaurant:
        updated = current.model_copy(
            update={
                **_revalidated(Restaurant, current, changes),
                "version": current.version + 1,
                "updated_at": self.clock(),
            }
        )
        self.store.replace_restaurant(
            updated,
            public_listing(updated),
            expected_version=current.version,
            previous_listing=public_listing(current),
        )
        return updated


def _is_partner_of(caller: Principal, restaurant_id: str) -> bool:
    return caller.is_partner and restaurant_id in caller.restaurants


_AVAILABILITY_ATTEMPTS = 3


def _pause(change: AvailabilityChange, now: datetime) -> Pause | None:
    """The pause an availability change asks for (None: resume), its ``until`` in UTC."""
    if change.accepting_orders:
        for name in ("until", "reason"):
            if getattr(change, name) is not None:
                raise ValidationFailed.on(f"body.{name}", "is only for pausing (acceptingOrders: false)")
        return None
    until = change.until
    if until is not None and until <= now:
        raise ValidationFailed.on("body.until", "must be in the future")
    if until is not None and until > now + timedelta(days=MAX_PAUSE_DAYS):
        raise ValidationFailed.on(
            "body.until", f"must be within {MAX_PAUSE_DAYS} days; for closures, use the opening hours' exceptions"
        )
    # converted only once in range: year 9999 at -23:59 compares fine but has no UTC equivalent
    return Pause(since=now, until=until.astimezone(UTC) if until else None, reason=change.reason)


def check_precondition(version: int, if_match: Collection[int] | None) -> None:
    """``PreconditionFailed`` (412) unless ``If-Match`` is absent (``None``) or names ``version``; every
    optimistic-locked resource (restaurants, menu items, orders) answers a stale tag alike."""
    if if_match is not None and version not in if_match:
        raise PreconditionFailed("the resource was changed since you read it; fetch it again (ETag mismatch)")


def _check_currency(restaurant: Restaurant, currency: object) -> None:
    """A currency sent beside a price may only restate the restaurant's (``None``: not sent)."""
    if currency is not None and currency != restaurant.currency:
        raise ValidationFailed.on("body.currency", f"must be the restaurant's currency, {restaurant.currency}")


def _revalidated[M: Restaurant | MenuItem](model: type[M], current: M, changes: dict[str, object]) -> dict[str, object]:
    """Apply ``changes`` through full validation so nested values become models again (model_copy alone does not)."""
    merged = model.model_validate({**dict(current), **changes})
    return {name: getattr(merged, name) for name in changes}


def _set_fields(patch: RestaurantPatch | MenuItemPatch) -> dict[str, object]:
    """The fields a patch names, as validated values (nested models stay models: dumped to dicts, they would
    carry snake_case keys that the camelCase-only input models reject). A field set to null is refused: a patch
    changes values, it does not erase them."""
    changes = {name: getattr(patch, name) for name in type(patch).model_fields if name in patch.model_fields_set}
    for name, value in changes.items():
        if value is None:
            raise ValidationFailed.on(f"body.{_camel(name)}", "may not be null")
    return changes


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _demo_restaurant(*, active: bool) -> Restaurant:
    """A small restaurant for doctests."""
    from waiter.catalog.hours import around_the_clock  # noqa: PLC0415
    from waiter.catalog.models import Address  # noqa: PLC0415

    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Restaurant(
        id="r1", name="Demo", description="", cuisines=["pizza"],
        address=Address(line1="1 Main St", city="Berlin", postcode="10115", country="DE"),
        currency="EUR", tax_rate_bps=700, delivery_fee=0, minimum_order=0,
        active=active, version=1, created_at=now, updated_at=now,
        time_zone="Europe/Berlin", opening_hours=around_the_clock(),
    )  # fmt: skip
