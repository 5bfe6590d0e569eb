"""The SOAP and REST views of one thing carry the same values: an order read with GetOrder and with
GET /v1/orders/{orderId}, a page with ListOrders and GET /v1/partner/orders, the menu with GetMenu and
GET /v1/partner/menu, each as the same partner key, on moto. The SOAP answer is read back through the contract's own
types (``schema.decode``: integers, booleans, repeated elements as lists), so every element is compared with the
JSON member of the same name."""

from __future__ import annotations

from typing import Any

from tests.handlers import api
from tests.handlers import conftest as handler_fixtures
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Partner, Shop
from tests.handlers.test_soap_pos import soap
from tests.soap.envelopes import fields, q
from waiter.adapters.soap.pos import MENU, NAMESPACE, ORDER
from waiter.adapters.soap.schema import decode

services, shop = handler_fixtures.services, handler_fixtures.shop  # the handler tests' fixtures: a shop on moto

ONLY_IN_SOAP: set[str] = set()  # every element of a SOAP order is a member of the REST view


def _comparable(rest: dict[str, Any], soap_view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both views without nulls (SOAP leaves an absent optional element out) and empty lists (likewise)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v is not None and v != []}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(rest), clean(soap_view)


def test_an_order_over_soap_and_over_rest_carries_the_same_values(shop: Shop) -> None:
    order = o.place_order(shop)
    partner = Partner("k1", shop.id)
    rest = api.request("get_order", "GET", o.ORDER, {"orderId": order["id"]}, authorizer=partner.context())

    reply = soap("GetOrder", fields(orderId=order["id"]), partner=partner)
    node = reply.payload.find(q("order"))
    assert node is not None
    soap_view = decode(node, ORDER, NAMESPACE)

    assert soap_view["version"] == int((rest.etag or "").strip('"'))
    left, right = _comparable(
        rest.body, {k: v for k, v in soap_view.items() if k not in ONLY_IN_SOAP or k in rest.body}
    )
    assert right == left


def test_a_page_over_soap_and_over_rest_carries_the_same_orders(shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    for _ in range(2):
        o.place_order(shop)
    rest = o.partner_orders(partner=partner)

    reply = soap("ListOrders", partner=partner)
    soap_orders = [decode(node, ORDER, NAMESPACE) for node in reply.payload.findall(q("order"))]

    assert len(soap_orders) == len(rest.body["items"]) == 2
    for rest_order, soap_order in zip(rest.body["items"], soap_orders, strict=True):
        trimmed = {k: v for k, v in soap_order.items() if k not in ONLY_IN_SOAP or k in rest_order}
        left, right = _comparable(rest_order, trimmed)
        assert right == left


def test_the_menu_over_soap_and_over_rest_carries_the_same_items(shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    rest = api.request("partner_get_menu", "GET", "/v1/partner/menu", authorizer=partner.context())

    node = soap("GetMenu", partner=partner).payload.find(q("menu"))
    assert node is not None
    soap_menu = decode(node, MENU, NAMESPACE)

    for category in rest.body["categories"]:
        for item in category["items"]:
            if isinstance(item.get("price"), dict):  # a price object: the contract states its currency beside it
                item["currency"], item["price"] = item["price"]["currency"], item["price"]
    left, right = _comparable(rest.body, soap_menu)
    assert right == left
