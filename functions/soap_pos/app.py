"""POST /v1/soap/pos (SOAP 1.1 and 1.2) and GET /v1/soap/pos?wsdl: the POS service for restaurants' point-of-sale
systems. Each operation calls the service method its REST twin calls (named beside it), scoped to the partner key's
restaurant; the contract is waiter.adapters.soap.pos (wsdl/pos.wsdl)."""

from __future__ import annotations

from typing import Any

from waiter.adapters import soap
from waiter.adapters.soap.pos import POS_SERVICE, menu_document, menu_item_document, order_document
from waiter.compose import catalog_service, ordering_service
from waiter.identity import Principal, partner_restaurant
from waiter.ordering.models import OrderStatus


def get_menu(caller: Principal, _: dict[str, Any]) -> dict[str, Any]:  # GET /v1/partner/menu
    return {"menu": menu_document(catalog_service().partner_menu(caller))}


def set_item_availability(caller: Principal, r: dict[str, Any]) -> dict[str, Any]:  # PUT …/availability
    return {"item": menu_item_document(catalog_service().set_item_availability(caller, r["itemId"], r["available"]))}


def list_orders(caller: Principal, r: dict[str, Any]) -> dict[str, Any]:  # GET /v1/partner/orders
    status = OrderStatus(r["status"]) if "status" in r else None
    orders, next_cursor = ordering_service().kitchen_orders(
        caller, partner_restaurant(caller), status=status, limit=r.get("limit", 20), cursor=r.get("cursor")
    )
    return {"items": [order_document(o) for o in orders], "nextCursor": next_cursor}


def get_order(caller: Principal, r: dict[str, Any]) -> dict[str, Any]:  # GET /v1/orders/{orderId}
    return {"order": order_document(ordering_service().get_order(caller, r["orderId"]))}


def _move(caller: Principal, r: dict[str, Any], to: OrderStatus) -> dict[str, Any]:  # POST …/transitions
    expected = frozenset({r["expectedVersion"]}) if "expectedVersion" in r else None
    order = ordering_service().transition(
        caller,
        r["orderId"],
        to,
        restaurant_id=partner_restaurant(caller),
        reason=r.get("reason"),
        prep_minutes=r.get("prepMinutes"),
        if_match=expected,
    )
    return {"order": order_document(order)}


lambda_handler = soap.entrypoint(
    POS_SERVICE,
    {
        "GetMenu": get_menu,
        "SetItemAvailability": set_item_availability,
        "ListOrders": list_orders,
        "GetOrder": get_order,
        "AcceptOrder": lambda caller, r: _move(caller, r, OrderStatus.ACCEPTED),
        "RejectOrder": lambda caller, r: _move(caller, r, OrderStatus.REJECTED),
        "UpdateOrderStatus": lambda caller, r: _move(caller, r, OrderStatus(r["status"])),
    },
)
