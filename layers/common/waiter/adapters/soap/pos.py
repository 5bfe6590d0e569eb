"""The POS service's SOAP contract: the types mirroring Waiter's domain models and the seven operations a restaurant's
point-of-sale system calls. ``wsdl/pos.wsdl`` is printed from this (``python -m local.wsdl``); CI fails when the
committed copy drifts.

Element names are the REST API's JSON names, so a SOAP and a REST view of one order carry the same values under the
same names: money in integer minor units with the ISO 4217 currency on the object that owns the amounts, times as
UTC ``xs:dateTime``, statuses as enumerations. A repeated element is singular (``line``) where JSON has a list
(``lines``).
"""

from __future__ import annotations

from typing import Any

from waiter.adapters.soap.schema import BOOLEAN, STRING, UNBOUNDED, Complex, Field, Simple, referenced_types
from waiter.adapters.soap.wsdl import Operation, SoapService
from waiter.catalog.models import MAX_DELIVERY_MINUTES, MAX_PREP_MINUTES, MenuItem, MenuView
from waiter.money import CURRENCIES
from waiter.ordering.models import MAX_REASON_LENGTH, ActorType, Fulfilment, OrderStatus, OrderView, PaymentStatus

NAMESPACE = "https://waiter.dev/soap/pos/v1"

# ---- simple types ---------------------------------------------------------------------------------------------------

ID = Simple("Id", "string", pattern=r"[A-Za-z0-9_-]{1,64}", doc="An id: 1 to 64 letters, digits, '-' or '_'.")
CURRENCY = Simple("CurrencyCode", "string", enumeration=tuple(sorted(CURRENCIES)), doc="An ISO 4217 currency code.")
MINOR_UNITS = Simple(
    "MinorUnits",
    "long",
    min_inclusive=0,
    doc="An amount in integer minor units of the owner's currency (1250 = 12.50).",
)
PRICE_DELTA = Simple("PriceDelta", "long", min_inclusive=0, doc="What a choice adds to the price, in minor units.")
COUNT = Simple("Count", "int", min_inclusive=0)
QUANTITY = Simple("Quantity", "int", min_inclusive=1, max_inclusive=99)
VERSION = Simple("Version", "int", min_inclusive=1, doc="An order's version, raised by every change (REST's ETag).")
TIMESTAMP = Simple("Timestamp", "dateTime", doc="A UTC time, e.g. 2026-01-15T12:00:00Z.")
ORDER_STATUS = Simple("OrderStatus", "string", enumeration=tuple(s.value for s in OrderStatus))
PAYMENT_STATUS = Simple("PaymentStatus", "string", enumeration=tuple(s.value for s in PaymentStatus))
FULFILMENT = Simple("Fulfilment", "string", enumeration=tuple(f.value for f in Fulfilment))
ACTOR_TYPE = Simple("ActorType", "string", enumeration=tuple(a.value for a in ActorType))
PAGE_SIZE = Simple("PageSize", "int", min_inclusive=1, max_inclusive=100, doc="Orders per page (default 20).")
CURSOR = Simple("Cursor", "string", min_length=1, max_length=2048, doc="The nextCursor of the previous page.")
REASON = Simple("Reason", "string", min_length=1, max_length=MAX_REASON_LENGTH, doc="Why, in words the customer reads.")
HTTP_STATUS = Simple("HttpStatus", "int", min_inclusive=400, max_inclusive=599)
PREP_MINUTES = Simple(
    "PrepMinutes", "int", min_inclusive=1, max_inclusive=MAX_PREP_MINUTES, doc="Minutes until the order is ready."
)
DELIVERY_MINUTES = Simple("DeliveryMinutes", "int", min_inclusive=1, max_inclusive=MAX_DELIVERY_MINUTES)

# ---- complex types --------------------------------------------------------------------------------------------------

CHOICE = Complex(
    "OptionChoice", (Field("id", ID), Field("name", STRING), Field("priceDelta", PRICE_DELTA))
)  # fmt: skip
OPTION_GROUP = Complex(
    "OptionGroup",
    (
        Field("id", ID),
        Field("name", STRING),
        Field("minChoices", COUNT),
        Field("maxChoices", COUNT),
        Field("choice", CHOICE, 1, UNBOUNDED, key="choices"),
    ),
)
MENU_ITEM = Complex(
    "MenuItem",
    (
        Field("id", ID),
        Field("restaurantId", ID),
        Field("name", STRING),
        Field("description", STRING),
        Field("category", STRING),
        Field("price", MINOR_UNITS),
        Field("currency", CURRENCY),
        Field("dietaryTag", STRING, 0, UNBOUNDED, key="dietaryTags"),
        Field("available", BOOLEAN),
        Field("optionGroup", OPTION_GROUP, 0, UNBOUNDED, key="optionGroups"),
        Field("createdAt", TIMESTAMP),
        Field("updatedAt", TIMESTAMP),
    ),
    doc="A menu item: its price in minor units of its currency.",
)
MENU_CATEGORY = Complex("MenuCategory", (Field("name", STRING), Field("item", MENU_ITEM, 0, UNBOUNDED, key="items")))
MENU = Complex(
    "Menu",
    (
        Field("restaurantId", ID),
        Field("restaurantName", STRING),
        Field("currency", CURRENCY),
        Field("category", MENU_CATEGORY, 0, UNBOUNDED, key="categories"),
    ),
    doc="A restaurant's whole menu, unavailable items included, items grouped by category.",
)
ADDRESS = Complex(
    "DeliveryAddress",
    (
        Field("line1", STRING),
        Field("line2", STRING, 0),
        Field("city", STRING),
        Field("postcode", STRING),
        Field("country", STRING),
        Field("instructions", STRING, 0),
    ),
)
PRICED_OPTION = Complex(
    "PricedOption",
    (
        Field("groupId", ID),
        Field("groupName", STRING),
        Field("choiceId", ID),
        Field("choiceName", STRING),
        Field("priceDelta", PRICE_DELTA),
    ),
)
ORDER_LINE = Complex(
    "OrderLine",
    (
        Field("lineId", ID),
        Field("menuItemId", ID),
        Field("name", STRING),
        Field("option", PRICED_OPTION, 0, UNBOUNDED, key="options"),
        Field("quantity", QUANTITY),
        Field("unitPrice", MINOR_UNITS),
        Field("lineTotal", MINOR_UNITS),
    ),
)
ACTOR = Complex("Actor", (Field("type", ACTOR_TYPE), Field("id", STRING)))
HISTORY_ENTRY = Complex(
    "OrderHistoryEntry",
    (
        Field("from", ORDER_STATUS, 0, doc="Absent on the first entry (the order being placed)."),
        Field("to", ORDER_STATUS),
        Field("at", TIMESTAMP),
        Field("actor", ACTOR),
        Field("reason", REASON, 0),
    ),
)
ORDER = Complex(
    "Order",
    (
        Field("id", ID),
        Field("customerId", STRING),
        Field("restaurantId", ID),
        Field("status", ORDER_STATUS),
        Field("statusReason", REASON, 0, doc="Why the order has its status (a rejection's reason, always)."),
        Field("paymentStatus", PAYMENT_STATUS),
        Field("fulfilment", FULFILMENT),
        Field("deliveryAddress", ADDRESS, 0),
        Field("line", ORDER_LINE, 1, UNBOUNDED, key="lines"),
        Field("subtotal", MINOR_UNITS),
        Field("discount", MINOR_UNITS),
        Field("deliveryFee", MINOR_UNITS),
        Field("tax", MINOR_UNITS),
        Field("tip", MINOR_UNITS),
        Field("total", MINOR_UNITS),
        Field("currency", CURRENCY, doc="The currency of every amount of the order."),
        Field("discountCode", STRING, 0),
        Field("history", HISTORY_ENTRY, 1, UNBOUNDED),
        Field("createdAt", TIMESTAMP),
        Field("updatedAt", TIMESTAMP),
        Field("version", VERSION, doc="Send it back as expectedVersion to move the order only if nobody else did."),
        Field(
            "allowedTransition",
            ORDER_STATUS,
            0,
            UNBOUNDED,
            key="allowedTransitions",
            doc="The statuses this caller may move the order to now.",
        ),
        Field("prepMinutes", PREP_MINUTES, 0, doc="The kitchen's estimate the ready time was computed from."),
        Field(
            "deliveryMinutes", DELIVERY_MINUTES, 0, doc="The delivery time the delivered estimate adds (delivery only)."
        ),
        Field("estimatedReadyAt", TIMESTAMP, 0),
        Field("estimatedDeliveredAt", TIMESTAMP, 0),
        Field(
            "customerErased",
            BOOLEAN,
            doc="The customer erased their account: customerId is an anonymous id and there is no delivery address.",
        ),
    ),
    doc="An order: the priced cart at checkout (amounts in minor units of currency), its status and history.",
)
FIELD_ERROR = Complex("FieldError", (Field("field", STRING), Field("message", STRING)))
PROBLEM = Complex(
    "Problem",
    (
        Field("type", STRING),
        Field("title", STRING),
        Field("status", HTTP_STATUS),
        Field("detail", STRING),
        Field("error", FIELD_ERROR, 0, UNBOUNDED, key="errors"),
        Field("requestId", STRING, 0),
    ),
    doc="A fault's detail: the fields of the REST API's problem+json (RFC 9457) and the request id.",
)

# ---- operations -----------------------------------------------------------------------------------------------------

_ORDER_ID = Field("orderId", ID)
_EXPECTED = Field(
    "expectedVersion", VERSION, 0, doc="Move only if the order is still at this version (REST's If-Match)."
)
_ORDER_ANSWER = (Field("order", ORDER),)


def _op(name: str, request: tuple[Field, ...], answer: tuple[Field, ...], doc: str) -> Operation:
    return Operation(Complex(name, request), Complex(f"{name}Response", answer), doc)


OPERATIONS = (
    _op(
        "GetMenu",
        (),
        (Field("menu", MENU),),
        "The key's restaurant's whole menu, unavailable items included (REST: GET /v1/partner/menu).",
    ),
    _op(
        "SetItemAvailability",
        (Field("itemId", ID), Field("available", BOOLEAN)),
        (Field("item", MENU_ITEM),),
        "Switch a menu item on or off (REST: PUT /v1/partner/menu-items/{itemId}/availability).",
    ),
    _op(
        "ListOrders",
        (Field("status", ORDER_STATUS, 0), Field("limit", PAGE_SIZE, 0), Field("cursor", CURSOR, 0)),
        (Field("order", ORDER, 0, UNBOUNDED, key="items"), Field("nextCursor", CURSOR, 0)),
        "The restaurant's orders, oldest first, optionally of one status; pass nextCursor back for the next page "
        "(REST: GET /v1/partner/orders).",
    ),
    _op("GetOrder", (_ORDER_ID,), _ORDER_ANSWER, "One order of the key's restaurant (REST: GET /v1/orders/{orderId})."),
    _op(
        "AcceptOrder",
        (_ORDER_ID, _EXPECTED, Field("prepMinutes", PREP_MINUTES, 0, doc="The kitchen's estimate (1-240).")),
        _ORDER_ANSWER,
        "PLACED to ACCEPTED (REST: POST /v1/partner/orders/{orderId}/transitions, to ACCEPTED).",
    ),
    _op(
        "RejectOrder",
        (_ORDER_ID, Field("reason", REASON), _EXPECTED),
        _ORDER_ANSWER,
        "PLACED to REJECTED, with the reason the customer is shown (REST: the same transition, to REJECTED).",
    ),
    _op(
        "UpdateOrderStatus",
        (_ORDER_ID, Field("status", ORDER_STATUS), _EXPECTED),
        _ORDER_ANSWER,
        "Move an order to the next status (REST: POST /v1/partner/orders/{orderId}/transitions).",
    ),
)

POS_SERVICE = SoapService(
    name="PosService",
    namespace=NAMESPACE,
    operations=OPERATIONS,
    types=referenced_types([*(t for op in OPERATIONS for t in (op.request, op.response)), PROBLEM]),
    fault=PROBLEM,
    doc=(
        "Waiter's kitchen view for restaurants' point-of-sale systems: the menu and the orders of the one restaurant "
        "the partner API key is scoped to. Authenticate every request (and the GET of this WSDL) with the key in "
        "the X-Api-Key HTTP header. A missing, unknown or revoked key, and a key over its usage plan, are refused "
        "by the API gateway before the service runs: HTTP 401, 403 or 429 with an application/problem+json body, "
        "not a SOAP fault. Everything else the service refuses is a fault (SOAP 1.1 soap:Client / soap:Server; "
        "SOAP 1.2 env:Sender / env:Receiver) whose detail is a Problem. Requests up to 64 KB; no DTDs."
    ),
)


# ---- domain values as the contract's documents -------------------------------------------------------------------


def order_document(order: OrderView) -> dict[str, Any]:
    """An order as ORDER's fields name it: the REST view's values (version and allowedTransitions included)."""
    document: dict[str, Any] = order.model_dump(mode="json", by_alias=True)
    return document


def menu_item_document(item: MenuItem) -> dict[str, Any]:
    """A menu item as MENU_ITEM's fields name it (the REST view's values)."""
    document: dict[str, Any] = item.view().model_dump(mode="json", by_alias=True)
    return document


def menu_document(menu: MenuView) -> dict[str, Any]:
    document: dict[str, Any] = menu.model_dump(mode="json", by_alias=True)
    return document
