"""Every pricing rule of a cart, in one place: option deltas and choice limits, quantities, discount codes, tax,
the delivery fee, the tip and the one rounding rule. ``docs/pricing.md`` explains them with a worked example.

Adding a line is strict (``new_cart_line`` raises ``ValidationFailed`` naming the field); pricing a cart that
already exists is lenient (``price_cart`` leaves out lines the current menu no longer allows and warns about them),
because the menu may change after a line was added and the customer did nothing wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from waiter.catalog import availability
from waiter.catalog.models import MenuItem, Restaurant
from waiter.errors import Conflict, FieldError, ValidationFailed, WaiterError
from waiter.money import format_money
from waiter.ordering.models import (
    CartItemAdd,
    CartLine,
    CartWarning,
    CartWarningCode,
    DiscountCode,
    DiscountCodeCreate,
    DiscountKind,
    Fulfilment,
    OptionSelection,
    PricedCart,
    PricedLine,
    PricedOption,
)

BPS = 10_000  # basis points in 100 %
MAX_TIP = 100_000  # minor units; the tip is also capped at the subtotal


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves up: the one rounding rule of pricing.

    Integers only, so no float ever touches money. Defined for ``numerator >= 0`` and ``denominator > 0``.

    >>> round_half_up(875, 10), round_half_up(874, 10), round_half_up(0, 7)
    (88, 87, 0)
    """
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


# ---- adding a line (strict) -------------------------------------------------------------------------------


def new_cart_line(restaurant: Restaurant, menu: Mapping[str, MenuItem], data: CartItemAdd, *, line_id: str) -> CartLine:
    """The cart line for ``data``, checked strictly against the current menu and stamped with its unit price.

    Raises ``ValidationFailed`` naming ``body.menuItemId`` (not on this menu, unavailable) or the option field
    at fault (``body.options``, ``body.options.0.groupId``, ``body.options.0.choiceIds``).

    >>> from waiter.ordering.pricing import _demo_menu, _demo_restaurant
    >>> add = CartItemAdd.model_validate(
    ...     {"menuItemId": "pizza", "quantity": 2, "options": [{"groupId": "size", "choiceIds": ["large"]}]})
    >>> new_cart_line(_demo_restaurant(), _demo_menu(), add, line_id="l1").unit_price_when_added
    1150
    >>> new_cart_line(_demo_restaurant(), _demo_menu(), CartItemAdd.model_validate(
    ...     {"menuItemId": "pizza"}), line_id="l2")
    Traceback (most recent call last):
    ...
    waiter.errors.ValidationFailed: body.options: choose at least 1 in Size
    """
    item = menu.get(data.menu_item_id)
    problem = _item_problem(restaurant, item)
    if problem is not None or item is None:
        raise ValidationFailed.on("body.menuItemId", problem or "is not on this restaurant's menu")
    options, errors = _priced_options(item, data.options)
    if errors:
        fields = [FieldError(f"body.{e.field}", e.message) for e in errors]
        raise ValidationFailed(detail="; ".join(f"{e.field}: {e.message}" for e in fields), errors=fields)
    return CartLine(
        line_id=line_id,
        menu_item_id=item.id,
        quantity=data.quantity,
        options=data.options,
        unit_price_when_added=item.price + sum(o.price_delta for o in options),
    )


# ---- discount codes -------------------------------------------------------------------------------------------


def new_discount_code(restaurant: Restaurant, data: DiscountCodeCreate, *, at: datetime) -> DiscountCode:
    """A restaurant's discount code from what staff sent; a fixed amount must be in the restaurant's currency.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.pricing import _demo_restaurant
    >>> data = DiscountCodeCreate.model_validate({"code": "TEN", "kind": "percent", "percentBps": 1000,
    ...     "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2026-02-01T00:00:00Z"})
    >>> new_discount_code(_demo_restaurant(), data, at=datetime(2026, 1, 1, tzinfo=UTC)).once_per_customer
    True
    """
    if data.currency is not None and data.currency != restaurant.currency:
        raise ValidationFailed.on("body.currency", f"must be the restaurant's currency, {restaurant.currency}")
    # the code states the currency its amounts (amount, minSubtotal) are in, whatever its kind
    fields = {**data.model_dump(), "currency": restaurant.currency}
    return DiscountCode(**fields, restaurant_id=restaurant.id, created_at=at, version=1)


def discount_amount(code: DiscountCode, subtotal: int) -> int:
    """What ``code`` takes off ``subtotal``: a percentage rounded half up once, or a fixed amount; never more than
    the subtotal. It does not check whether the code applies (see ``check_discount_code``).

    >>> from waiter.ordering.pricing import _demo_code
    >>> discount_amount(_demo_code(percent_bps=1500), 1250)  # 187.5 rounds half up
    188
    >>> discount_amount(_demo_code(amount=500), 300)
    300
    """
    if code.kind is DiscountKind.PERCENT:
        assert code.percent_bps is not None  # noqa: S101 - the model guarantees it
        return round_half_up(subtotal * code.percent_bps, BPS)
    assert code.amount is not None  # noqa: S101 - the model guarantees it
    return min(code.amount, subtotal)


def check_discount_code(
    code: DiscountCode, restaurant: Restaurant, *, subtotal: int, customer_has_used_discount: bool, now: datetime
) -> None:
    """Raise when a customer may not apply ``code`` now to a cart of ``subtotal``: ``Conflict`` when they already
    used a once-per-customer code, ``ValidationFailed`` otherwise; both name ``body.code``.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.pricing import _demo_code, _demo_restaurant
    >>> check_discount_code(_demo_code(percent_bps=1000, min_subtotal=2000), _demo_restaurant(), subtotal=1000,
    ...     customer_has_used_discount=False, now=datetime(2026, 1, 15, tzinfo=UTC))
    Traceback (most recent call last):
    ...
    waiter.errors.ValidationFailed: body.code: applies from a subtotal of 20.00 EUR; this cart's is 10.00 EUR
    """
    error = _discount_problem(
        code, restaurant, subtotal=subtotal, customer_has_used_discount=customer_has_used_discount, now=now
    )
    if error is not None:
        raise error


def _discount_problem(
    code: DiscountCode, restaurant: Restaurant, *, subtotal: int, customer_has_used_discount: bool, now: datetime
) -> WaiterError | None:
    currency = restaurant.currency
    below_minimum = (
        f"applies from a subtotal of {format_money(code.min_subtotal, currency)}; "
        f"this cart's is {format_money(subtotal, currency)}"
    )
    # (failed, error, message, the amount the message names, if any)
    failures: list[tuple[bool, type[WaiterError], str, int | None]] = [
        (code.restaurant_id != restaurant.id, ValidationFailed, "is not a code of this restaurant", None),
        (now < code.valid_from, ValidationFailed, f"is not valid before {code.valid_from.isoformat()}", None),
        (now >= code.valid_until, ValidationFailed, f"expired at {code.valid_until.isoformat()}", None),
        (
            code.currency is not None and code.currency != currency,
            ValidationFailed,
            f"is in {code.currency}, this restaurant prices in {currency}",
            None,
        ),
        (
            code.once_per_customer and customer_has_used_discount,
            Conflict,
            "was already used by you; it applies once per customer",
            None,
        ),
        (subtotal < code.min_subtotal, ValidationFailed, below_minimum, code.min_subtotal),
    ]
    for failed, error, message, amount in failures:
        if failed:
            extra = {"amount": amount, "currency": currency} if amount is not None else {}
            return error(detail=f"body.code: {message}", errors=[FieldError("body.code", message)], extra=extra)
    return None


# ---- tips ---------------------------------------------------------------------------------------------------------


def check_tip(tip: int, restaurant: Restaurant, *, subtotal: int) -> None:
    """Raise ``ValidationFailed`` naming ``body.tip`` unless ``0 <= tip <= min(subtotal, MAX_TIP)``; the problem
    carries the cap in ``amount`` and ``currency``.

    >>> from waiter.ordering.pricing import _demo_restaurant
    >>> check_tip(200, _demo_restaurant(), subtotal=1000)
    >>> check_tip(1200, _demo_restaurant(), subtotal=1000)
    Traceback (most recent call last):
    ...
    waiter.errors.ValidationFailed: body.tip: must be between 0 and 10.00 EUR (the subtotal, at most 1000.00 EUR)
    """
    cap = min(subtotal, MAX_TIP)
    if not 0 <= tip <= cap:
        currency = restaurant.currency
        most = format_money(MAX_TIP, currency)
        message = f"must be between 0 and {format_money(cap, currency)} (the subtotal, at most {most})"
        raise _tip_refused(message, cap, restaurant)


def _tip_refused(message: str, cap: int, restaurant: Restaurant) -> ValidationFailed:
    refused = ValidationFailed.on("body.tip", message)
    refused.extra.update(amount=cap, currency=restaurant.currency)
    return refused


# ---- pricing a cart (lenient) ---------------------------------------------------------------------------------


def price_cart(
    restaurant: Restaurant,
    menu: Mapping[str, MenuItem],
    lines: Sequence[CartLine],
    *,
    fulfilment: Fulfilment,
    tip: int,
    discount: DiscountCode | None,
    customer_has_used_discount: bool,
    now: datetime,
) -> PricedCart:
    """Price a cart from the current menu (``menu`` maps item ids to items): the one place every rule meets.

    Lines the menu no longer allows are left out with a warning; a code that stopped applying gives a warning and
    no discount; a tip above ``min(subtotal, MAX_TIP)`` is lowered to it with a warning. Only a negative tip or one
    above ``MAX_TIP`` raises (``ValidationFailed`` on ``body.tip``): no menu change can cause those.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.pricing import _demo_menu, _demo_restaurant
    >>> line = CartLine(line_id="l1", menu_item_id="pizza", quantity=2, unit_price_when_added=950,
    ...     options=[OptionSelection.model_validate({"groupId": "size", "choiceIds": ["small"]})])
    >>> cart = price_cart(_demo_restaurant(), _demo_menu(), [line], fulfilment=Fulfilment.DELIVERY, tip=100,
    ...     discount=None, customer_has_used_discount=False, now=datetime(2026, 1, 15, tzinfo=UTC))
    >>> cart.subtotal, cart.delivery_fee, cart.tax, cart.tip, cart.total  # tax: 7 % of 1900 = 133
    (1900, 250, 133, 100, 2383)
    """
    if not 0 <= tip <= MAX_TIP:
        raise _tip_refused(f"must be between 0 and {format_money(MAX_TIP, restaurant.currency)}", MAX_TIP, restaurant)
    priced: list[PricedLine] = []
    warnings: list[CartWarning] = []
    for line in lines:
        priced_line, warning = _price_line(restaurant, menu, line)
        if priced_line is not None:
            priced.append(priced_line)
        if warning is not None:
            warnings.append(warning)

    subtotal = sum(p.line_total for p in priced)
    currency = restaurant.currency
    if subtotal < restaurant.minimum_order:
        missing = restaurant.minimum_order - subtotal
        warnings.append(
            CartWarning(
                code=CartWarningCode.MINIMUM_ORDER_NOT_MET,
                message=f"the minimum order is {format_money(restaurant.minimum_order, currency)}; "
                f"add {format_money(missing, currency)} more to check out",
                amount=missing,
                currency=currency,
            )
        )

    reduction, applied_code = 0, None
    if discount is not None:
        problem = _discount_problem(
            discount, restaurant, subtotal=subtotal, customer_has_used_discount=customer_has_used_discount, now=now
        )
        if problem is None:
            reduction, applied_code = discount_amount(discount, subtotal), discount.code
        else:
            message = problem.errors[0].message if problem.errors else problem.detail
            amount = problem.extra.get("amount")
            warnings.append(
                CartWarning(
                    code=CartWarningCode.DISCOUNT_NOT_APPLIED,
                    message=f"code {discount.code} {message}",
                    amount=amount,
                    currency=currency if amount is not None else None,
                )
            )

    tip_cap = min(subtotal, MAX_TIP)
    if tip > tip_cap:
        warnings.append(
            CartWarning(
                code=CartWarningCode.TIP_REDUCED,
                message=f"the tip was lowered to {format_money(tip_cap, currency)}, the subtotal",
                amount=tip_cap,
                currency=currency,
            )
        )
        tip = tip_cap

    warnings += _ordering_warnings(restaurant, now)
    delivery_fee = restaurant.delivery_fee if fulfilment is Fulfilment.DELIVERY and priced else 0
    tax = round_half_up((subtotal - reduction) * restaurant.tax_rate_bps, BPS)
    return PricedCart(
        restaurant_id=restaurant.id,
        currency=restaurant.currency,
        fulfilment=fulfilment,
        lines=priced,
        subtotal=subtotal,
        discount=reduction,
        discount_code=applied_code,
        delivery_fee=delivery_fee,
        tax=tax,
        tip=tip,
        total=subtotal - reduction + delivery_fee + tax + tip,
        warnings=warnings,
    )


def _ordering_warnings(restaurant: Restaurant, now: datetime) -> list[CartWarning]:
    """Why checking out now would be refused (availability.check_taking_orders), as the cart says it."""
    status = availability.status_of(restaurant, now)
    warnings: list[CartWarning] = []
    if not status.accepting_orders:
        warnings.append(
            CartWarning(
                code=CartWarningCode.ORDERS_PAUSED,
                message=availability.paused_message(status, restaurant.time_zone),
                paused_until=status.paused_until,
            )
        )
    if not status.open_now:
        warnings.append(
            CartWarning(
                code=CartWarningCode.RESTAURANT_CLOSED,
                message=availability.closed_message(status, restaurant.time_zone),
                next_opens_at=status.next_opens_at,
            )
        )
    return warnings


def _price_line(
    restaurant: Restaurant, menu: Mapping[str, MenuItem], line: CartLine
) -> tuple[PricedLine | None, CartWarning | None]:
    item = menu.get(line.menu_item_id)
    problem = _item_problem(restaurant, item)
    if problem is not None or item is None:
        name = item.name if item is not None else "an item"
        message = f"{name} {problem or 'is not on this restaurant menu'}; it was left out"
        return None, CartWarning(code=CartWarningCode.ITEM_UNAVAILABLE, message=message, line_id=line.line_id)
    options, errors = _priced_options(item, line.options)
    if errors:
        reasons = "; ".join(e.message for e in errors)
        message = f"the options chosen for {item.name} are no longer offered ({reasons}); it was left out"
        return None, CartWarning(code=CartWarningCode.OPTIONS_INVALID, message=message, line_id=line.line_id)
    unit_price = item.price + sum(o.price_delta for o in options)
    warning = None
    if unit_price != line.unit_price_when_added:
        cost, was = format_money(unit_price, item.currency), format_money(line.unit_price_when_added, item.currency)
        warning = CartWarning(
            code=CartWarningCode.PRICE_CHANGED,
            message=f"{item.name} now costs {cost} (was {was} when added)",
            line_id=line.line_id,
            amount=unit_price,
            previous_amount=line.unit_price_when_added,
            currency=item.currency,
        )
    priced = PricedLine(
        line_id=line.line_id,
        menu_item_id=item.id,
        name=item.name,
        options=options,
        quantity=line.quantity,
        unit_price=unit_price,
        line_total=unit_price * line.quantity,
    )
    return priced, warning


def _item_problem(restaurant: Restaurant, item: MenuItem | None) -> str | None:
    if item is None or item.restaurant_id != restaurant.id:
        return "is not on this restaurant's menu"
    if not item.available:
        return "is not available"
    if item.currency != restaurant.currency:
        return f"is priced in {item.currency}, not the restaurant's {restaurant.currency}"
    return None


def _priced_options(
    item: MenuItem, selections: Sequence[OptionSelection]
) -> tuple[list[PricedOption], list[FieldError]]:
    """The chosen options in menu order (groups, then choices), or what is wrong with the selection.

    Field names are relative to the request body (``options.0.choiceIds``)."""
    errors: list[FieldError] = []
    chosen: dict[str, set[str]] = {}
    groups = {g.id: g for g in item.option_groups}
    for index, selection in enumerate(selections):
        group = groups.get(selection.group_id)
        if group is None:
            errors.append(
                FieldError(f"options.{index}.groupId", f"{item.name} has no option group {selection.group_id}")
            )
            continue
        if group.id in chosen:
            errors.append(FieldError(f"options.{index}.groupId", f"{group.name} is chosen more than once"))
            continue
        field = f"options.{index}.choiceIds"
        choice_ids = {c.id for c in group.choices}
        unknown = [c for c in selection.choice_ids if c not in choice_ids]
        if unknown:
            errors.append(FieldError(field, f"{group.name} has no choice {', '.join(unknown)}"))
        elif len(set(selection.choice_ids)) != len(selection.choice_ids):
            errors.append(FieldError(field, f"a choice in {group.name} is repeated"))
        elif len(selection.choice_ids) > group.max_choices:
            errors.append(FieldError(field, f"choose at most {group.max_choices} in {group.name}"))
        elif len(selection.choice_ids) < group.min_choices:
            errors.append(FieldError(field, f"choose at least {group.min_choices} in {group.name}"))
        chosen[group.id] = set(selection.choice_ids)
    for group in item.option_groups:
        if group.id not in chosen and group.min_choices > 0:
            errors.append(FieldError("options", f"choose at least {group.min_choices} in {group.name}"))
    if errors:
        return [], errors
    return [
        PricedOption(
            group_id=group.id,
            group_name=group.name,
            choice_id=choice.id,
            choice_name=choice.name,
            price_delta=choice.price_delta,
        )
        for group in item.option_groups
        for choice in group.choices
        if choice.id in chosen.get(group.id, ())
    ], []


# ---- doctest fixtures -------------------------------------------------------------------------------------------


def _demo_restaurant() -> Restaurant:
    """A restaurant for doctests: EUR, 7 % tax, 2.50 delivery, no minimum order."""
    from datetime import UTC  # noqa: PLC0415

    from waiter.catalog.hours import around_the_clock  # noqa: PLC0415
    from waiter.catalog.models import Address  # noqa: PLC0415

    at = datetime(2026, 1, 1, tzinfo=UTC)
    return Restaurant(
        id="r1", name="Demo", description="", cuisines=["pizza"],
        address=Address(line1="1 Main St", city="Berlin", postcode="10115", country="DE"),
        currency="EUR", tax_rate_bps=700, delivery_fee=250, minimum_order=0,
        active=True, version=1, created_at=at, updated_at=at,
        time_zone="Europe/Berlin", opening_hours=around_the_clock(),
    )  # fmt: skip


def _demo_menu() -> dict[str, MenuItem]:
    """A one-item menu for doctests: a 9.50 pizza with a required size (small +0, large +2.00)."""
    from datetime import UTC  # noqa: PLC0415

    at = datetime(2026, 1, 1, tzinfo=UTC)
    pizza = MenuItem.model_validate({
        "id": "pizza", "restaurantId": "r1", "name": "Margherita", "description": "", "category": "Pizza",
        "price": 950, "currency": "EUR", "dietaryTags": [], "available": True,
        "optionGroups": [{"id": "size", "name": "Size", "minChoices": 1, "maxChoices": 1, "choices": [
            {"id": "small", "name": "Small"}, {"id": "large", "name": "Large", "priceDelta": 200}]}],
        "createdAt": at, "updatedAt": at, "version": 1,
    })  # fmt: skip
    return {pizza.id: pizza}


def _demo_code(*, percent_bps: int | None = None, amount: int | None = None, min_subtotal: int = 0) -> DiscountCode:
    """A code of the demo restaurant valid through January 2026, for doctests."""
    from datetime import UTC  # noqa: PLC0415

    return DiscountCode(
        code="DEMO", restaurant_id="r1", kind=DiscountKind.PERCENT if percent_bps else DiscountKind.FIXED,
        percent_bps=percent_bps, amount=amount, currency=None if percent_bps else "EUR", min_subtotal=min_subtotal,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC), valid_until=datetime(2026, 2, 1, tzinfo=UTC),
        once_per_customer=True, created_at=datetime(2026, 1, 1, tzinfo=UTC), version=1,
    )  # fmt: skip
