"""Pricing rules, one example each: adding a line is strict, pricing an existing cart is lenient; discounts, tax,
the delivery fee and the tip follow docs/pricing.md."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.ordering.builders import (
    NOW,
    add,
    discount_code,
    fixed_code,
    line,
    menu,
    menu_item,
    pizza,
    restaurant,
)
from waiter.catalog.models import MenuItem, Restaurant
from waiter.errors import Conflict, ValidationFailed
from waiter.ordering.models import (
    CartItemAdd,
    CartLine,
    CartWarningCode,
    DiscountCode,
    DiscountCodeCreate,
    Fulfilment,
    PricedCart,
)
from waiter.ordering.pricing import (
    MAX_TIP,
    check_discount_code,
    check_tip,
    discount_amount,
    new_cart_line,
    new_discount_code,
    price_cart,
    round_half_up,
)


def price(
    lines: list[CartLine],
    items: dict[str, MenuItem] | None = None,
    *,
    at: Restaurant | None = None,
    fulfilment: Fulfilment = Fulfilment.PICKUP,
    tip: int = 0,
    discount: DiscountCode | None = None,
    used: bool = False,
) -> PricedCart:
    return price_cart(
        at or restaurant(),
        items if items is not None else menu(pizza(), menu_item("cola", 300)),
        lines,
        fulfilment=fulfilment,
        tip=tip,
        discount=discount,
        customer_has_used_discount=used,
        now=NOW,
    )


def codes(cart: PricedCart) -> list[CartWarningCode]:
    return [w.code for w in cart.warnings]


# ---- adding a line --------------------------------------------------------------------------------------------


def test_adding_a_line_stamps_the_unit_price_including_option_deltas() -> None:
    data = add("pizza", 2, [("size", ["large"]), ("extras", ["cheese", "olives"])])

    added = new_cart_line(restaurant(), menu(pizza()), data, line_id="l1")

    assert added.unit_price_when_added == 900 + 250 + 100 + 50
    assert (added.line_id, added.menu_item_id, added.quantity) == ("l1", "pizza", 2)
    assert added.options == data.options


def test_adding_a_line_without_a_required_group_names_body_options() -> None:
    with pytest.raises(ValidationFailed) as raised:
        new_cart_line(restaurant(), menu(pizza()), add("pizza", 1, [("extras", ["cheese"])]), line_id="l1")
    assert [(e.field, e.message) for e in raised.value.errors] == [("body.options", "choose at least 1 in Size")]


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ([("size", ["small", "large"])], "body.options.0.choiceIds", "choose at most 1 in Size"),
        ([("size", [])], "body.options.0.choiceIds", "choose at least 1 in Size"),
        ([("size", ["medium"])], "body.options.0.choiceIds", "Size has no choice medium"),
        ([("size", ["small"]), ("crust", ["thin"])], "body.options.1.groupId", "Pizza has no option group crust"),
        ([("size", ["small"]), ("size", ["large"])], "body.options.1.groupId", "Size is chosen more than once"),
        (
            [("size", ["small"]), ("extras", ["cheese", "cheese"])],
            "body.options.1.choiceIds",
            "a choice in Extras is repeated",
        ),
    ],
)
def test_adding_a_line_with_invalid_options_names_the_field(
    options: list[tuple[str, list[str]]], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        new_cart_line(restaurant(), menu(pizza()), add("pizza", 1, options), line_id="l1")
    assert [(e.field, e.message) for e in raised.value.errors] == [(field, message)]


def test_adding_a_line_reports_every_option_problem_at_once() -> None:
    with pytest.raises(ValidationFailed) as raised:
        new_cart_line(restaurant(), menu(pizza()), add("pizza", 1, [("crust", ["thin"])]), line_id="l1")
    assert [e.field for e in raised.value.errors] == ["body.options.0.groupId", "body.options"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (menu(), "is not on this restaurant's menu"),
        (menu(menu_item("pizza", restaurantId="r2")), "is not on this restaurant's menu"),
        (menu(menu_item("pizza", available=False)), "is not available"),
        (
            menu(menu_item("pizza", 900, "USD")),
            "is priced in USD, not the restaurant's EUR",
        ),
    ],
    ids=["unknown", "other-restaurant", "unavailable", "other-currency"],
)
def test_adding_an_item_that_cannot_be_ordered_names_body_menu_item_id(
    items: dict[str, MenuItem], message: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        new_cart_line(restaurant(), items, add("pizza"), line_id="l1")
    assert [(e.field, e.message) for e in raised.value.errors] == [("body.menuItemId", message)]


@pytest.mark.parametrize("quantity", [1, 99])
def test_quantities_from_1_to_99_are_accepted(quantity: int) -> None:
    assert add("cola", quantity).quantity == quantity


@pytest.mark.parametrize("quantity", [0, -1, 100, "2", 1.5])
def test_quantities_outside_1_to_99_or_not_integers_are_rejected(quantity: Any) -> None:
    with pytest.raises(ValidationError):
        CartItemAdd.model_validate({"menuItemId": "cola", "quantity": quantity})
    with pytest.raises(ValidationError):
        line(quantity=quantity)


def test_a_client_cannot_send_a_price() -> None:
    with pytest.raises(ValidationError, match="unitPrice"):
        CartItemAdd.model_validate({"menuItemId": "cola", "quantity": 1, "unitPrice": 1})


# ---- pricing an existing cart ---------------------------------------------------------------------------------


def test_lines_are_priced_from_the_current_menu_with_option_names_and_deltas() -> None:
    cart = price(
        [line("l1", "pizza", 2, [("extras", ["olives", "cheese"]), ("size", ["large"])], unit_price_when_added=1300)]
    )

    (priced,) = cart.lines
    assert (priced.name, priced.unit_price, priced.quantity, priced.line_total) == ("Pizza", 1300, 2, 2600)
    # menu order (size before extras, cheese before olives), whatever order the customer chose in
    assert [(o.group_name, o.choice_name, o.price_delta) for o in priced.options] == [
        ("Size", "Large", 250),
        ("Extras", "Cheese", 100),
        ("Extras", "Olives", 50),
    ]
    assert cart.subtotal == 2600
    assert cart.warnings == []


def test_a_price_change_since_adding_is_a_warning_and_the_current_price_counts() -> None:
    cart = price([line("l1", "cola", 2, unit_price_when_added=250)])

    assert cart.lines[0].unit_price == 300
    assert cart.subtotal == 600
    assert [(w.code, w.line_id) for w in cart.warnings] == [(CartWarningCode.PRICE_CHANGED, "l1")]
    assert "now costs 3.00 EUR (was 2.50 EUR" in cart.warnings[0].message
    warning = cart.warnings[0]
    assert (warning.amount, warning.previous_amount, warning.currency) == (300, 250, "EUR")


@pytest.mark.parametrize(
    "items",
    [menu(menu_item("pizza", 500)), menu(menu_item("cola", 300, available=False), menu_item("pizza", 500))],
    ids=["removed", "unavailable"],
)
def test_a_line_whose_item_cannot_be_ordered_any_more_is_left_out_with_a_warning(items: dict[str, MenuItem]) -> None:
    cart = price(
        [line("l1", "cola", 3, unit_price_when_added=300), line("l2", "pizza", 1, unit_price_when_added=500)], items
    )

    assert [p.line_id for p in cart.lines] == ["l2"]
    assert cart.subtotal == 500
    assert [(w.code, w.line_id) for w in cart.warnings] == [(CartWarningCode.ITEM_UNAVAILABLE, "l1")]


def test_a_line_whose_options_the_menu_no_longer_allows_is_left_out_with_a_warning() -> None:
    # the extras group became required-with-two after the line was added with just a size
    changed = pizza().model_copy(
        update={
            "option_groups": [pizza().option_groups[0], pizza().option_groups[1].model_copy(update={"min_choices": 2})]
        }
    )
    cart = price([line("l1", "pizza", 1, [("size", ["small"])])], menu(changed))

    assert cart.lines == []
    assert cart.subtotal == 0
    assert [(w.code, w.line_id) for w in cart.warnings] == [(CartWarningCode.OPTIONS_INVALID, "l1")]
    assert "choose at least 2 in Extras" in cart.warnings[0].message


def test_the_priced_cart_is_in_the_restaurants_currency() -> None:
    cart = price(
        [line("l1", "cola", 1, unit_price_when_added=300)],
        menu(menu_item("cola", 300, "GBP")),
        at=restaurant(currency="GBP"),
    )
    assert cart.currency == "GBP"
    assert cart.restaurant_id == "r1"


def test_below_the_minimum_order_the_cart_warns() -> None:
    cart = price([line("l1", "cola", 3, unit_price_when_added=300)], at=restaurant(minimumOrder=1000))

    assert codes(cart) == [CartWarningCode.MINIMUM_ORDER_NOT_MET]
    assert cart.warnings[0].message == "the minimum order is 10.00 EUR; add 1.00 EUR more to check out"
    assert (cart.warnings[0].amount, cart.warnings[0].currency) == (100, "EUR")


def test_reaching_the_minimum_order_exactly_is_enough() -> None:
    cart = price([line("l1", "cola", 3, unit_price_when_added=300)], at=restaurant(minimumOrder=900))
    assert cart.warnings == []


def test_the_minimum_order_is_compared_with_the_subtotal_before_discount() -> None:
    cart = price(
        [line("l1", "cola", 3, unit_price_when_added=300)], at=restaurant(minimumOrder=900), discount=fixed_code(500)
    )
    assert cart.discount == 500
    assert cart.warnings == []


def test_the_delivery_fee_applies_to_delivery_only() -> None:
    lines = [line("l1", "cola", 1, unit_price_when_added=300)]
    assert price(lines, fulfilment=Fulfilment.DELIVERY).delivery_fee == 250
    assert price(lines, fulfilment=Fulfilment.PICKUP).delivery_fee == 0


def test_an_empty_cart_costs_nothing_even_for_delivery() -> None:
    cart = price([], fulfilment=Fulfilment.DELIVERY, tip=100)
    assert (cart.subtotal, cart.delivery_fee, cart.tax, cart.tip, cart.total) == (0, 0, 0, 0, 0)


def test_tax_is_charged_on_the_subtotal_after_discount_not_on_fee_or_tip() -> None:
    # 10 x 3.00 = 30.00; 10 % off = 3.00; 7 % of 27.00 = 1.89
    cart = price(
        [line("l1", "cola", 10, unit_price_when_added=300)],
        fulfilment=Fulfilment.DELIVERY,
        tip=500,
        discount=discount_code(),
    )
    assert (cart.subtotal, cart.discount, cart.tax, cart.delivery_fee, cart.tip) == (3000, 300, 189, 250, 500)
    assert cart.total == 3000 - 300 + 189 + 250 + 500


def test_tax_rounds_half_up_once_on_the_whole_cart() -> None:
    # per line 7 % of 1.25 = 0.0875 would round to 0.09 each (0.27); on the cart 7 % of 3.75 = 0.2625 -> 0.26
    items = menu(menu_item("a", 125), menu_item("b", 125), menu_item("c", 125))
    lines = [line(f"l{n}", i, 1, unit_price_when_added=125) for n, i in enumerate("abc")]
    assert price(lines, items).tax == 26
    # 7 % of 12.50 = 0.875 -> 0.88 (half up)
    assert price([line("l1", "a", 10, unit_price_when_added=125)], items).tax == 88


def test_the_worked_example_of_the_pricing_doc() -> None:
    items = menu(menu_item("margherita", 450), menu_item("tiramisu", 350))
    lines = [
        line("l1", "margherita", 2, unit_price_when_added=450),
        line("l2", "tiramisu", 1, unit_price_when_added=350),
    ]
    cart = price(lines, items, fulfilment=Fulfilment.DELIVERY, tip=100, discount=discount_code(percentBps=1500))

    assert (cart.subtotal, cart.discount, cart.delivery_fee, cart.tax, cart.tip, cart.total) == (
        1250,
        188,
        250,
        74,
        100,
        1486,
    )
    assert cart.discount_code == "SPRING10"


# ---- discounts --------------------------------------------------------------------------------------------------


def test_a_percent_discount_rounds_half_up() -> None:
    assert discount_amount(discount_code(percentBps=1500), 1250) == 188  # 187.5
    assert discount_amount(discount_code(percentBps=1500), 1249) == 187  # 187.35


def test_a_full_percent_discount_is_the_whole_subtotal() -> None:
    assert discount_amount(discount_code(percentBps=10_000), 1999) == 1999


def test_a_fixed_discount_never_exceeds_the_subtotal() -> None:
    assert discount_amount(fixed_code(500), 1200) == 500
    assert discount_amount(fixed_code(500), 300) == 300


def _problems() -> list[Any]:
    return [
        pytest.param(discount_code(validUntil=NOW), False, ValidationFailed, "expired at", id="expired-at-validUntil"),
        pytest.param(
            discount_code(validFrom=NOW + timedelta(seconds=1)),
            False,
            ValidationFailed,
            "is not valid before",
            id="not-yet",
        ),
        pytest.param(
            discount_code(minSubtotal=3001), False, ValidationFailed, "applies from a subtotal of 30.01 EUR", id="min"
        ),
        pytest.param(discount_code(), True, Conflict, "already used by you", id="used"),
        pytest.param(
            discount_code(restaurantId="r2"), False, ValidationFailed, "not a code of this restaurant", id="other"
        ),
        pytest.param(
            fixed_code(currency="USD"),
            False,
            ValidationFailed,
            "is in USD, this restaurant prices in EUR",
            id="currency",
        ),
    ]


@pytest.mark.parametrize(("code", "used", "error", "message"), _problems())
def test_applying_a_code_that_does_not_apply_raises_naming_body_code(
    code: DiscountCode, used: bool, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        check_discount_code(code, restaurant(), subtotal=3000, customer_has_used_discount=used, now=NOW)
    assert type(raised.value) is error
    assert isinstance(raised.value, ValidationFailed | Conflict)
    assert [e.field for e in raised.value.errors] == ["body.code"]
    assert message in raised.value.errors[0].message


@pytest.mark.parametrize(("code", "used", "error", "message"), _problems())
def test_a_code_that_stopped_applying_gives_a_warning_and_no_discount(
    code: DiscountCode, used: bool, error: type[Exception], message: str
) -> None:
    cart = price([line("l1", "cola", 10, unit_price_when_added=300)], discount=code, used=used)

    assert (cart.discount, cart.discount_code) == (0, None)
    assert codes(cart) == [CartWarningCode.DISCOUNT_NOT_APPLIED]
    assert message in cart.warnings[0].message


def test_a_code_applies_from_valid_from_inclusive_and_at_exactly_the_minimum_subtotal() -> None:
    check_discount_code(
        discount_code(validFrom=NOW, minSubtotal=3000),
        restaurant(),
        subtotal=3000,
        customer_has_used_discount=False,
        now=NOW,
    )


def test_a_code_not_limited_to_once_per_customer_applies_again() -> None:
    code = discount_code(oncePerCustomer=False)
    check_discount_code(code, restaurant(), subtotal=3000, customer_has_used_discount=True, now=NOW)
    assert price([line("l1", "cola", 10, unit_price_when_added=300)], discount=code, used=True).discount == 300


def test_a_fixed_code_must_be_created_in_the_restaurants_currency() -> None:
    data = DiscountCodeCreate.model_validate(
        {
            "code": "FIVE-OFF",
            "kind": "fixed",
            "amount": 500,
            "currency": "USD",
            "validFrom": "2026-03-01T00:00:00Z",
            "validUntil": "2026-04-01T00:00:00Z",
        }
    )
    with pytest.raises(ValidationFailed) as raised:
        new_discount_code(restaurant(), data, at=NOW)
    assert raised.value.errors[0].field == "body.currency"


def test_a_created_code_belongs_to_the_restaurant_and_keeps_its_terms() -> None:
    data = DiscountCodeCreate.model_validate(
        {
            "code": "FIVE-OFF",
            "kind": "fixed",
            "amount": 500,
            "currency": "EUR",
            "minSubtotal": 2000,
            "validFrom": "2026-03-01T00:00:00Z",
            "validUntil": "2026-04-01T00:00:00Z",
            "oncePerCustomer": False,
        }
    )
    code = new_discount_code(restaurant(), data, at=NOW)
    assert (code.restaurant_id, code.code, code.amount, code.min_subtotal, code.once_per_customer) == (
        "r1",
        "FIVE-OFF",
        500,
        2000,
        False,
    )
    assert (code.version, code.created_at) == (1, NOW)
    assert "version" not in code.view().model_dump()


# ---- tips -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tip", [-1, MAX_TIP + 1])
def test_a_negative_or_huge_tip_is_rejected_naming_body_tip(tip: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        price([line("l1", "cola", 1, unit_price_when_added=300)], tip=tip)
    assert raised.value.errors[0].field == "body.tip"


def test_a_tip_above_the_subtotal_is_lowered_to_it_with_a_warning() -> None:
    cart = price([line("l1", "cola", 1, unit_price_when_added=300)], tip=301)
    assert cart.tip == 300
    assert codes(cart) == [CartWarningCode.TIP_REDUCED]


def test_a_tip_equal_to_the_subtotal_is_kept() -> None:
    cart = price([line("l1", "cola", 1, unit_price_when_added=300)], tip=300)
    assert (cart.tip, cart.total) == (300, 300 + 21 + 300)
    assert cart.warnings == []


def test_setting_a_tip_checks_it_strictly_against_the_subtotal_and_the_cap() -> None:
    check_tip(0, restaurant(), subtotal=0)
    check_tip(MAX_TIP, restaurant(), subtotal=MAX_TIP * 2)
    for tip, subtotal in [(-1, 100), (101, 100), (MAX_TIP + 1, MAX_TIP * 2)]:
        with pytest.raises(ValidationFailed) as raised:
            check_tip(tip, restaurant(), subtotal=subtotal)
        assert raised.value.errors[0].field == "body.tip"
        assert (raised.value.extra["amount"], raised.value.extra["currency"]) == (min(subtotal, MAX_TIP), "EUR")


def test_messages_say_money_with_the_currencys_own_decimals() -> None:
    yen = restaurant(currency="JPY", minimumOrder=1500, taxRateBps=1000, deliveryFee=0)
    menu_jpy = {"ramen": menu_item("ramen", 900, "JPY")}
    cart = price_cart(yen, menu_jpy, [line("l1", "ramen", 1, unit_price_when_added=800)], fulfilment=Fulfilment.PICKUP,
                      tip=0, discount=None, customer_has_used_discount=False, now=NOW)  # fmt: skip

    by_code = {w.code: w for w in cart.warnings}
    assert by_code[CartWarningCode.PRICE_CHANGED].message == "Ramen now costs 900 JPY (was 800 JPY when added)"
    minimum = by_code[CartWarningCode.MINIMUM_ORDER_NOT_MET]
    assert minimum.message == "the minimum order is 1500 JPY; add 600 JPY more to check out"
    assert (minimum.amount, minimum.currency) == (600, "JPY")
    with pytest.raises(ValidationFailed, match=r"between 0 and 900 JPY \(the subtotal, at most 100000 JPY\)"):
        check_tip(901, yen, subtotal=900)


# ---- rounding -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(0, 10_000, 0), (4_999, 10_000, 0), (5_000, 10_000, 1), (15_000, 10_000, 2), (25_000, 10_000, 3), (7, 1, 7)],
)
def test_round_half_up_rounds_halves_away_from_zero(numerator: int, denominator: int, rounded: int) -> None:
    assert round_half_up(numerator, denominator) == rounded


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 10), (1, 0), (1, -10)])
def test_round_half_up_refuses_negative_amounts_and_non_positive_divisors(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        round_half_up(numerator, denominator)


def test_a_minimum_subtotal_not_reached_names_the_minimum_in_words_and_in_fields() -> None:
    code = discount_code(minSubtotal=3001)
    with pytest.raises(ValidationFailed) as raised:
        check_discount_code(code, restaurant(), subtotal=3000, customer_has_used_discount=False, now=NOW)
    assert (raised.value.extra["amount"], raised.value.extra["currency"]) == (3001, "EUR")

    cart = price([line("l1", "cola", 10, unit_price_when_added=300)], discount=code)

    [warning] = [w for w in cart.warnings if w.code is CartWarningCode.DISCOUNT_NOT_APPLIED]
    assert (warning.amount, warning.currency) == (3001, "EUR")
    assert "30.01 EUR" in warning.message


def test_a_code_states_the_restaurants_currency_whatever_its_kind() -> None:
    base = {"validFrom": "2026-03-01T00:00:00Z", "validUntil": "2026-04-01T00:00:00Z", "minSubtotal": 1500}
    percent = DiscountCodeCreate.model_validate({"code": "TEN", "kind": "percent", "percentBps": 1000, **base})
    fixed = DiscountCodeCreate.model_validate({"code": "FIVE", "kind": "fixed", "amount": 500, **base})
    restated = DiscountCodeCreate.model_validate(
        {"code": "SIX", "kind": "fixed", "amount": 600, "currency": "EUR", **base}
    )

    for data in (percent, fixed, restated):
        assert new_discount_code(restaurant(), data, at=NOW).view().currency == "EUR"
    with pytest.raises(ValidationFailed) as raised:
        new_discount_code(restaurant(currency="GBP"), restated, at=NOW)
    assert raised.value.errors[0].field == "body.currency"
