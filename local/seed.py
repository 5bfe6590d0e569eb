"""Demo data: restaurants in Berlin and Lisbon with real-looking menus (categories, sizes, extras with prices).

Created through the catalog service as an admin, so the data obeys every domain rule (currencies, option groups,
listing entries) exactly as data created over the API would. Ids are stable across runs (derived from the names),
and the first restaurant and its first menu item get the ids the sample events in events/ address, so
``make invoke FN=GetRestaurantFunction EVENT=events/GetRestaurantFunction.json`` finds them.

    python -m local.seed   # seed the table TABLE_NAME points at (AWS_ENDPOINT_URL, credentials from the env)

The local gateway seeds its embedded moto on start; ``python -m local.seed`` is for a deployed dev stage that the
end-to-end suite should run against (``WAITER_BASE_URL``).

The local stack also gets demo accounts (``seed_demo_accounts``: a customer, a member of staff of the first
restaurant and an admin, all with ``DEMO_PASSWORD``) and a partner API key for the first restaurant
(``seed_demo_api_key``), made through the account and API-key services as an admin would make them. They are
never created in a deployed stage.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waiter.catalog.service import CatalogService
    from waiter.identity import Principal

ROOT = Path(__file__).resolve().parent.parent

# The restaurant and menu item events/*.json address.
SAMPLE_RESTAURANT_ID = "3f2c9a7e5b1d4c8e9a6f0b2d4e6a8c1f"
SAMPLE_MENU_ITEM_ID = "9b8a7c6d5e4f40318f2e1d0c9b8a7f6e"
_ID_NAMESPACE = uuid.UUID("5d1c63a6-3f0e-4b55-9a47-6f1f3c2a9e10")


@dataclass(frozen=True)
class SeededRestaurant:
    id: str
    name: str
    city: str
    cuisines: tuple[str, ...]
    menu_items: int


DEMO_PASSWORD = "Waiter-demo-1!"  # noqa: S105 - a published demo password; meets the pool's policy: 12+ characters, lower, upper, digit, symbol


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    group: str  # the Cognito group (waiter.identity.Role value)


DEMO_CUSTOMER = DemoAccount("customer@demo.waiter", "Demo Customer", "customers")
DEMO_STAFF = DemoAccount("staff@demo.waiter", "Demo Staff", "staff")
DEMO_ADMIN = DemoAccount("admin@demo.waiter", "Demo Admin", "admins")
DEMO_ACCOUNTS = (DEMO_CUSTOMER, DEMO_STAFF, DEMO_ADMIN)


@dataclass(frozen=True)
class SeededAccount:
    email: str
    password: str
    group: str
    user_id: str  # the user's sub
    restaurants: tuple[str, ...] = ()  # staff: the restaurants they work for


@dataclass(frozen=True)
class SeededApiKey:
    id: str
    restaurant_id: str
    key: str  # the whole secret key, for X-Api-Key


# ---- shorthand for menus --------------------------------------------------------------------------------------


def _choices(*choices: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"id": cid, "name": name, "priceDelta": delta} for cid, name, delta in choices]


def size(*choices: tuple[str, str, int]) -> dict[str, Any]:
    """Exactly one size must be picked."""
    return {"id": "size", "name": "Size", "minChoices": 1, "maxChoices": 1, "choices": _choices(*choices)}


def extras(
    max_choices: int, *choices: tuple[str, str, int], group_id: str = "extras", name: str = "Extras"
) -> dict[str, Any]:
    """Up to ``max_choices`` optional add-ons."""
    return {"id": group_id, "name": name, "minChoices": 0, "maxChoices": max_choices, "choices": _choices(*choices)}


def pick_one(group_id: str, name: str, *choices: tuple[str, str, int]) -> dict[str, Any]:
    return {"id": group_id, "name": name, "minChoices": 1, "maxChoices": 1, "choices": _choices(*choices)}


def item(
    category: str,
    name: str,
    description: str,
    price: int,
    *groups: dict[str, Any],
    tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "category": category,
        "name": name,
        "description": description,
        "price": price,
        "currency": "EUR",
        "dietaryTags": list(tags),
        "optionGroups": list(groups),
    }


WEEK = "mon tue wed thu fri sat sun"


def hours(*ranges: str, days: str = WEEK, **more: str) -> dict[str, Any]:
    """Weekly opening hours: each range (``"12:00-15:00"``) on each of ``days``; ``more`` gives other days their own
    ranges (``fri="19:00-01:00"``, several separated by spaces). A range closing at or before it opens closes the
    next day."""

    def parse(text: str) -> list[dict[str, str]]:
        return [dict(zip(("opens", "closes"), r.split("-"), strict=True)) for r in text.split()]

    weekly = {day: parse(" ".join(ranges)) for day in days.split()}
    weekly.update({day: parse(text) for day, text in more.items()})
    return {"weekly": weekly}


AROUND_THE_CLOCK = hours("00:00-24:00")


PIZZA_SIZES = size(("s", "26 cm", 0), ("m", "32 cm", 250), ("l", "40 cm", 500))
PIZZA_EXTRAS = extras(
    4, ("mozzarella", "Extra mozzarella", 150), ("basil", "Fresh basil", 50), ("chili", "Chili oil", 80),
    ("prosciutto", "Prosciutto crudo", 300), ("olives", "Kalamata olives", 120),
)  # fmt: skip
DRINK_SIZES = size(("330", "0.33 l", 0), ("500", "0.5 l", 100))

# ---- the demo restaurants (request bodies, as an admin would POST them) -----------------------------------------

DEMO_RESTAURANTS: list[dict[str, Any]] = [
    {
        "restaurant": {
            "name": "Spree Pizza Werk",
            "description": "Neapolitan-style pizza from a wood-fired oven by the river.",
            "cuisines": ["pizza", "italian"],
            "address": {"line1": "Holzmarktstrasse 25", "city": "Berlin", "postcode": "10243", "country": "DE"},
            # the restaurants the demo staff and the end-to-end tests order from take orders at any hour
            "timeZone": "Europe/Berlin",
            "openingHours": AROUND_THE_CLOCK,
            "currency": "EUR",
            "taxRateBps": 700,
            "deliveryFee": 249,
            "minimumOrder": 1200,
            "defaultPrepMinutes": 15,
            "deliveryMinutes": 25,
        },
        "menu": [
            item("Pizza", "Margherita", "San Marzano tomatoes, fior di latte, basil.", 950, PIZZA_SIZES, PIZZA_EXTRAS,
                 tags=("vegetarian",)),
            item("Pizza", "Diavola", "Spicy salami, tomatoes, mozzarella, chili.", 1250, PIZZA_SIZES, PIZZA_EXTRAS),
            item("Pizza", "Quattro Formaggi", "Mozzarella, gorgonzola, parmigiano, taleggio.", 1300, PIZZA_SIZES,
                 tags=("vegetarian",)),
            item("Pizza", "Funghi e Tartufo", "Mushrooms, truffle cream, thyme.", 1450, PIZZA_SIZES, PIZZA_EXTRAS,
                 tags=("vegetarian",)),
            item("Starters", "Burrata", "Burrata with cherry tomatoes and pesto.", 890, tags=("vegetarian",)),
            item("Starters", "Focaccia", "Rosemary focaccia with olive oil.", 490, tags=("vegan",)),
            item("Salads", "Rucola", "Rocket, parmigiano, cherry tomatoes, balsamic.", 790,
                 extras(2, ("chicken", "Grilled chicken", 300), ("burrata", "Half burrata", 350)),
                 tags=("vegetarian",)),
            item("Desserts", "Tiramisu", "Mascarpone, espresso, savoiardi.", 650, tags=("vegetarian",)),
            item("Drinks", "San Pellegrino", "Sparkling mineral water.", 290, DRINK_SIZES, tags=("vegan",)),
            item("Drinks", "Aranciata", "Italian orange soda.", 320, DRINK_SIZES, tags=("vegan",)),
        ],
    },
    {
        "restaurant": {
            "name": "Kiez Ramen",
            "description": "Slow-simmered broths and hand-pulled noodles in Kreuzberg.",
            "cuisines": ["japanese", "ramen"],
            "address": {"line1": "Oranienstrasse 180", "city": "Berlin", "postcode": "10999", "country": "DE"},
            "timeZone": "Europe/Berlin",
            "openingHours": AROUND_THE_CLOCK,
            "currency": "EUR",
            "taxRateBps": 700,
            "deliveryFee": 299,
            "minimumOrder": 1500,
            "defaultPrepMinutes": 25,
            "deliveryMinutes": 35,
        },
        "menu": [
            item("Ramen", "Tonkotsu", "Pork bone broth, chashu, ajitama, nori.", 1490,
                 pick_one("noodles", "Noodles", ("thin", "Thin", 0), ("thick", "Thick wavy", 0)),
                 extras(3, ("egg", "Extra ajitama", 200), ("chashu", "Extra chashu", 350), ("corn", "Butter corn", 150),
                        ("noodles", "Kaedama (extra noodles)", 250))),
            item("Ramen", "Shoyu", "Chicken and dashi broth with soy tare.", 1390,
                 extras(3, ("egg", "Extra ajitama", 200), ("menma", "Menma", 120))),
            item("Ramen", "Miso Vegan", "Miso and kombu broth, tofu, greens.", 1350,
                 extras(2, ("tofu", "Extra tofu", 200), ("chili", "Spicy miso bomb", 100)), tags=("vegan",)),
            item("Small plates", "Gyoza", "Pan-fried pork dumplings.", 690,
                 pick_one("pieces", "Pieces", ("5", "5 pieces", 0), ("8", "8 pieces", 300))),
            item("Small plates", "Edamame", "Steamed, with sea salt.", 450, tags=("vegan",)),
            item("Small plates", "Karaage", "Japanese fried chicken, yuzu mayo.", 790),
            item("Rice", "Chashu Don", "Rice bowl with torched chashu and egg.", 990),
            item("Rice", "Onigiri", "Two rice balls: salmon and umeboshi.", 550),
            item("Drinks", "Ramune", "Japanese lemonade.", 350, tags=("vegan",)),
            item("Drinks", "Genmaicha", "Roasted rice green tea.", 300, DRINK_SIZES, tags=("vegan",)),
        ],
    },
    {
        "restaurant": {
            "name": "Gruene Schuessel",
            "description": "Plant-based bowls, wraps and smoothies.",
            "cuisines": ["vegan", "bowls"],
            "address": {"line1": "Kastanienallee 12", "city": "Berlin", "postcode": "10435", "country": "DE"},
            "timeZone": "Europe/Berlin",
            "openingHours": {
                **hours("10:00-21:00", days="mon tue wed thu fri sat"),
                "exceptions": [
                    {"date": "2026-12-24", "ranges": [{"opens": "10:00", "closes": "14:00"}], "note": "Christmas Eve"},
                    {"date": "2026-12-25", "ranges": [], "note": "Christmas Day"},
                    {"date": "2026-12-26", "ranges": [], "note": "Second day of Christmas"},
                ],
            },
            "currency": "EUR",
            "taxRateBps": 700,
            "deliveryFee": 199,
            "minimumOrder": 1000,
            "defaultPrepMinutes": 12,
            "deliveryMinutes": 20,
        },
        "menu": [
            item("Bowls", "Falafel Bowl", "Falafel, hummus, tabbouleh, pickled cabbage.", 1090,
                 pick_one("base", "Base", ("quinoa", "Quinoa", 0), ("rice", "Brown rice", 0), ("greens", "Greens", 0)),
                 extras(3, ("avocado", "Avocado", 200), ("halloumi-vegan", "Vegan halloumi", 250),
                        ("seeds", "Toasted seeds", 80)), tags=("vegan",)),
            item("Bowls", "Teriyaki Tofu Bowl", "Glazed tofu, edamame, carrots, sesame.", 1150,
                 pick_one("base", "Base", ("rice", "Sushi rice", 0), ("soba", "Soba noodles", 100)), tags=("vegan",)),
            item("Bowls", "Buddha Bowl", "Roasted sweet potato, chickpeas, tahini.", 1050, tags=("vegan",)),
            item("Wraps", "Hummus Wrap", "Hummus, grilled vegetables, rocket.", 850, tags=("vegan",)),
            item("Wraps", "Tempeh Wrap", "Smoked tempeh, slaw, chipotle mayo.", 890, tags=("vegan",)),
            item("Smoothies", "Green Machine", "Spinach, mango, banana, ginger.", 590,
                 size(("300", "300 ml", 0), ("500", "500 ml", 150)),
                 extras(2, ("protein", "Pea protein", 100), ("chia", "Chia seeds", 60)), tags=("vegan",)),
            item("Smoothies", "Berry Blast", "Strawberry, blueberry, oat milk.", 590,
                 size(("300", "300 ml", 0), ("500", "500 ml", 150)), tags=("vegan",)),
            item("Sweets", "Raw Brownie", "Dates, cacao, walnuts.", 390, tags=("vegan", "gluten-free")),
        ],
    },
    {
        "restaurant": {
            "name": "Tasca da Graca",
            "description": "Portuguese home cooking and grilled fish from the Graca hill.",
            "cuisines": ["portuguese", "seafood"],
            "address": {"line1": "Rua da Graca 45", "city": "Lisbon", "postcode": "1170-166", "country": "PT"},
            "timeZone": "Europe/Lisbon",
            "openingHours": hours(
                "12:00-15:00 19:00-23:30", days="mon tue wed thu", fri="12:00-15:00 19:00-01:00", sat="12:00-01:00"
            ),
            "currency": "EUR",
            "taxRateBps": 1300,
            "deliveryFee": 199,
            "minimumOrder": 1500,
            "defaultPrepMinutes": 20,
            "deliveryMinutes": 30,
        },
        "menu": [
            item("Mains", "Bacalhau a Bras", "Salt cod, straw potatoes, egg, olives.", 1450),
            item("Mains", "Grilled Sardines", "Charcoal-grilled sardines with peppers.", 1250,
                 pick_one("side", "Side", ("potatoes", "Boiled potatoes", 0), ("salad", "Mixed salad", 0),
                          ("rice", "Tomato rice", 150))),
            item("Mains", "Arroz de Marisco", "Seafood rice for sharing.", 2490,
                 pick_one("portion", "Portion", ("1", "For one", 0), ("2", "For two", 1800))),
            item("Mains", "Bitoque", "Steak with fried egg, fries and rice.", 1390,
                 pick_one("doneness", "Doneness", ("rare", "Rare", 0), ("medium", "Medium", 0),
                          ("well", "Well done", 0)),
                 extras(2, ("egg", "Extra egg", 100), ("sauce", "Extra garlic sauce", 80))),
            item("Starters", "Caldo Verde", "Kale and potato soup with chourico.", 490),
            item("Starters", "Pica-pau", "Beef strips in beer and pickle sauce.", 890),
            item("Starters", "Queijo da Serra", "Soft sheep cheese with bread.", 950, tags=("vegetarian",)),
            item("Desserts", "Pastel de Nata", "Custard tart, cinnamon.", 180,
                 pick_one("pack", "Pack", ("1", "One", 0), ("6", "Box of six", 800)), tags=("vegetarian",)),
            item("Desserts", "Arroz Doce", "Lemon and cinnamon rice pudding.", 390, tags=("vegetarian",)),
            item("Drinks", "Vinho Verde", "A glass of young green wine.", 450,
                 size(("glass", "Glass", 0), ("bottle", "Bottle", 1350))),
        ],
    },
    {
        "restaurant": {
            "name": "Pizzaria Bairro Alto",
            "description": "Thin-crust pizza and late-night slices.",
            "cuisines": ["pizza", "italian"],
            "address": {"line1": "Rua do Norte 32", "city": "Lisbon", "postcode": "1200-284", "country": "PT"},
            # shows a closed restaurant: closed on the days around seeding (seed_demo_data), open late otherwise
            "timeZone": "Europe/Lisbon",
            "openingHours": hours("18:00-02:00"),
            "currency": "EUR",
            "taxRateBps": 1300,
            "deliveryFee": 149,
            "minimumOrder": 1000,
            "defaultPrepMinutes": 10,
            "deliveryMinutes": 20,
        },
        "menu": [
            item("Pizza", "Margherita", "Tomato, mozzarella, basil.", 890, PIZZA_SIZES, PIZZA_EXTRAS,
                 tags=("vegetarian",)),
            item("Pizza", "Portuguesa", "Ham, egg, onion, olives, peppers.", 1190, PIZZA_SIZES, PIZZA_EXTRAS),
            item("Pizza", "Chourico", "Smoked chourico, red onion, mozzarella.", 1150, PIZZA_SIZES, PIZZA_EXTRAS),
            item("Pizza", "Verdure", "Grilled courgette, aubergine, peppers.", 1090, PIZZA_SIZES,
                 tags=("vegetarian",)),
            item("Sides", "Garlic Bread", "With or without cheese.", 450,
                 pick_one("cheese", "Cheese", ("no", "Without cheese", 0), ("yes", "With cheese", 100)),
                 tags=("vegetarian",)),
            item("Sides", "Chicken Wings", "Piri-piri wings.", 790,
                 pick_one("heat", "Heat", ("mild", "Mild", 0), ("hot", "Hot", 0), ("inferno", "Inferno", 0))),
            item("Desserts", "Nutella Calzone", "Folded dough, Nutella, icing sugar.", 590, tags=("vegetarian",)),
            item("Drinks", "Super Bock", "Portuguese lager.", 250, DRINK_SIZES, tags=("vegan",)),
            item("Drinks", "Sumol", "Passion fruit soda.", 220, tags=("vegan",)),
        ],
    },
]  # fmt: skip


def seed_demo_data(service: CatalogService | None = None) -> list[SeededRestaurant]:
    """Create the demo restaurants and their menus as an admin; returns what was created.

    Uses ``waiter.compose.catalog_service()`` (the table and cursor secret from the environment) unless a service
    is given. The ``waiter`` package must be importable (the layer on sys.path).
    """
    from waiter.catalog.models import MenuItemCreate, RestaurantCreate
    from waiter.compose import catalog_service
    from waiter.identity import Principal, Role

    service = service or catalog_service()
    admin = Principal(user_id="demo-admin", email="admin@demo.waiter", roles=frozenset({Role.ADMIN}))
    seeded = []
    for index, demo in enumerate(DEMO_RESTAURANTS):
        name = demo["restaurant"]["name"]
        restaurant_id = SAMPLE_RESTAURANT_ID if index == 0 else stable_id(name)
        body = demo["restaurant"]
        if index == CLOSED_DEMO:
            body = _closed_around(body, datetime.now(UTC))
        restaurant = _assigning(service, restaurant_id).create_restaurant(admin, RestaurantCreate.model_validate(body))
        for position, menu_item in enumerate(demo["menu"]):
            item_id = SAMPLE_MENU_ITEM_ID if index == position == 0 else stable_id(f"{name}/{menu_item['name']}")
            _assigning(service, item_id).create_menu_item(
                admin, restaurant.id, MenuItemCreate.model_validate(menu_item)
            )
        seeded.append(
            SeededRestaurant(
                id=restaurant.id,
                name=restaurant.name,
                city=restaurant.address.city,
                cuisines=tuple(restaurant.cuisines),
                menu_items=len(demo["menu"]),
            )
        )
    return seeded


CLOSED_DEMO = 4  # the index in DEMO_RESTAURANTS of the restaurant that is closed whenever the demo starts


def _closed_around(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """``body`` closed from the day before ``now`` (its late range runs past midnight) to the day after, in its time
    zone: whenever the demo starts, the listing shows one closed restaurant and when it opens next."""
    from zoneinfo import ZoneInfo

    today = now.astimezone(ZoneInfo(body["timeZone"])).date()
    closed = [
        {"date": (today + timedelta(days=n)).isoformat(), "ranges": [], "note": "Closed for a private event"}
        for n in (-1, 0, 1)
    ]
    return {**body, "openingHours": {**body["openingHours"], "exceptions": closed}}


def seed_demo_accounts(user_pool_id: str, staff_restaurant_id: str) -> list[SeededAccount]:
    """Create the demo customer, staff and admin in the user pool, confirmed, with ``DEMO_PASSWORD``.

    Accounts are created as an administrator would (``admin_create_user``, a permanent password, the e-mail marked
    verified, the group); the member of staff is then assigned to ``staff_restaurant_id`` through
    ``AccountService.assign_staff`` by the demo admin, which writes the staff membership and the
    ``custom:restaurants`` attribute exactly as ``POST /v1/restaurants/{id}/staff`` does. Needs USER_POOL_ID,
    USER_POOL_CLIENT_ID, TABLE_NAME and CURSOR_SECRET in the environment (and AWS_ENDPOINT_URL locally).
    """
    import boto3

    from waiter.compose import account_service

    cognito = boto3.client("cognito-idp")
    ids: dict[str, str] = {}
    for account in DEMO_ACCOUNTS:
        created = cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=account.email,
            UserAttributes=[
                {"Name": "email", "Value": account.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": account.name},
            ],
            MessageAction="SUPPRESS",
        )["User"]
        username = str(created["Username"])
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=username, Password=DEMO_PASSWORD, Permanent=True
        )
        if account is not DEMO_STAFF:  # staff join their group when assigned, below
            cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=account.group)
        attributes = {a["Name"]: a.get("Value", "") for a in created.get("Attributes", [])}
        ids[account.email] = attributes.get("sub", username)
    account_service().assign_staff(_demo_admin(ids[DEMO_ADMIN.email]), staff_restaurant_id, DEMO_STAFF.email)
    return [
        SeededAccount(
            email=account.email,
            password=DEMO_PASSWORD,
            group=account.group,
            user_id=ids[account.email],
            restaurants=(staff_restaurant_id,) if account is DEMO_STAFF else (),
        )
        for account in DEMO_ACCOUNTS
    ]


def seed_demo_api_key(restaurant_id: str, admin_user_id: str) -> SeededApiKey:
    """A partner (POS) API key for ``restaurant_id``, issued by the demo admin through ``ApiKeyService`` (so it is
    registered with the API's usage plan, as ``POST /v1/restaurants/{id}/api-keys`` registers it). Needs
    USAGE_PLAN_ID besides the table's variables."""
    from waiter.compose import api_key_service
    from waiter.partners.models import ApiKeyCreate

    created = api_key_service().create(
        _demo_admin(admin_user_id), restaurant_id, ApiKeyCreate.model_validate({"name": "Demo POS"})
    )
    return SeededApiKey(id=created.id, restaurant_id=restaurant_id, key=created.key)


# A percent code at the first demo restaurant, open-ended: the example ``openapi.json`` gives for applying a code,
# so a request built from the document's examples finds one.
DEMO_DISCOUNT_CODE = "WELCOME10"


def seed_demo_discount(restaurant_id: str, admin_user_id: str) -> str:
    """``DEMO_DISCOUNT_CODE`` (10 % off, any number of times) at ``restaurant_id``, made through the ordering service
    by the demo admin, as ``POST /v1/restaurants/{id}/discounts`` makes it; the code."""
    from waiter.compose import ordering_service
    from waiter.ordering.models import DiscountCodeCreate

    data = DiscountCodeCreate.model_validate(
        {
            "code": DEMO_DISCOUNT_CODE,
            "kind": "percent",
            "percentBps": 1000,
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2100-01-01T00:00:00Z",
            "oncePerCustomer": False,
        }
    )
    return ordering_service().create_discount(_demo_admin(admin_user_id), restaurant_id, data).code


def _demo_admin(user_id: str) -> Principal:
    from waiter.identity import Principal, Role

    return Principal(user_id=user_id, email=DEMO_ADMIN.email, roles=frozenset({Role.ADMIN}))


def stable_id(name: str) -> str:
    """An id in the service's format (32 hex digits) that is the same on every run."""
    return uuid.uuid5(_ID_NAMESPACE, name).hex


def _assigning(service: CatalogService, entity_id: str) -> CatalogService:
    """The same service (store, clock, rules) but handing out ``entity_id`` as the next id."""
    return replace(service, ids=lambda: entity_id)


def main() -> int:
    if not os.environ.get("TABLE_NAME") or not os.environ.get("CURSOR_SECRET"):
        print("set TABLE_NAME and CURSOR_SECRET (and AWS credentials) for the table to seed", file=sys.stderr)
        return 2
    if os.environ.get("ENVIRONMENT") == "prod":
        print("refusing to seed demo data into prod", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "layers" / "common"))
    for restaurant in seed_demo_data():
        print(f"{restaurant.id}  {restaurant.name} ({restaurant.city}), {restaurant.menu_items} menu items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
