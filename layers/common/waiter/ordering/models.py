"""Ordering shapes, kept apart by direction like the catalog's: what callers send (``CartItemAdd``,
``CartLinePatch``, ``DiscountCodeCreate``, ``DiscountCodeApply``, ``DeliveryAddress``), what the domain holds
(``CartLine``, ``DiscountCode``, ``Order``) and what callers get back (``PricedCart``, ``OrderView``).

Money is integer minor units everywhere; the object holding the amounts carries their ``currency``.
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from waiter.catalog.models import Address, Id, MinorUnits, PrepTime
from waiter.model_base import WHOLE_NUMBER, InputModel, Instant, WireModel
from waiter.money import CurrencyCode

MAX_QUANTITY = 99
MAX_OPTION_GROUPS = 10
MAX_CHOICES = 30

Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True), WHOLE_NUMBER]
BasisPoints = Annotated[int, Field(ge=1, le=10_000, strict=True), WHOLE_NUMBER]
PositiveMinorUnits = Annotated[int, Field(ge=1, le=10_000_000, strict=True), WHOLE_NUMBER]
DiscountCodeText = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^[A-Z0-9-]+$")]

# A checkout's Idempotency-Key: 1 to 255 visible ASCII characters (a UUID is the usual choice), as Stripe takes them.
# The service checks it (every protocol checks out through it); the REST handler declares it, so the contract says so.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
IDEMPOTENCY_KEY_PATTERN = rf"^[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$"


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
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # a card order before the provider confirmed the payment
    EXPIRED = "EXPIRED"  # a card order left unpaid too long


class PaymentStatus(StrEnum):
    UNPAID = "UNPAID"
    PAID = "PAID"
    FAILED = "FAILED"  # a card payment was declined; the customer may try again while the order awaits payment
    REFUNDED = "REFUNDED"


class PaymentMethod(StrEnum):
    """How the customer pays: ``cash`` at pickup or delivery, or ``card`` online through the payment provider."""

    CASH = "cash"
    CARD = "card"


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
    RESTAURANT_CLOSED = "RESTAURANT_CLOSED"  # with nextOpensAt: checkout is refused until then
    ORDERS_PAUSED = "ORDERS_PAUSED"  # with pausedUntil when staff set one: checkout is refused meanwhile


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


# ``_check_discount_shape`` as JSON Schema: a percent code has percentBps and no amount, a fixed code has amount
# and no percentBps (null counts as absent). ``currency`` is in neither: it may be left out of both (the
# restaurant's currency is meant), and when given the service checks it is the restaurant's.
DISCOUNT_SHAPES: dict[str, Any] = {
    "oneOf": [
        {
            "properties": {
                "kind": {"const": DiscountKind.PERCENT.value},
                "percentBps": {"type": "integer"},
                "amount": {"type": "null"},
            },
            "required": ["kind", "percentBps"],
        },
        {
            "properties": {
                "kind": {"const": DiscountKind.FIXED.value},
                "percentBps": {"type": "null"},
                "amount": {"type": "integer"},
            },
            "required": ["kind", "amount"],
        },
    ]
}


class DiscountCodeCreate(InputModel):
    """A discount code staff create for their restaurant: ``percentBps`` for percent codes, ``amount`` for fixed
    ones; valid in ``[validFrom, validUntil)``. Amounts (``amount``, ``minSubtotal``) are in the restaurant's
    currency: ``currency`` may be left out, and when given must be the restaurant's."""

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
    def _consistent(self) -> "DiscountCodeCreate":
        _check_discount_shape(self.kind, self.percent_bps, self.amount)
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


def _check_discount_shape(kind: DiscountKind, percent_bps: int | None, amount: int | None) -> None:
    if kind is DiscountKind.PERCENT and (percent_bps is None or amount is not None):
        raise ValueError("a percent code has percentBps and no amount")
    if kind is DiscountKind.FIXED and (percent_bps is not None or amount is None):
        raise ValueError("a fixed code has amount and no percentBps")


# ---- domain entities and output shapes -------------------------------------------------------------------


class CartLine(WireModel):
    """A line as a cart stores it: what was chosen and the unit price shown when it was added (only to warn when
    the price changed since; the cart is always priced from the current menu)."""

    line_id: Id
    menu_item_id: Id
    quantity: Quantity
    options: OptionSelections = []
    unit_price_when_added: Annotated[int, Field(ge=0, strict=True), WHOLE_NUMBER]


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
    def _consistent(self) -> "DiscountCodeView":
        _check_discount_shape(self.kind, self.percent_bps, self.amount)
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
    """Something the customer should know about a priced cart; ``lineId`` names the line it is about, if any.

    A warning about money says the amount in ``message`` as a person reads it ("add 3.50 EUR more") and carries
    it in ``amount`` (minor units of ``currency``); ``previousAmount`` is the price a changed price replaced.
    What ``amount`` is depends on ``code`` (docs/pricing.md lists them)."""

    code: CartWarningCode
    message: str
    line_id: str | None = None
    amount: int | None = None
    previous_amount: int | None = None
    currency: str | None = None
    # RESTAURANT_CLOSED / ORDERS_PAUSED: until when (UTC)
    next_opens_at: datetime | None = None
    paused_until: datetime | None = None


Money = Annotated[int, Field(ge=0)]


def _check_totals(m: "PricedCart | Order") -> None:
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
    def _adds_up(self) -> "PricedCart":
        _check_totals(self)
        return self


class Actor(WireModel):
    """Who made a change to an order, as its history records it."""

    type: ActorType
    id: str


class OrderHistoryEntry(WireModel):
    """One status change; ``from`` is null for the order's first entry (it being placed). ``reason`` is what the
    actor said about a rejection (always) or a cancellation (when they gave one), else null."""

    from_: OrderStatus | None = Field(default=None, alias="from")
    to: OrderStatus
    at: datetime
    actor: Actor
    reason: str | None = None  # why, when the change needs explaining (a rejection by the kitchen timeout)


class Order(WireModel):
    """The domain entity: a snapshot of the priced cart at checkout plus its status, history and ``version`` (the
    optimistic lock, sent as the ETag and honoured by ``If-Match`` on transitions)."""

    id: str
    customer_id: str
    restaurant_id: str
    status: OrderStatus
    payment_status: PaymentStatus
    payment_method: PaymentMethod = PaymentMethod.CASH
    # the provider's payment intent of a card order, once the customer started paying
    payment_id: str | None = None
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
    version: int
    # ---- ready-time estimates (docs/order-lifecycle.md, "When will it be ready") ----
    # the minutes in force: the restaurant's default when placed, the kitchen's estimate once accepted
    prep_minutes: int | None = None
    # the restaurant's delivery time when placed (delivery orders only)
    delivery_minutes: int | None = None
    estimated_ready_at: datetime | None = None
    estimated_delivered_at: datetime | None = None
    # The customer erased their account: ``customerId`` is an anonymous id and the delivery address is gone.
    customer_erased: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "Order":
        _check_totals(self)
        if self.customer_erased:
            if self.delivery_address is not None:
                raise ValueError("an order whose customer was erased has no delivery address")
        elif (self.delivery_address is None) == (self.fulfilment is Fulfilment.DELIVERY):
            raise ValueError("a delivery order has a delivery address and a pickup order has none")
        return self


class OrderView(Order):
    """An order as one caller sees it (built per caller by ``waiter.ordering.lifecycle.order_view``): the order,
    the reason given for its current status, and the statuses this caller may move it to now."""

    status_reason: str | None = None
    allowed_transitions: list[OrderStatus]


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


# the cap is a pricing rule (``check_tip``), stated once there
Tip = Annotated[int, Field(ge=0, strict=True), WHOLE_NUMBER]


class Checkout(InputModel):
    """Place an order from the open cart at ``restaurantId``. ``expectedTotal`` is the total the customer saw:
    when the fresh price differs, nothing is ordered and the new priced cart comes back with a 409.
    ``paymentMethod`` ``card`` creates the order ``AWAITING_PAYMENT`` (docs/payments.md); ``cash`` (the default)
    creates it ``PLACED``."""

    # ``lifecycle.place_order``'s rule as JSON Schema: a delivery has a delivery address, a pickup none.
    schema_rules: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {
                "properties": {
                    "fulfilment": {"const": Fulfilment.DELIVERY.value},
                    # "not null" rather than an inline object: the top level already gives the address's shape, and
                    # a second inline shape makes client generators emit a duplicate model.
                    "deliveryAddress": {"not": {"type": "null"}},
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
    expected_total: Annotated[int, Field(ge=0, le=100_000_000, strict=True), WHOLE_NUMBER]
    payment_method: PaymentMethod = PaymentMethod.CASH


def _no_control_characters(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


MAX_REASON_LENGTH = 280
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_REASON_LENGTH), AfterValidator(_no_control_characters)
]


# A reason is what the restaurant tells the customer about a refusal: required to reject, optional to cancel (a
# customer need not explain), refused on every other move so nobody believes a note on ACCEPTED reaches anyone.
# An expiry says why the order ended (the system gives it).
REASON_REQUIRED = frozenset({OrderStatus.REJECTED})
REASON_ALLOWED = frozenset({OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.EXPIRED})
PREP_MINUTES_ALLOWED = frozenset({OrderStatus.ACCEPTED})


def _transition_shapes() -> dict[str, Any]:
    """``TransitionRequest``'s cross-field rules (``lifecycle.transition`` checks them) as one shape per kind of
    target: which of ``reason`` and ``prepMinutes`` it requires, takes or refuses. "Not null" rather than the
    field's shape again: the top level gives it, and a second inline shape makes client generators emit a duplicate
    model."""
    kinds: dict[tuple[bool, bool, bool], list[str]] = {}
    for status in OrderStatus:
        kind = (status in REASON_REQUIRED, status in REASON_ALLOWED, status in PREP_MINUTES_ALLOWED)
        kinds.setdefault(kind, []).append(status.value)
    shapes = []
    for (reason_required, reason_allowed, prep_allowed), targets in kinds.items():
        properties: dict[str, Any] = {"to": {"enum": targets}}
        required = ["to"]
        if reason_required:
            properties["reason"] = {"not": {"type": "null"}}
            required.append("reason")
        elif not reason_allowed:
            properties["reason"] = {"type": "null"}
        if not prep_allowed:
            properties["prepMinutes"] = {"type": "null"}
        shapes.append({"properties": properties, "required": required})
    return {"oneOf": shapes}


class TransitionRequest(InputModel):
    """Move an order to ``to``. ``reason`` is required to reject, optional to cancel and refused otherwise;
    ``prepMinutes`` (the kitchen's estimate, 1-240) is taken only when accepting."""

    schema_rules: ClassVar[dict[str, Any]] = _transition_shapes()

    to: OrderStatus
    reason: Reason | None = None
    prep_minutes: PrepTime | None = None


class CancelRequest(InputModel):
    """A customer's cancellation; the reason is optional."""

    reason: Reason | None = None


class OrderPage(WireModel):
    items: list[OrderView]
    next_cursor: str | None = None
