"""The resolvers, bound to schema.graphql by name (``"Type.field"``): each calls the service method its REST twin
calls (named beside it) and returns what that route's body holds, as JSON (``model_dump(by_alias=True)``), so the
GraphQL and REST views of a thing are the same field for field. Fields not listed here read the key of their name
from that JSON (graphql-core's default resolver); ``binding.check_binding`` proves the two cover the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from pydantic import BaseModel, ValidationError

from waiter.adapters.graphql.errors import input_fields
from waiter.adapters.graphql.loaders import CatalogLoader
from waiter.catalog.models import MenuItemPatch
from waiter.compose import account_service, catalog_service, ordering_service, payment_service
from waiter.errors import ValidationFailed
from waiter.identity import Principal
from waiter.ordering.models import (
    CancelRequest,
    CartItemAdd,
    CartLinePatch,
    Checkout,
    DiscountCodeApply,
    Fulfilment,
    OrderStatus,
    TransitionRequest,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from graphql import GraphQLResolveInfo

Resolver = Callable[..., Any]
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # rest.PATH_ID_PATTERN: the ids the REST paths accept
MAX_TIP = 100_000  # GET /v1/carts/{restaurantId}?tip= takes 0..100000


@dataclass
class Context:
    """What every resolver of one request shares: the caller, the Lambda context (checkout's idempotency records
    its remaining time) and the request's loaders."""

    caller: Principal
    lambda_context: LambdaContext | None = None
    catalog: CatalogLoader = field(init=False)

    def __post_init__(self) -> None:
        self.catalog = CatalogLoader(catalog_service(), self.caller)


def _ctx(info: GraphQLResolveInfo) -> Context:
    context: Context = info.context
    return context


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def ident(value: str, name: str) -> str:
    """An id argument, held to the pattern the REST paths hold ids to (``BAD_USER_INPUT`` on ``name`` otherwise)."""
    if not _ID.fullmatch(value):
        raise ValidationFailed.on(name, "must be an id: 1 to 64 letters, digits, '-' or '_'")
    return value


def parse_input[M: BaseModel](model: type[M], value: Any, name: str = "input") -> M:
    """An input argument as the REST body model (unknown fields refused, the same rules); ``BAD_USER_INPUT``
    naming each field (``input.quantity``) otherwise."""
    try:
        return model.model_validate(value if value is not None else {})
    except ValidationError as error:
        fields = input_fields([dict(e) for e in error.errors()], name)
        raise ValidationFailed(detail="; ".join(f"{f.field}: {f.message}" for f in fields[:5]), errors=fields) from None


def _expected(version: int | None) -> frozenset[int] | None:
    """``expected_version`` as the versions an If-Match header would accept."""
    return None if version is None else frozenset({version})


def _page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    edges: list[dict[str, Any]] = [{"node": item, "cursor": None} for item in items]
    if edges:
        edges[-1]["cursor"] = next_cursor
    return {"edges": edges, "pageInfo": {"hasNextPage": next_cursor is not None, "endCursor": next_cursor}}


# ---- queries --------------------------------------------------------------------------------------------------


def restaurants(  # GET /v1/restaurants
    _: None, info: GraphQLResolveInfo, first: int, city: str | None = None, cuisine: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    context = _ctx(info)
    summaries, next_cursor = catalog_service().list_restaurants(
        context.caller, city=city, cuisine=cuisine, limit=first, cursor=after
    )
    context.catalog.prime(s.id for s in summaries)
    return _page([_json(s) for s in summaries], next_cursor)


def restaurant(_: None, info: GraphQLResolveInfo, id_: str) -> dict[str, Any]:  # GET /v1/restaurants/{restaurantId}
    catalog, restaurant_id = _ctx(info).catalog, ident(id_, "id")
    if selects(info, "menu"):  # and GET …/{restaurantId}/menu, from the same read
        return catalog.restaurant_with_menu(restaurant_id)
    return catalog.restaurant(restaurant_id)


def selects(info: GraphQLResolveInfo, name: str) -> bool:
    """Whether the field being resolved selects ``name`` directly (through fragments; ``@skip`` and ``@include``
    not read: a lookahead that only saves a read may err towards reading)."""
    pending: list[SelectionSetNode | None] = [node.selection_set for node in info.field_nodes]
    seen: set[str] = set()
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value == name:
                    return True
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = info.fragments.get(selection.name.value)
                pending.append(fragment.selection_set if fragment else None)
    return False


def restaurant_field(name: str) -> Resolver:
    """A restaurant's field: from what the parent holds (a listing page's summary holds some), else from the
    restaurant's details, read for the whole page at once (``CatalogLoader``)."""

    def resolve(parent: dict[str, Any], info: GraphQLResolveInfo) -> Any:
        if name in parent:
            return parent[name]
        return _ctx(info).catalog.restaurant(parent["id"])[name]

    return resolve


def restaurant_menu(parent: dict[str, Any], info: GraphQLResolveInfo) -> dict[str, Any]:  # GET …/{id}/menu
    return _ctx(info).catalog.menu(parent["id"])


def me(_: None, info: GraphQLResolveInfo) -> dict[str, Any]:  # GET /v1/me
    return _json(account_service().profile(_ctx(info).caller))


def carts(_: None, info: GraphQLResolveInfo) -> list[dict[str, Any]]:  # GET /v1/carts
    return [_json(c) for c in ordering_service().list_carts(_ctx(info).caller)]


def cart(  # GET /v1/carts/{restaurantId}
    _: None, info: GraphQLResolveInfo, restaurant_id: str, fulfilment: str, tip: int
) -> dict[str, Any]:
    if not 0 <= tip <= MAX_TIP:
        raise ValidationFailed.on("tip", f"must be between 0 and {MAX_TIP}")
    priced = ordering_service().get_cart(
        _ctx(info).caller, ident(restaurant_id, "restaurantId"), fulfilment=Fulfilment(fulfilment), tip=tip
    )
    return _json(priced)


def orders(_: None, info: GraphQLResolveInfo, first: int, after: str | None = None) -> dict[str, Any]:  # GET /v1/orders
    views, next_cursor = ordering_service().my_orders(_ctx(info).caller, limit=first, cursor=after)
    return _page([_json(v) for v in views], next_cursor)


def order(_: None, info: GraphQLResolveInfo, id_: str) -> dict[str, Any]:  # GET /v1/orders/{orderId}
    return _json(ordering_service().get_order(_ctx(info).caller, ident(id_, "id")))


def kitchen_orders(  # GET /v1/restaurants/{restaurantId}/orders
    _: None, info: GraphQLResolveInfo, restaurant_id: str, first: int, status: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    views, next_cursor = ordering_service().kitchen_orders(
        _ctx(info).caller,
        ident(restaurant_id, "restaurantId"),
        status=OrderStatus(status) if status else None,
        limit=first,
        cursor=after,
    )
    return _page([_json(v) for v in views], next_cursor)


# ---- mutations ------------------------------------------------------------------------------------------------


def add_cart_item(_: None, info: GraphQLResolveInfo, restaurant_id: str, data: Any) -> dict[str, Any]:  # POST …/items
    item = parse_input(CartItemAdd, data)
    return _json(ordering_service().add_item(_ctx(info).caller, ident(restaurant_id, "restaurantId"), item))


def update_cart_item(  # PATCH /v1/carts/{restaurantId}/items/{lineId}
    _: None,
    info: GraphQLResolveInfo,
    restaurant_id: str,
    line_id: str,
    data: Any,
) -> dict[str, Any]:
    patch = parse_input(CartLinePatch, data)
    caller, rid, lid = _ctx(info).caller, ident(restaurant_id, "restaurantId"), ident(line_id, "lineId")
    return _json(ordering_service().update_line(caller, rid, lid, patch))


def remove_cart_item(  # DELETE /v1/carts/{restaurantId}/items/{lineId}
    _: None, info: GraphQLResolveInfo, restaurant_id: str, line_id: str
) -> dict[str, Any]:
    caller, rid, lid = _ctx(info).caller, ident(restaurant_id, "restaurantId"), ident(line_id, "lineId")
    return _json(ordering_service().remove_line(caller, rid, lid))


def apply_discount(
    _: None, info: GraphQLResolveInfo, restaurant_id: str, data: Any
) -> dict[str, Any]:  # PUT …/discount
    code = parse_input(DiscountCodeApply, data)
    return _json(ordering_service().apply_discount(_ctx(info).caller, ident(restaurant_id, "restaurantId"), code))


def remove_discount(_: None, info: GraphQLResolveInfo, restaurant_id: str) -> dict[str, Any]:  # DELETE …/discount
    return _json(ordering_service().remove_discount(_ctx(info).caller, ident(restaurant_id, "restaurantId")))


def empty_cart(_: None, info: GraphQLResolveInfo, restaurant_id: str) -> bool:  # DELETE /v1/carts/{restaurantId}
    ordering_service().empty_cart(_ctx(info).caller, ident(restaurant_id, "restaurantId"))
    return True


def checkout(_: None, info: GraphQLResolveInfo, data: Any, idempotency_key: str) -> dict[str, Any]:  # POST /v1/orders
    context = _ctx(info)
    order = parse_input(Checkout, data)
    return _json(ordering_service().checkout(context.caller, order, idempotency_key=idempotency_key))


def start_payment(_: None, info: GraphQLResolveInfo, order_id: str) -> dict[str, Any]:  # POST …/{orderId}/payment
    # the payment service builds its provider client (and imports the provider's SDK) on this first call only
    return _json(payment_service().start_payment(_ctx(info).caller, ident(order_id, "orderId")))


def cancel_order(  # POST /v1/orders/{orderId}/cancel
    _: None,
    info: GraphQLResolveInfo,
    order_id: str,
    data: Any = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    reason = parse_input(CancelRequest, data).reason
    order_id = ident(order_id, "orderId")
    return _json(
        ordering_service().cancel(_ctx(info).caller, order_id, reason=reason, if_match=_expected(expected_version))
    )


def transition_order(  # POST /v1/restaurants/{restaurantId}/orders/{orderId}/transitions
    _: None, info: GraphQLResolveInfo, restaurant_id: str, order_id: str, data: Any,
    expected_version: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    move = parse_input(TransitionRequest, data)
    moved = ordering_service().transition(
        _ctx(info).caller,
        ident(order_id, "orderId"),
        move.to,
        restaurant_id=ident(restaurant_id, "restaurantId"),
        reason=move.reason,
        prep_minutes=move.prep_minutes,
        if_match=_expected(expected_version),
    )
    return _json(moved)


def set_menu_item_availability(  # PATCH /v1/restaurants/{restaurantId}/menu-items/{itemId} {available}
    _: None, info: GraphQLResolveInfo, restaurant_id: str, item_id: str, available: bool,
    expected_version: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    patch = MenuItemPatch.model_validate({"available": available})
    item = catalog_service().update_menu_item(
        _ctx(info).caller,
        ident(restaurant_id, "restaurantId"),
        ident(item_id, "itemId"),
        patch,
        if_match=_expected(expected_version),
    )
    return _json(item.view())


# Restaurant fields a listing page's summary does not hold come from the restaurant's details.
_RESTAURANT_FIELDS = [
    "id",
    "name",
    "description",
    "cuisines",
    "address",
    "currency",
    "taxRateBps",
    "deliveryFee",
    "minimumOrder",
    "active",
    "createdAt",
    "updatedAt",
    "defaultPrepMinutes",
    "deliveryMinutes",
    "timeZone",
    "openingHours",
    "openNow",
    "nextOpensAt",
    "acceptingOrders",
    "pausedUntil",
    "pauseReason",
]

# A resolver takes the schema's arguments in snake case (``restaurantId`` as ``restaurant_id``), ``input`` as ``data``
# and ``id`` as ``id_`` (``binding`` renames them).
RESOLVERS: dict[str, Resolver] = {
    "Query.restaurants": restaurants,
    "Query.restaurant": restaurant,
    "Query.me": me,
    "Query.carts": carts,
    "Query.cart": cart,
    "Query.orders": orders,
    "Query.order": order,
    "Query.kitchenOrders": kitchen_orders,
    "Mutation.addCartItem": add_cart_item,
    "Mutation.updateCartItem": update_cart_item,
    "Mutation.removeCartItem": remove_cart_item,
    "Mutation.applyDiscount": apply_discount,
    "Mutation.removeDiscount": remove_discount,
    "Mutation.emptyCart": empty_cart,
    "Mutation.checkout": checkout,
    "Mutation.startPayment": start_payment,
    "Mutation.cancelOrder": cancel_order,
    "Mutation.transitionOrder": transition_order,
    "Mutation.setMenuItemAvailability": set_menu_item_availability,
    "Restaurant.menu": restaurant_menu,
    **{f"Restaurant.{name}": restaurant_field(name) for name in _RESTAURANT_FIELDS},
}
