"""Ordering shapes, kept apart by direction like the catalog's: what callers send (``CartItemAdd``,
``CartLinePatch``, ``DiscountCodeCreate``, ``DiscountCodeApply``, ``DeliveryAddress``), what the domain holds
(``CartLine``, ``DiscountCode``, ``Order``) and what callers get back (``PricedCart``, ``OrderView``).

Money is integer minor units everywhere; the object holding the amounts carries their ``currency``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints, field_validator, model_validator

from waiter.catalog.models import Address, CurrencyCode, Id, MinorUnits
from waiter.model_base import InputModel, WireModel

MAX_QUANTITY = 99
MAX_OPTION_GROUPS = 10
MAX_CHOICES = 30

Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]
BasisPoints = Annotated[int, Field(ge=1, le=10_000, strict=True)]
PositiveMinorUnits = Annotated[int, Field(ge=1, le=10_000_000, strict=True)]
DiscountCodeText = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^[A-Z0-9-]+$")]

# A checkout's Idempotency-Key: 1 to 255 visible ASCII characters (a UUID is the usual choice), as Stripe takes them.
# The service checks it (every protocol checks out through it); the REST handler declares it, so the contract says so.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
IDEMPOTENCY_KEY_PATTERN = rf"^[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$"


def _iso_text(value: Any) -> Any:
    """Refuse what pydantic would read as a time but the document's ``format: date-time`` does not allow: a
    number (seconds since 1970)."""
    if not isinstance(value, str | datetime):  # a ValueError: pydantic reports it as the field's error
        raise ValueError("must be an ISO 8601 time with its offset, such as 2026-01-01T00:00:00Z")
    return value


# A time with its offset (ISO 8601, as the document says: ``format: date-time``).
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class Fulfilment(StrEnum):
    DELIVERY = "delivery"
    PICKUP = "pickup"


class OrderStatus(StrEnum):
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    PREPARING = "PREPARING"
    READY = "READY"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    PICKED_UP = "PICKED_UP"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


class PaymentStatus(StrEnum):
    UNPAID = "UNPAID"
    PAID = "PAID"
    REFUNDED = "REFUNDED"


class ActorType(StrEnum):
    """Who moves an order: its customer, the restaurant's staff (or an admin), a restaurant's POS (partner key)
    or Waiter itself (timeouts, payment and courier callbacks)."""

    CUSTOMER = "customer"
    STAFF = "staff"
    PARTNER = "partner"
    SYSTEM = "system"


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class CartWarningCode(StrEnum):
    ITEM_UNAVAILABLE = "ITEM_UNAVAILABLE"
    OPTIONS_INVALID = "OPTIONS_INVALID"
    PRICE_CHANGED = "PRICE_CHANGED"
    MINIMUM_ORDER_NOT_MET = "MINIMUM_ORDER_NOT_MET"
    DISCOUNT_NOT_APPLIED = "DISCOUNT_NOT_APPLIED"
    TIP_REDUCED = "TIP_REDUCED"


# ---- input shapes -------------------------------------------------------------------------------------------


class OptionSelection(InputModel):
    """The choices made in one option group of a menu item; checked against the menu by ``waiter.ordering.pricing``."""

    group_id: Id
    choice_ids: Annotated[list[Id], Field(max_length=MAX_CHOICES)]


OptionSelections = Annotated[list[OptionSelection], Field(max_length=MAX_OPTION_GROUPS)]


class CartItemAdd(InputModel):
    """A line a customer adds to a cart. No price: the backend prices from the menu."""

    menu_item_id: Id
    quantity: Quantity = 1
    options: OptionSelections = []


class CartLinePatch(InputModel):
    quantity: Quantity


class DeliveryAddress(Address):
    instructions: Annotated[str, StringConstraints(max_length=280)] = ""


# ``_check_discount_shape`` as JSON Schema: a percent code has percentBps and no amount or currency, a fixed code
# has amount and currency and no percentBps (null counts as absent).
DISCOUNT_SHAPES: dict[str, Any] = {
    "oneOf": [
        {
            "properties": {
                "kind": {"const": DiscountKind.PERCENT.value},
                "percentBps": {"type": "integer"},
                "amount": {"type": "null"},
                "currency": {"type": "null"},
            },
            "required": ["kind", "percentBps"],
        },
        {
            "properties": {
                "kind": {"const": DiscountKind.FIXED.value},
                "percentBps": {"type": "null"},
                "amount": {"type": "integer"},
                "currency": {"type": "string"},
            },
            "required": ["kind", "amount", "currency"],
        },
    ]
}


class DiscountCodeCreate(InputModel):
    """A discount code staff create for their restaurant: ``percentBps`` for percent codes, ``amount`` and
    ``currency`` for fixed ones; valid in ``[validFrom, validUntil)``."""

    schema_rules: ClassVar[dict[str, Any]] = DISCOUNT_SHAPES

    code: DiscountCodeText
    kind: DiscountKind
    percent_bps: BasisPoints | None = None
    amount: PositiveMinorUnits | None = None
    currency: CurrencyCode | None = None
    min_subtotal: MinorUnits = 0
    valid_from: Instant
    valid_until: Instant
    once_per_customer: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> DiscountCodeCreate:
        _check_discount_shape(self.kind, self.percent_bps, self.amount, self.currency)
        if self.valid_from >= self.valid_until:
            raise ValueError("validFrom must be before validUntil")
        return self


class DiscountCodeApply(InputModel):
    """A code a customer applies to a cart; case and surrounding spaces do not matter."""

    code: DiscountCodeText

    @field_validator("code", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


def _check_discount_shape(
    kind: DiscountKind, percent_bps: int | None, amount: int | None, currency: str | None
) -> None:
    if kind is DiscountKind.PERCENT and (percent_bps is None or amount is not None or currency is not None):
        raise ValueError("a percent code has percentBps and no amount or currency")
    if kind is DiscountKind.FIXED and (percent_bps is not None or amount is None or currency is None):
        raise ValueError("a fixed code has amount and currency and no percentBps")


# ---- domain entities and output shapes -------------------------------------------------------------------


class CartLine(WireModel):
    """A line as a cart stores it: what was chosen and the unit price shown when it was added (only to warn when
    the price changed since; the cart is always priced from the current menu)."""

    line_id: Id
    menu_item_id: Id
    quantity: Quantity
    options: OptionSelections = []
    unit_price_when_added: Annotated[int, Field(ge=0, strict=True)]


class DiscountCodeView(WireModel):
    code: str
    restaurant_id: str
    kind: DiscountKind
    percent_bps: int | None = None
    amount: int | None = None
    currency: str | None = None
    min_subtotal: int
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    once_per_customer: bool
    created_at: datetime

    @model_validator(mode="after")
    def _consistent(self) -> DiscountCodeView:
        _check_discount_shape(self.kind, self.percent_bps, self.amount, self.currency)
        return self


class DiscountCode(DiscountCodeView):
    """The domain entity: the view plus its version."""

    version: int

    def view(self) -> DiscountCodeView:
        return DiscountCodeView.model_validate(self.model_dump(exclude={"version"}))


class PricedOption(WireModel):
    """One chosen option of a priced line, with the names and price delta the menu has now."""

    group_id: str
    group_name: str
    choice_id: str
    choice_name: str
    price_delta: int


class PricedLine(WireModel):
    line_id: str
    menu_item_id: str
    name: str
    options: list[PricedOption]
    quantity: int
    unit_price: int
    line_total: int


class CartWarning(WireModel):
    """Something the customer should know about a priced cart; ``lineId`` names the line it is about, if any."""

    code: CartWarningCode
    message: str
    line_id: str | None = None


Money = Annotated[int, Field(ge=0)]


def _check_totals(m: PricedCart | OrderView) -> None:
    """The money invariants every priced cart and order keeps (``docs/pricing.md``)."""
    if m.discount > m.subtotal:
        raise ValueError("the discount exceeds the subtotal")
    if m.total != m.subtotal - m.discount + m.delivery_fee + m.tax + m.tip:
        raise ValueError("total must equal subtotal - discount + deliveryFee + tax + tip")


class PricedCart(WireModel):
    """A cart as the backend prices it. ``lines`` holds the lines that count; lines that no longer can be ordered
    are left out and named in ``warnings``."""

    restaurant_id: str
    currency: str
    fulfilment: Fulfilment
    lines: list[PricedLine]
    subtotal: Money
    discount: Money
    discount_code: str | None = None
    delivery_fee: Money
    tax: Money
    tip: Money
    total: Money
    warnings: list[CartWarning]

    @model_validator(mode="after")
    def _adds_up(self) -> PricedCart:
        _check_totals(self)
        return self


class Actor(WireModel):
    """Who made a change to an order, as its history records it."""

    type: ActorType
    id: str


class OrderHistoryEntry(WireModel):
    """One status change; ``from`` is null for the order's first entry (it being placed)."""

    from_: OrderStatus | None = Field(default=None, alias="from")
    to: OrderStatus
    at: datetime
    actor: Actor


class OrderView(WireModel):
    """An order as callers see it: a snapshot of the priced cart at checkout plus its status and history."""

    id: str
    customer_id: str
    restaurant_id: str
    status: OrderStatus
    payment_status: PaymentStatus
    fulfilment: Fulfilment
    delivery_address: DeliveryAddress | None = None
    lines: list[PricedLine]
    subtotal: Money
    discount: Money
    delivery_fee: Money
    tax: Money
    tip: Money
    total: Money
    currency: str
    discount_code: str | None = None
    history: list[OrderHistoryEntry]
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="after")
    def _consistent(self) -> OrderView:
        _check_totals(self)
        if (self.delivery_address is None) == (self.fulfilment is Fulfilment.DELIVERY):
            raise ValueError("a delivery order has a delivery address and a pickup order has none")
        return self


class Order(OrderView):
    """The domain entity: the view plus the version used for optimistic locking."""

    version: int

    def view(self) -> OrderView:
        """What callers see: everything but internal attributes."""
        return OrderView.model_validate(self.model_dump(exclude={"version"}))


# ---- carts and checkout ---------------------------------------------------------------------------------

MAX_CART_LINES = 50  # a checkout writes one condition per item in one transaction (100 operations at most)


class Cart(WireModel):
    """A customer's open cart at one restaurant: what was chosen, never what it costs (pricing does that)."""

    customer_id: str
    restaurant_id: str
    lines: list[CartLine] = []
    discount_code: str | None = None
    version: int = 0
    created_at: datetime
    updated_at: datetime


class CartSummary(WireModel):
    """One open cart in the list of a customer's carts."""

    restaurant_id: str
    line_count: int
    item_count: int
    discount_code: str | None = None
    updated_at: datetime


class CartList(WireModel):
    items: list[CartSummary]


Tip = Annotated[int, Field(ge=0, strict=True)]  # the cap is a pricing rule (``check_tip``), stated once there


class Checkout(InputModel):
    """Place an order from the open cart at ``restaurantId``. ``expectedTotal`` is the total the customer saw:
    when the fresh price differs, nothing is ordered and the new priced cart comes back with a 409."""

    # ``lifecycle.place_order``'s rule as JSON Schema: a delivery has a delivery address, a pickup none.
    schema_rules: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {
                "properties": {
                    "fulfilment": {"const": Fulfilment.DELIVERY.value},
                    "deliveryAddress": {"type": "object"},
                },
                "required": ["fulfilment", "deliveryAddress"],
            },
            {
                "properties": {"fulfilment": {"const": Fulfilment.PICKUP.value}, "deliveryAddress": {"type": "null"}},
                "required": ["fulfilment"],
            },
        ]
    }

    restaurant_id: Id
    fulfilment: Fulfilment
    delivery_address: DeliveryAddress | None = None
    tip: Tip = 0
    expected_total: Annotated[int, Field(ge=0, le=100_000_000, strict=True)]


class TransitionRequest(InputModel):
    to: OrderStatus


class OrderPage(WireModel):
    items: list[OrderView]
    next_cursor: str | None = None
