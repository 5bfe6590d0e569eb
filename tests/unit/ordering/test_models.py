"""The ordering shapes: what callers may send, and the consistency every priced cart and order keeps."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.ordering.builders import CUSTOMER_ID, order, priced_cart
from waiter.ordering.lifecycle import order_view
from waiter.ordering.models import (
    Actor,
    ActorType,
    CartLinePatch,
    DiscountCodeApply,
    DiscountCodeCreate,
    DiscountKind,
    Fulfilment,
    OrderView,
)

CUSTOMER = Actor(type=ActorType.CUSTOMER, id=CUSTOMER_ID)


def code_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "SPRING-10",
        "kind": "percent",
        "percentBps": 1000,
        "validFrom": "2026-03-01T00:00:00Z",
        "validUntil": "2026-04-01T00:00:00Z",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_a_discount_code_is_once_per_customer_with_no_minimum_unless_said_otherwise() -> None:
    created = DiscountCodeCreate.model_validate(code_body())
    assert (created.kind, created.percent_bps, created.min_subtotal, created.once_per_customer) == (
        DiscountKind.PERCENT,
        1000,
        0,
        True,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"code": "spring10"},
        {"code": "AB"},
        {"code": "A" * 33},
        {"code": "SPRING_10"},
        {"percentBps": 0},
        {"percentBps": 10_001},
        {"percentBps": None},
        {"amount": 500},
        {"kind": "fixed", "percentBps": None, "currency": "EUR"},
        {"kind": "fixed", "amount": 500, "currency": "EUR"},
        {"kind": "fixed", "percentBps": None, "amount": 0, "currency": "EUR"},
        {"kind": "fixed", "percentBps": None, "amount": 500, "currency": "XXX"},
        {"minSubtotal": -1},
        {"validUntil": "2026-03-01T00:00:00Z"},
        {"validFrom": "2026-03-01T00:00:00"},
        {"kind": "bogo"},
        {"active": False},
    ],
    ids=repr,
)
def test_a_discount_code_that_breaks_a_rule_is_rejected(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DiscountCodeCreate.model_validate(code_body(**overrides))


@pytest.mark.parametrize("percent_bps", [1, 10_000])
def test_a_percent_code_takes_1_to_10000_basis_points(percent_bps: int) -> None:
    assert DiscountCodeCreate.model_validate(code_body(percentBps=percent_bps)).percent_bps == percent_bps


def test_a_fixed_code_has_an_amount_and_a_currency() -> None:
    created = DiscountCodeCreate.model_validate(
        code_body(kind="fixed", percentBps=None, amount=500, currency="EUR", minSubtotal=2000)
    )
    assert (created.amount, created.currency, created.min_subtotal) == (500, "EUR", 2000)


def test_a_code_a_customer_types_is_trimmed_and_upper_cased() -> None:
    assert DiscountCodeApply.model_validate({"code": "  spring-10 "}).code == "SPRING-10"
    with pytest.raises(ValidationError):
        DiscountCodeApply.model_validate({"code": "spring 10"})


@pytest.mark.parametrize("quantity", [0, 100])
def test_a_line_patch_keeps_quantities_within_1_to_99(quantity: int) -> None:
    assert CartLinePatch.model_validate({"quantity": 99}).quantity == 99
    with pytest.raises(ValidationError):
        CartLinePatch.model_validate({"quantity": quantity})


@pytest.mark.parametrize(
    "overrides",
    [{"total": 1214}, {"discount": 901, "tax": 0, "total": 249}, {"tip": -1, "total": 1212}],
    ids=["total-does-not-add-up", "discount-above-subtotal", "negative"],
)
def test_a_priced_cart_that_does_not_add_up_cannot_exist(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        priced_cart(Fulfilment.DELIVERY, **overrides)


def test_a_priced_cart_is_sent_in_camel_case() -> None:
    body = priced_cart().model_dump(mode="json", by_alias=True)
    assert {"deliveryFee", "discountCode", "restaurantId", "warnings"} <= body.keys()
    assert set(body["lines"][0]) == {"lineId", "menuItemId", "name", "options", "quantity", "unitPrice", "lineTotal"}


def test_an_order_view_states_its_version_and_shows_history_as_from_and_to() -> None:
    body = order_view(order(), CUSTOMER).model_dump(mode="json", by_alias=True)
    assert body["version"] == 1  # the contract changed: orders state their version (docs/auth.md says why)
    assert body["history"] == [
        {"from": None, "to": "PLACED", "at": "2026-03-10T12:00:00Z", "actor": {"type": "customer", "id": "c1"},
         "reason": None}
    ]  # fmt: skip
    assert (body["status"], body["paymentStatus"], body["fulfilment"]) == ("PLACED", "UNPAID", "delivery")
    assert (body["allowedTransitions"], body["statusReason"]) == (["CANCELLED"], None)


def test_an_order_round_trips_through_its_wire_form() -> None:
    placed = order()
    assert type(placed).model_validate(placed.model_dump(mode="json", by_alias=True)) == placed


@pytest.mark.parametrize(
    ("fulfilment", "with_address"),
    [(Fulfilment.DELIVERY, False), (Fulfilment.PICKUP, True)],
    ids=["delivery", "pickup"],
)
def test_a_delivery_order_has_an_address_and_a_pickup_order_none(fulfilment: Fulfilment, with_address: bool) -> None:
    body = order_view(order(Fulfilment.DELIVERY), CUSTOMER).model_dump(mode="json", by_alias=True)
    body["fulfilment"] = fulfilment.value
    if not with_address:
        body["deliveryAddress"] = None
    with pytest.raises(ValidationError, match="delivery address"):
        OrderView.model_validate(body)
