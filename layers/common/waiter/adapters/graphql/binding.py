"""The executable schema: ``schema.graphql`` with the resolvers bound to its fields by name (schema-first).

graphql-core's ``build_schema`` makes the types from the SDL; binding sets ``resolve`` on the fields the resolvers
name. Every other field of an object type reads the key of its name from its parent's JSON, which is the REST body
model's dump: ``WIRE_MODELS`` says which model each type is, and ``check_binding`` proves that the schema's fields
are exactly the model's fields plus the bound resolvers, and that every resolver names a field.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, cast

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, build_schema
from pydantic import BaseModel

from waiter.accounts.models import Profile
from waiter.adapters.graphql.resolvers import RESOLVERS, Resolver
from waiter.adapters.graphql.transport_ws import SUBSCRIPTION_TOPICS
from waiter.catalog.hours import DatedHours, OpeningHours, TimeRange, WeeklyHours
from waiter.catalog.models import (
    Address,
    MenuCategory,
    MenuItemView,
    MenuView,
    OptionChoice,
    OptionGroup,
    RestaurantView,
)
from waiter.ordering.models import (
    Actor,
    ActorType,
    CancelRequest,
    CartItemAdd,
    CartLinePatch,
    CartSummary,
    CartWarning,
    CartWarningCode,
    Checkout,
    DeliveryAddress,
    DiscountCodeApply,
    Fulfilment,
    OptionSelection,
    OrderHistoryEntry,
    OrderStatus,
    OrderView,
    PaymentMethod,
    PaymentStatus,
    PricedCart,
    PricedLine,
    PricedOption,
    TransitionRequest,
)
from waiter.payments.models import PaymentView

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")

# Each object type is the JSON of a REST body model; the connection shapes are this adapter's own.
WIRE_MODELS: dict[str, type[BaseModel]] = {
    "Restaurant": RestaurantView, "Address": Address, "OpeningHours": OpeningHours, "WeeklyHours": WeeklyHours,
    "TimeRange": TimeRange, "DatedHours": DatedHours, "Menu": MenuView, "MenuCategory": MenuCategory,
    "MenuItem": MenuItemView, "OptionGroup": OptionGroup, "OptionChoice": OptionChoice, "Profile": Profile,
    "CartSummary": CartSummary, "Cart": PricedCart, "PricedLine": PricedLine, "PricedOption": PricedOption,
    "CartWarning": CartWarning, "Order": OrderView, "DeliveryAddress": DeliveryAddress,
    "OrderHistoryEntry": OrderHistoryEntry, "Actor": Actor, "Payment": PaymentView,
}  # fmt: skip
CONNECTION_SHAPES: dict[str, frozenset[str]] = {
    "RestaurantConnection": frozenset({"edges", "pageInfo"}),
    "RestaurantEdge": frozenset({"node", "cursor"}),
    "OrderConnection": frozenset({"edges", "pageInfo"}),
    "OrderEdge": frozenset({"node", "cursor"}),
    "PageInfo": frozenset({"hasNextPage", "endCursor"}),
}
# Input types are the REST request bodies; enums are the domain's.
INPUT_MODELS: dict[str, type[BaseModel]] = {
    "CartItemAddInput": CartItemAdd, "OptionSelectionInput": OptionSelection, "CartLinePatchInput": CartLinePatch,
    "DiscountCodeApplyInput": DiscountCodeApply, "DeliveryAddressInput": DeliveryAddress, "CheckoutInput": Checkout,
    "CancelInput": CancelRequest, "TransitionInput": TransitionRequest,
}  # fmt: skip
ENUMS = {
    "Fulfilment": Fulfilment, "OrderStatus": OrderStatus, "PaymentStatus": PaymentStatus, "ActorType": ActorType,
    "CartWarningCode": CartWarningCode, "PaymentMethod": PaymentMethod,
}  # fmt: skip
ROOTS = ("Query", "Mutation", "Subscription")


def wire_fields(model: type[BaseModel]) -> frozenset[str]:
    """The JSON keys of a model's dump (its aliases)."""
    return frozenset(f.alias or name for name, f in model.model_fields.items())


def sdl() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


_RENAMED = {"input": "data", "id": "id_"}


def python_name(argument: str) -> str:
    """The Python parameter a schema argument is passed as.

    >>> python_name("restaurantId"), python_name("input"), python_name("first")
    ('restaurant_id', 'data', 'first')
    """
    return _RENAMED.get(argument) or re.sub(r"(?<!^)([A-Z])", r"_\1", argument).lower()


def _with_python_names(resolver: Resolver) -> Resolver:
    def resolve(parent: Any, info: Any, **arguments: Any) -> Any:
        return resolver(parent, info, **{python_name(k): v for k, v in arguments.items()})

    return resolve


@cache
def executable_schema() -> GraphQLSchema:
    """The schema with its resolvers, built once per process."""
    schema = build_schema(sdl())
    for key, resolver in RESOLVERS.items():
        type_name, field_name = key.split(".", 1)
        owner = cast(GraphQLObjectType, schema.type_map[type_name])
        field = owner.fields[field_name]
        field.resolve = _with_python_names(resolver) if field.args else resolver
    return schema


def check_binding(schema: GraphQLSchema) -> list[str]:
    """What is wrong with the binding (empty when nothing): a field nothing resolves, a resolver or model field the
    schema lacks, an input type that is not its REST body, an enum that is not the domain's."""
    problems: list[str] = []
    for key in RESOLVERS:
        type_name, field_name = key.split(".", 1)
        owner = schema.type_map.get(type_name)
        if not isinstance(owner, GraphQLObjectType) or field_name not in owner.fields:
            problems.append(f"resolver {key} has no field in the schema")
    subscription = schema.subscription_type
    subscribed = frozenset(subscription.fields) if subscription else frozenset()
    if subscribed != frozenset(SUBSCRIPTION_TOPICS):
        problems.append(f"subscription fields {sorted(subscribed)} != topics {sorted(SUBSCRIPTION_TOPICS)}")
    for name, named in schema.type_map.items():
        if name.startswith("__") or name == "Subscription":
            continue
        if isinstance(named, GraphQLObjectType):
            problems += _object_problems(name, named)
        elif isinstance(named, GraphQLInputObjectType):
            model = INPUT_MODELS.get(name)
            if model is None or frozenset(named.fields) != wire_fields(model):
                problems.append(f"input {name} is not its REST body's fields")
        elif isinstance(named, GraphQLEnumType):
            enum = ENUMS.get(name)
            if enum is None or frozenset(named.values) != frozenset(e.value for e in enum):
                problems.append(f"enum {name} is not the domain's values")
    return problems


def _object_problems(name: str, named: GraphQLObjectType) -> list[str]:
    fields = frozenset(named.fields)
    resolved = frozenset(k.split(".", 1)[1] for k in RESOLVERS if k.split(".", 1)[0] == name)
    if name in ROOTS:
        data: frozenset[str] = frozenset()
    elif name in WIRE_MODELS:
        data = wire_fields(WIRE_MODELS[name])
    elif name in CONNECTION_SHAPES:
        data = CONNECTION_SHAPES[name]
    else:
        return [f"type {name} is no REST shape and no connection"]
    problems = []
    if missing := fields - resolved - data:
        problems.append(f"{name}: no resolver and no model field for {sorted(missing)}")
    if extra := data - fields:
        problems.append(f"{name}: the REST shape has {sorted(extra)}, the schema does not")
    return problems
