"""What the sample events in events/ address, and the data a test stack holds before one of them is invoked.

Everything is created through the domain or the repositories with the ids the events name: the restaurant (open
around the clock, so that the sample cart and checkout work at any hour) and
its menu item (from the bodies of CreateRestaurantFunction.json and CreateMenuItemFunction.json), a discount
code, an order placed by checkout, then a fresh cart with one line, a member of staff and a partner API key
(registered with the usage plan). The people the events act as are users of the moto user pool.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from unittest import mock

from tests.contract.moto_stack import MotoStack
from tests.contract.template_facts import EVENTS
from tests.support import ADMIN as ADMIN_CLAIMS
from waiter.accounts.cognito import cognito_client
from waiter.accounts.models import StaffMember
from waiter.catalog.hours import around_the_clock
from waiter.catalog.models import MenuItemCreate, RestaurantCreate
from waiter.catalog.service import CatalogService
from waiter.identity import RESTAURANTS_CLAIM, principal_from_claims
from waiter.ordering import pricing
from waiter.ordering.models import Cart, CartLine, Checkout, DiscountCodeCreate, OptionSelection
from waiter.ordering.service import OrderingService
from waiter.partners.models import ApiKeyRecord
from waiter.partners.service import digest
from waiter.partners.usage_plans import ApiGatewayUsagePlans, apigateway_client
from waiter.ratelimit import RateLimiter
from waiter.repository.catalog import CatalogRepository
from waiter.repository.counters import CounterRepository
from waiter.repository.idempotency import CheckoutIdempotency, record_key
from waiter.repository.ordering import OrderingRepository
from waiter.repository.partners import ApiKeyRepository
from waiter.repository.staff import StaffRepository

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

RESTAURANT_ID = "3f2c9a7e5b1d4c8e9a6f0b2d4e6a8c1f"
ITEM_ID = "9b8a7c6d5e4f40318f2e1d0c9b8a7f6e"
LINE_ID = "a41c7e9b2d05"  # the one line of the customer's cart: 2 x Pizza Margherita, large
ORDER_ID = "e7b14c2a9f3d4a6b8c0d1e2f3a4b5c6d"  # the customer's order, PLACED
PAYMENT_WEBHOOK_SECRET = "whsec_local_waiter"  # the local provider's (tests/contract/moto_stack.PAYMENT_SECRETS)
CARD_ORDER_ID = "c4d2b7a9e1f3405b8a6c0d9e2f1b3a5c"  # the customer's card order, AWAITING_PAYMENT
DISCOUNT_CODE = "WELCOME10"  # 10 % from a subtotal of 15.00 EUR, once per customer

API_KEY_ID = "5f0c2b9e8a7d6c41"
API_KEY = f"wtr_{API_KEY_ID}_BP-4JkWNtrNfARodmgVCsknz1imdWH0Sg_UbCsf6uDc"  # the partner's key, as sent in X-Api-Key
USAGE_KEY = "kG0r_ibZocN0fn0tzrucMUvnW2wWrw3SerTuyz-l"  # the key's usage identifier (the usage plan's API key)
PARTNER_CONTEXT = {"principalId": f"apikey:{API_KEY_ID}", "keyId": API_KEY_ID, "restaurantId": RESTAURANT_ID}

DELIVERY_ADDRESS = {  # where the sample checkout delivers
    "line1": "Wiener Strasse 18",
    "city": "Berlin",
    "postcode": "10999",
    "country": "DE",
    "instructions": "Third floor, ring twice",
}


@dataclass(frozen=True)
class Person:
    """Someone the sample events act as, and their account in the user pool (``sub`` is their username)."""

    sub: str
    email: str
    name: str
    password: str
    groups: tuple[str, ...]
    restaurants: tuple[str, ...] = field(default=())

    @property
    def claims(self) -> dict[str, str]:
        """The claims API Gateway's Cognito authorizer passes on (every value a string)."""
        claims = {"sub": self.sub, "email": self.email, "cognito:groups": " ".join(self.groups)}
        if self.restaurants:
            claims[RESTAURANTS_CLAIM] = " ".join(self.restaurants)
        return claims


CUSTOMER = Person(
    sub="8d3f5a2e-1c4b-4e7a-9f60-2b8c7d1e4a93",
    email="lena.schmidt@example.com",
    name="Lena Schmidt",
    password="Oven-Fresh-Basil-7!",
    groups=("customers",),
)
STAFF = Person(
    sub="c47e2b91-6a3d-4f58-8e0c-5d9a1b7f3e26",
    email="marco.rossi@example.com",
    name="Marco Rossi",
    password="Wood-Fired-Crust-42!",
    groups=("staff",),
    restaurants=(RESTAURANT_ID,),
)
NEW_HIRE = Person(  # a customer an admin makes staff of the restaurant (AssignStaffFunction.json)
    sub="1e9d4f7a-3b2c-4d8e-a5f6-7c0b9e2d4a18",
    email="giulia.bianchi@example.com",
    name="Giulia Bianchi",
    password="Fresh-Pasta-Daily-9!",
    groups=("customers",),
)
USERS = (CUSTOMER, STAFF, NEW_HIRE)
ADMIN = ADMIN_CLAIMS  # admins act by their claims alone; no function looks them up in the pool
CALLERS = {"customer": CUSTOMER.claims, "staff": STAFF.claims, "admin": ADMIN}


def event_body(name: str) -> dict[str, Any]:
    event = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    body: dict[str, Any] = json.loads(event["body"])
    return body


# ---- seeding --------------------------------------------------------------------------------------------------


class _RunOnce:
    """Idempotency for seeding: every key is free and no record is kept (the sample Checkout event brings its own
    key, which must still be free when the event is sent)."""

    def placed(self, key: str, payload: dict[str, Any]) -> str | None:
        return None

    def record_key(self, key: str) -> dict[str, str]:
        return record_key(f"IDEMPOTENCY#seed#{key}")  # never written: read with the cart, and absent

    def replayed(self, record: Mapping[str, Any] | None, payload: dict[str, Any]) -> str | None:
        return None

    def record_put(self, key: str, payload: dict[str, Any], order_id: str) -> dict[str, Any]:
        return {}


def seed(stack: MotoStack, table: str, cursor_secret: bytes, *, orders: bool) -> None:
    """Everything the sample events address, in the table, the user pool and the usage plan (those the stack has);
    the sample order only with ``orders`` (placing it is a third of the cost of a whole test)."""
    if stack.user_pool_id is not None:
        _seed_users(stack.user_pool_id)
    catalog = CatalogRepository(table, cursor_secret)
    admin = principal_from_claims(ADMIN)
    # open around the clock, not at the sample's hours: the sample checkout and cart must work at any time of day
    restaurant_body = {**event_body("CreateRestaurantFunction.json"), "openingHours": _AROUND_THE_CLOCK}
    restaurant = CatalogService(catalog, ids=lambda: RESTAURANT_ID).create_restaurant(
        admin, RestaurantCreate.model_validate(restaurant_body)
    )
    CatalogService(catalog, ids=lambda: ITEM_ID).create_menu_item(
        admin, RESTAURANT_ID, MenuItemCreate.model_validate(event_body("CreateMenuItemFunction.json"))
    )
    StaffRepository(table).add(
        StaffMember(user_id=STAFF.sub, email=STAFF.email, restaurant_id=RESTAURANT_ID, added_at=_now())
    )
    store = OrderingRepository(table, cursor_secret)
    code = DiscountCodeCreate.model_validate(
        {
            "code": DISCOUNT_CODE,
            "kind": "percent",
            "percentBps": 1000,
            "minSubtotal": 1500,
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2031-01-01T00:00:00Z",
        }
    )
    store.create_discount(pricing.new_discount_code(restaurant, code, at=_now()))
    _seed_cart(store)
    if orders:
        # The order is what the sample checkout (CheckoutFunction.json) places from the customer's cart, which it
        # empties; then the customer fills a new cart. Its key's record is kept: CheckoutFunction-replay.json sends
        # the same request with the same key, and is answered this order.
        ordering = OrderingService(
            store=store,
            limiter=RateLimiter(CounterRepository(table)),
            idempotency=CheckoutIdempotency(table),
            ids=lambda: ORDER_ID,
        )
        ordering.checkout(
            principal_from_claims(CUSTOMER.claims),
            Checkout.model_validate(event_body("CheckoutFunction.json")),
            idempotency_key="sample-order",
        )
        _seed_cart(store)
        # a card order, awaiting payment (CreatePaymentFunction-card.json pays it)
        OrderingService(
            store=store,
            limiter=RateLimiter(CounterRepository(table)),
            idempotency=_RunOnce(),
            ids=lambda: CARD_ORDER_ID,
        ).checkout(
            principal_from_claims(CUSTOMER.claims),
            Checkout.model_validate({**event_body("CheckoutFunction.json"), "paymentMethod": "card"}),
            idempotency_key="sample-card-order",
        )
        _seed_cart(store)
    _seed_api_key(stack, table)


_AROUND_THE_CLOCK = around_the_clock().model_dump(mode="json", by_alias=True)


def _now() -> datetime:
    return datetime.now(UTC)


def _seed_cart(store: OrderingRepository) -> Cart:
    line = CartLine(
        line_id=LINE_ID,
        menu_item_id=ITEM_ID,
        quantity=2,
        options=[OptionSelection.model_validate({"groupId": "size", "choiceIds": ["large"]})],
        unit_price_when_added=1450,
    )
    now = _now()
    cart = Cart(
        customer_id=CUSTOMER.sub, restaurant_id=RESTAURANT_ID, lines=[line], version=1, created_at=now, updated_at=now
    )
    store.save_cart(cart, expected_version=0)
    return cart


def _seed_users(pool: str) -> None:
    cognito = cognito_client()
    for person in USERS:
        attributes: list[AttributeTypeTypeDef] = [
            {"Name": "name", "Value": person.name},
            {"Name": "email_verified", "Value": "true"},
        ]
        if person.restaurants:
            attributes.append({"Name": RESTAURANTS_CLAIM, "Value": " ".join(person.restaurants)})
        # Cognito draws a user's sub (their username in a pool whose usernames are e-mail addresses) at random;
        # moto draws it from its own random source, which is pointed at the sub the events name.
        with mock.patch("moto.cognitoidp.models.random.uuid4", return_value=uuid.UUID(person.sub)):
            cognito.admin_create_user(
                UserPoolId=pool, Username=person.email, UserAttributes=attributes, MessageAction="SUPPRESS"
            )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=person.email, Password=person.password, Permanent=True
        )
        for group in person.groups:
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=person.sub, GroupName=group)


def _seed_api_key(stack: MotoStack, table: str) -> None:
    usage_key_id = None
    if stack.usage_plan_id is not None:
        usage_plans = ApiGatewayUsagePlans(stack.usage_plan_id, apigateway_client())
        usage_key_id = usage_plans.register(USAGE_KEY, f"{RESTAURANT_ID}/{API_KEY_ID}")
    record = ApiKeyRecord(
        id=API_KEY_ID,
        restaurant_id=RESTAURANT_ID,
        name="Kitchen display",
        prefix=API_KEY[:12],
        digest=digest(API_KEY),
        usage_key=USAGE_KEY,
        usage_key_id=usage_key_id,
        created_at=_now(),
    )
    ApiKeyRepository(table).put(record)
