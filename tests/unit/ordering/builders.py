"""Restaurants, menus, cart lines, discount codes and orders for the ordering tests, each valid by default and
varied through keyword overrides; plus the hypothesis strategies the property tests draw from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from local import samples
from waiter.catalog.models import MenuItem, Restaurant
from waiter.ordering.lifecycle import place_order
from waiter.ordering.models import (
    CartItemAdd,
    CartLine,
    DeliveryAddress,
    DiscountCode,
    Fulfilment,
    Order,
    OrderStatus,
    PricedCart,
    PricedLine,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
RESTAURANT_ID = "r1"
CUSTOMER_ID = "c1"


def restaurant(**overrides: Any) -> Restaurant:
    """Restaurant ``r1``: EUR, 7 % tax, 2.50 delivery fee, no minimum order, open around the clock in Berlin."""
    data: dict[str, Any] = {
        "id": RESTAURANT_ID,
        "name": "Pizza Roma",
        "description": "",
        "cuisines": ["pizza"],
        "address": {"line1": "1 Main St", "city": "Berlin", "postcode": "10115", "country": "DE"},
        "timeZone": "Europe/Berlin",
        "openingHours": samples.AROUND_THE_CLOCK,
        "currency": "EUR",
        "taxRateBps": 700,
        "deliveryFee": 250,
        "minimumOrder": 0,
        "active": True,
        "createdAt": NOW,
        "updatedAt": NOW,
        "version": 1,
    }
    data.update(overrides)
    return Restaurant.model_validate(data)


def group(group_id: str, *choices: tuple[str, int], min_choices: int = 0, max_choices: int = 1) -> dict[str, Any]:
    """An option group (camelCase, as the catalog stores it) whose choices are ``(id, priceDelta)`` pairs."""
    return {
        "id": group_id,
        "name": group_id.title(),
        "minChoices": min_choices,
        "maxChoices": max_choices,
        "choices": [{"id": c, "name": c.title(), "priceDelta": delta} for c, delta in choices],
    }


def menu_item(item_id: str = "pizza", price: int = 900, currency: str = "EUR", **overrides: Any) -> MenuItem:
    """Item ``item_id`` of ``r1`` at ``price`` minor units of ``currency``, available, with no options unless given."""
    data: dict[str, Any] = {
        "id": item_id,
        "restaurantId": RESTAURANT_ID,
        "name": item_id.title(),
        "description": "",
        "category": "Mains",
        "price": price,
        "currency": currency,
        "dietaryTags": [],
        "available": True,
        "optionGroups": [],
        "createdAt": NOW,
        "updatedAt": NOW,
        "version": 1,
    }
    data.update(overrides)
    return MenuItem.model_validate(data)


def pizza() -> MenuItem:
    """A 9.00 pizza: size required (small +0, large +2.50), up to 3 extras (cheese +1.00, olives +0.50, basil +0)."""
    return menu_item(
        "pizza",
        900,
        optionGroups=[
            group("size", ("small", 0), ("large", 250), min_choices=1, max_choices=1),
            group("extras", ("cheese", 100), ("olives", 50), ("basil", 0), min_choices=0, max_choices=3),
        ],
    )


def menu(*items: MenuItem) -> dict[str, MenuItem]:
    return {item.id: item for item in items}


def add(menu_item_id: str = "pizza", quantity: int = 1, options: Sequence[tuple[str, list[str]]] = ()) -> CartItemAdd:
    """A CartItemAdd as a caller sends it; ``options`` are ``(groupId, choiceIds)`` pairs."""
    return CartItemAdd.model_validate(
        {
            "menuItemId": menu_item_id,
            "quantity": quantity,
            "options": [{"groupId": g, "choiceIds": c} for g, c in options],
        }
    )


def line(
    line_id: str = "l1",
    menu_item_id: str = "pizza",
    quantity: int = 1,
    options: Sequence[tuple[str, list[str]]] = (),
    unit_price_when_added: int = 900,
) -> CartLine:
    return CartLine.model_validate(
        {
            "lineId": line_id,
            "menuItemId": menu_item_id,
            "quantity": quantity,
            "options": [{"groupId": g, "choiceIds": c} for g, c in options],
            "unitPriceWhenAdded": unit_price_when_added,
        }
    )


def discount_code(**overrides: Any) -> DiscountCode:
    """Code ``SPRING10`` of ``r1``: 10 % off, valid for a day around ``NOW``, once per customer."""
    data: dict[str, Any] = {
        "code": "SPRING10",
        "restaurantId": RESTAURANT_ID,
        "kind": "percent",
        "percentBps": 1000,
        "minSubtotal": 0,
        "validFrom": NOW - timedelta(hours=12),
        "validUntil": NOW + timedelta(hours=12),
        "oncePerCustomer": True,
        "createdAt": NOW - timedelta(days=1),
        "version": 1,
    }
    data.update(overrides)
    return DiscountCode.model_validate(data)


def fixed_code(amount: int = 500, currency: str = "EUR", **overrides: Any) -> DiscountCode:
    return discount_code(kind="fixed", percentBps=None, amount=amount, currency=currency, **overrides)


def address() -> DeliveryAddress:
    return DeliveryAddress.model_validate(
        {"line1": "2 Side St", "city": "Berlin", "postcode": "10117", "country": "DE"}
    )


def priced_cart(fulfilment: Fulfilment = Fulfilment.DELIVERY, **overrides: Any) -> PricedCart:
    """A priced cart of one 9.00 pizza: 0.63 tax, 2.50 delivery for delivery, total 11.13 (8.63 for pickup)."""
    fee = 250 if fulfilment is Fulfilment.DELIVERY else 0
    pizza_line = PricedLine(
        line_id="l1", menu_item_id="pizza", name="Pizza", options=[], quantity=1, unit_price=900, line_total=900
    )
    data: dict[str, Any] = {
        "restaurant_id": RESTAURANT_ID,
        "currency": "EUR",
        "fulfilment": fulfilment,
        "lines": [pizza_line],
        "subtotal": 900,
        "discount": 0,
        "delivery_fee": fee,
        "tax": 63,
        "tip": 0,
        "total": 963 + fee,
        "warnings": [],
    }
    data.update(overrides)
    return PricedCart(**data)


def order(fulfilment: Fulfilment = Fulfilment.DELIVERY) -> Order:
    """A freshly placed order of customer ``c1`` at ``r1``."""
    return place_order(
        priced_cart(fulfilment),
        order_id="o1",
        customer_id=CUSTOMER_ID,
        delivery_address=address() if fulfilment is Fulfilment.DELIVERY else None,
        at=NOW,
    )


def reason_for(to: OrderStatus) -> str | None:
    """A reason where the lifecycle requires one (a rejection), none elsewhere."""
    return "we are out of dough" if to is OrderStatus.REJECTED else None


# ---- hypothesis strategies ---------------------------------------------------------------------------------


@st.composite
def option_groups(draw: st.DrawFn, item_id: str) -> list[dict[str, Any]]:
    groups = []
    for g in range(draw(st.integers(0, 3))):
        count = draw(st.integers(1, 4))
        max_choices = draw(st.integers(1, count))
        min_choices = draw(st.integers(0, max_choices))
        deltas = draw(st.lists(st.integers(0, 5_000), min_size=count, max_size=count))
        choices = [(f"{item_id}-g{g}-c{c}", delta) for c, delta in enumerate(deltas)]
        groups.append(group(f"{item_id}-g{g}", *choices, min_choices=min_choices, max_choices=max_choices))
    return groups


@st.composite
def menus(draw: st.DrawFn) -> dict[str, MenuItem]:
    """One to five items of ``r1`` with random prices, option groups and availability."""
    items = [
        menu_item(
            f"item{i}",
            draw(st.integers(0, 100_000)),
            optionGroups=draw(option_groups(f"item{i}")),
            available=draw(st.sampled_from([True, True, True, False])),
        )
        for i in range(draw(st.integers(1, 5)))
    ]
    return menu(*items)


@st.composite
def selections(draw: st.DrawFn, item: MenuItem) -> list[tuple[str, list[str]]]:
    """A selection that is valid for ``item``: every required group, optional ones sometimes, within limits."""
    chosen = []
    for g in item.option_groups:
        if g.min_choices == 0 and draw(st.booleans()):
            continue
        ids = [c.id for c in g.choices]
        picked = draw(st.lists(st.sampled_from(ids), min_size=g.min_choices, max_size=g.max_choices, unique=True))
        chosen.append((g.id, picked))
    return draw(st.permutations(chosen))


@st.composite
def any_selections(draw: st.DrawFn, item: MenuItem) -> list[tuple[str, list[str]]]:
    """Valid or not: a valid selection, sometimes with a group dropped, a choice added or an unknown id."""
    chosen = draw(selections(item))
    mutation = draw(st.sampled_from(["none", "drop", "extra", "unknown-group", "unknown-choice", "repeat"]))
    if mutation == "drop" and chosen:
        chosen.pop(draw(st.integers(0, len(chosen) - 1)))
    elif mutation == "extra" and item.option_groups:
        g = draw(st.sampled_from(item.option_groups))
        chosen.append((g.id, [g.choices[0].id]))
    elif mutation == "unknown-group":
        chosen.append(("nope", []))
    elif mutation == "unknown-choice" and chosen:
        chosen[0] = (chosen[0][0], [*chosen[0][1], "nope"])
    elif mutation == "repeat" and chosen and chosen[0][1]:
        chosen[0] = (chosen[0][0], [*chosen[0][1], chosen[0][1][0]])
    return chosen


@st.composite
def carts(draw: st.DrawFn, items: dict[str, MenuItem]) -> list[CartLine]:
    """Up to eight lines on ``items`` (and sometimes an item that left the menu), mostly with valid options,
    stamped with the current unit price or another one."""
    lines = []
    ids = list(items)
    for n in range(draw(st.integers(0, 8))):
        item_id = draw(st.sampled_from([*ids, *ids, *ids, "gone"]))  # an item that left the menu, now and then
        item = items.get(item_id)
        options = draw(st.one_of(selections(item), any_selections(item))) if item is not None else []
        stamped = draw(st.integers(0, 200_000) | st.just(item.price if item else 0))
        lines.append(line(f"l{n}", item_id, draw(st.integers(1, 99)), options, unit_price_when_added=stamped))
    return lines


@st.composite
def discount_codes(draw: st.DrawFn) -> DiscountCode | None:
    """None, or a percent or fixed code that may or may not apply at ``NOW``."""
    kind = draw(st.sampled_from(["none", "percent", "fixed"]))
    if kind == "none":
        return None
    starts = NOW + timedelta(hours=draw(st.just(-24) | st.integers(-48, 2)))
    window: dict[str, Any] = {
        "validFrom": starts,
        "validUntil": starts + timedelta(hours=draw(st.just(48) | st.integers(1, 72))),
        "minSubtotal": draw(st.just(0) | st.integers(0, 50_000)),
        "oncePerCustomer": draw(st.booleans()),
    }
    if kind == "percent":
        return discount_code(percentBps=draw(st.integers(1, 10_000)), **window)
    return fixed_code(draw(st.integers(1, 1_000_000)), **window)


restaurants = st.builds(
    restaurant,
    taxRateBps=st.integers(0, 5000),
    deliveryFee=st.integers(0, 10_000),
    minimumOrder=st.integers(0, 50_000),
)
