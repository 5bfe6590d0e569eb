"""Invariants of pricing over random menus, carts, codes and tips: the parts add up to the total, nothing is
negative, a discount never exceeds the subtotal, line order changes nothing, tax follows the one rounding rule,
and adding (strict) and pricing (lenient) judge a line alike."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.ordering.builders import NOW, add, any_selections, carts, discount_codes, line, menus, restaurants
from waiter.catalog.models import MenuItem, Restaurant
from waiter.errors import Conflict, ValidationFailed
from waiter.ordering.models import CartLine, CartWarningCode, DiscountCode, DiscountKind, Fulfilment, PricedCart
from waiter.ordering.pricing import MAX_TIP, check_discount_code, discount_amount, new_cart_line, price_cart

LEFT_OUT = {CartWarningCode.ITEM_UNAVAILABLE, CartWarningCode.OPTIONS_INVALID}


@dataclass(frozen=True)
class Case:
    """Everything price_cart was given, and what it returned."""

    restaurant: Restaurant
    menu: dict[str, MenuItem]
    lines: list[CartLine]
    code: DiscountCode | None
    used: bool
    tip: int
    fulfilment: Fulfilment

    def price(self, lines: Sequence[CartLine] | None = None) -> PricedCart:
        return price_cart(
            self.restaurant,
            self.menu,
            self.lines if lines is None else lines,
            fulfilment=self.fulfilment,
            tip=self.tip,
            discount=self.code,
            customer_has_used_discount=self.used,
            now=NOW,
        )

    @property
    def cart(self) -> PricedCart:
        return self.price()


@st.composite
def cases(draw: st.DrawFn) -> Case:
    items = draw(menus())
    return Case(
        restaurant=draw(restaurants),
        menu=items,
        lines=draw(carts(items)),
        code=draw(discount_codes()),
        used=draw(st.booleans()),
        tip=draw(st.integers(0, MAX_TIP) | st.integers(0, 5_000)),
        fulfilment=draw(st.sampled_from(Fulfilment)),
    )


def half_up(amount: Decimal) -> int:
    """An independent oracle for the rounding rule: decimal arithmetic instead of integer floor division."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_oracle_rounds_halves_up() -> None:
    # the properties below are only as good as their oracle
    assert [half_up(Decimal(x) / 10) for x in (4, 5, 15, 25, 874, 875)] == [0, 1, 2, 3, 87, 88]


@given(cases())
def test_the_parts_always_add_up_to_the_total(case: Case) -> None:
    cart = case.cart
    assert cart.total == cart.subtotal - cart.discount + cart.delivery_fee + cart.tax + cart.tip
    assert cart.subtotal == sum(priced.line_total for priced in cart.lines)
    for priced in cart.lines:
        assert priced.line_total == priced.unit_price * priced.quantity
        assert priced.unit_price == case.menu[priced.menu_item_id].price + sum(o.price_delta for o in priced.options)


@given(cases())
def test_nothing_is_ever_negative_and_the_discount_never_exceeds_the_subtotal(case: Case) -> None:
    cart = case.cart
    amounts = [cart.subtotal, cart.discount, cart.delivery_fee, cart.tax, cart.tip, cart.total]
    amounts += [p.unit_price for p in cart.lines] + [p.line_total for p in cart.lines]
    assert all(amount >= 0 for amount in amounts)
    assert cart.discount <= cart.subtotal


@given(cases())
def test_tax_is_the_restaurants_rate_on_the_discounted_subtotal_rounded_half_up_once(case: Case) -> None:
    cart, rate = case.cart, case.restaurant.tax_rate_bps
    taxable = cart.subtotal - cart.discount
    assert cart.tax == half_up(Decimal(taxable) * rate / 10_000)
    # the same rule as an integer inequality: tax - 1/2 <= taxable * rate / 10000 < tax + 1/2
    assert 20_000 * cart.tax - 10_000 <= 2 * taxable * rate < 20_000 * cart.tax + 10_000


@given(cases())
def test_the_discount_is_the_codes_rate_rounded_half_up_or_its_amount_capped_at_the_subtotal(case: Case) -> None:
    cart, code = case.cart, case.code
    if cart.discount_code is None:
        assert cart.discount == 0
        return
    assert code is not None
    assert cart.discount_code == code.code
    if code.kind is DiscountKind.PERCENT:
        assert code.percent_bps is not None
        assert cart.discount == half_up(Decimal(cart.subtotal) * code.percent_bps / 10_000)
    else:
        assert code.amount is not None
        assert cart.discount == min(code.amount, cart.subtotal)


@given(cases())
def test_a_code_gives_a_discount_exactly_when_applying_it_would_succeed(case: Case) -> None:
    cart, code = case.cart, case.code
    if code is None:
        assert CartWarningCode.DISCOUNT_NOT_APPLIED not in [w.code for w in cart.warnings]
        return
    try:
        check_discount_code(
            code, case.restaurant, subtotal=cart.subtotal, customer_has_used_discount=case.used, now=NOW
        )
    except (ValidationFailed, Conflict):
        assert cart.discount_code is None
        assert CartWarningCode.DISCOUNT_NOT_APPLIED in [w.code for w in cart.warnings]
    else:
        assert cart.discount_code == code.code
        assert cart.discount == discount_amount(code, cart.subtotal)


@given(cases())
def test_the_tip_is_what_was_asked_capped_at_the_subtotal(case: Case) -> None:
    cart = case.cart
    assert cart.tip == min(case.tip, cart.subtotal)
    assert (CartWarningCode.TIP_REDUCED in [w.code for w in cart.warnings]) == (case.tip > cart.subtotal)


@given(cases())
def test_delivery_costs_the_fee_when_there_is_something_to_deliver_and_pickup_never(case: Case) -> None:
    cart = case.cart
    delivers = case.fulfilment is Fulfilment.DELIVERY and bool(cart.lines)
    assert cart.delivery_fee == (case.restaurant.delivery_fee if delivers else 0)


@given(cases())
def test_below_the_minimum_order_and_only_then_the_cart_warns(case: Case) -> None:
    cart = case.cart
    warned = CartWarningCode.MINIMUM_ORDER_NOT_MET in [w.code for w in cart.warnings]
    assert warned == (cart.subtotal < case.restaurant.minimum_order)


@given(cases())
def test_every_line_is_either_priced_or_left_out_with_a_warning_never_both(case: Case) -> None:
    cart = case.cart
    priced = [p.line_id for p in cart.lines]
    left_out = [w.line_id or "" for w in cart.warnings if w.code in LEFT_OUT]
    assert sorted(priced + left_out) == sorted(line.line_id for line in case.lines)
    for priced_line in cart.lines:
        assert case.menu[priced_line.menu_item_id].available


@given(cases(), st.randoms(use_true_random=False))
def test_line_order_changes_nothing_but_the_order_of_lines(case: Case, rng: random.Random) -> None:
    shuffled = list(case.lines)
    rng.shuffle(shuffled)
    cart, again = case.cart, case.price(shuffled)

    ignoring_order = {"lines", "warnings"}
    assert again.model_dump(exclude=ignoring_order) == cart.model_dump(exclude=ignoring_order)
    assert sorted(again.lines, key=lambda p: p.line_id) == sorted(cart.lines, key=lambda p: p.line_id)
    assert sorted(again.warnings, key=repr) == sorted(cart.warnings, key=repr)


@st.composite
def menu_and_item(draw: st.DrawFn) -> tuple[dict[str, MenuItem], MenuItem]:
    items = draw(menus())
    return items, draw(st.sampled_from(list(items.values())))


@given(restaurants, menu_and_item(), st.data())
def test_adding_strictly_and_pricing_leniently_judge_a_line_alike(
    restaurant: Restaurant, chosen: tuple[dict[str, MenuItem], MenuItem], data: st.DataObject
) -> None:
    items, item = chosen
    options = data.draw(any_selections(item))
    quantity = data.draw(st.integers(1, 99))
    try:
        added: CartLine | None = new_cart_line(restaurant, items, add(item.id, quantity, options), line_id="l1")
    except ValidationFailed:
        added = None
    stored = added or line("l1", item.id, quantity, options, unit_price_when_added=0)

    cart = price_cart(
        restaurant,
        items,
        [stored],
        fulfilment=Fulfilment.PICKUP,
        tip=0,
        discount=None,
        customer_has_used_discount=False,
        now=NOW,
    )

    if added is None:
        assert cart.lines == []
        assert [w.code for w in cart.warnings if w.code in LEFT_OUT] != []
    else:
        assert [p.unit_price for p in cart.lines] == [added.unit_price_when_added]
        assert CartWarningCode.PRICE_CHANGED not in [w.code for w in cart.warnings]
