"""The SOAP function through its handler, on moto: every operation over SOAP 1.1 and 1.2 for the partner key's
restaurant, each answering what its REST twin answers; faults for what the key may not do; the WSDL served."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Partner, Shop
from tests.soap.envelopes import SoapReply, envelope, fields, q, reply_of, soap_event
from tests.support import LambdaContext, load_function
from waiter.adapters.soap.pos import NAMESPACE

VERSIONS = ["1.1", "1.2"]


def soap(operation: str, inner: str = "", *, partner: Partner | None, version: str = "1.1", **claims: str) -> SoapReply:
    authorizer: dict[str, Any] | None = partner.context() if partner else ({"claims": claims} if claims else None)
    event = soap_event(
        envelope(operation, inner, version=version), version=version, action=f"{NAMESPACE}/{operation}",
        authorizer=authorizer,
    )  # fmt: skip
    reply = reply_of(load_function("soap_pos").lambda_handler(event, LambdaContext()))
    expected = "text/xml" if version == "1.1" else "application/soap+xml"
    assert reply.content_type.startswith(expected), reply.content_type
    return reply


def texts(node: Any, name: str) -> list[str]:
    return [e.text or "" for e in node.iter(q(name))]


@pytest.mark.parametrize("version", VERSIONS)
def test_get_menu_is_the_partner_menu_with_unavailable_items(shop: Shop, version: str) -> None:
    partner = Partner("k1", shop.id)
    api.request(
        "partner_set_item_availability", "PUT", "/v1/partner/menu-items/{itemId}/availability",
        {"itemId": shop.drink["id"]}, authorizer=partner.context(), body={"available": False},
    )  # fmt: skip

    reply = soap("GetMenu", partner=partner, version=version)

    assert reply.status == 200, reply.text
    menu = reply.payload.find(q("menu"))
    assert menu is not None
    assert menu.findtext(q("restaurantId")) == shop.id
    items = {i.findtext(q("id")): i for i in menu.iter(q("item"))}
    assert set(items) == {shop.pizza["id"], shop.drink["id"]}
    drink = items[shop.drink["id"]]
    assert drink.findtext(q("available")) == "false"
    assert drink.findtext(q("currency")) == "EUR"
    assert drink.findtext(q("price")) == str(shop.drink["price"])


@pytest.mark.parametrize("version", VERSIONS)
def test_set_item_availability_changes_what_rest_shows(shop: Shop, version: str) -> None:
    reply = soap(
        "SetItemAvailability", fields(itemId=shop.drink["id"], available=False), partner=Partner("k1", shop.id),
        version=version,
    )  # fmt: skip

    assert reply.status == 200, reply.text
    assert texts(reply.payload, "available") == ["false"]
    public = [i["id"] for c in api.get_menu(shop.id).body["categories"] for i in c["items"]]
    assert shop.drink["id"] not in public


def test_list_orders_filters_by_status_and_pages_like_the_rest_route(shop: Shop, other_shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    ids = [o.place_order(shop)["id"] for _ in range(3)]
    o.place_order(other_shop)
    o.partner_transition(ids[1], "ACCEPTED", partner=partner)

    placed = soap("ListOrders", fields(status="PLACED"), partner=partner)
    first = soap("ListOrders", fields(limit=2), partner=partner)
    cursor = first.payload.findtext(q("nextCursor"))
    second = soap("ListOrders", fields(limit=2, cursor=cursor), partner=partner)

    assert [e.findtext(q("id")) for e in placed.payload.findall(q("order"))] == [ids[0], ids[2]]
    assert [e.findtext(q("id")) for e in first.payload.findall(q("order"))] == ids[:2]
    assert [e.findtext(q("id")) for e in second.payload.findall(q("order"))] == ids[2:]
    assert second.payload.find(q("nextCursor")) is None
    rest = o.partner_orders(partner=partner, query={"limit": "2"})
    assert cursor == rest.body["nextCursor"], "the same page, the same cursor"


def test_get_order_shows_its_order_and_another_restaurants_order_is_not_found(shop: Shop, other_shop: Shop) -> None:
    mine, theirs = o.place_order(shop), o.place_order(other_shop)
    partner = Partner("k1", shop.id)

    found = soap("GetOrder", fields(orderId=mine["id"]), partner=partner)
    missing = soap("GetOrder", fields(orderId=theirs["id"]), partner=partner)

    assert found.status == 200
    assert found.payload.findtext(f"{q('order')}/{q('total')}") == str(mine["total"])
    assert (missing.status, missing.fault_code()) == (500, "soap:Client")
    assert missing.problem()["status"] == "404"
    assert theirs["id"] in (missing.problem()["detail"] or "")


@pytest.mark.parametrize("version", VERSIONS)
def test_accept_then_move_to_ready(shop: Shop, version: str) -> None:
    order = o.place_order(shop, fulfilment="pickup")
    partner = Partner("k1", shop.id)

    accepted = soap(
        "AcceptOrder", fields(orderId=order["id"], expectedVersion=1, prepMinutes=25), partner=partner, version=version
    )
    preparing = soap("UpdateOrderStatus", fields(orderId=order["id"], status="PREPARING"), partner=partner,
                     version=version)  # fmt: skip
    ready = soap("UpdateOrderStatus", fields(orderId=order["id"], status="READY", expectedVersion=3),
                 partner=partner, version=version)  # fmt: skip

    assert [r.status for r in (accepted, preparing, ready)] == [200, 200, 200], ready.text
    assert accepted.payload.findtext(f"{q('order')}/{q('prepMinutes')}") == "25"
    assert accepted.payload.find(f"{q('order')}/{q('estimatedReadyAt')}") is not None
    node = ready.payload.find(q("order"))
    assert node is not None
    assert (node.findtext(q("status")), node.findtext(q("version"))) == ("READY", "4")
    assert texts(node, "allowedTransition") == ["PICKED_UP"]
    assert o.get_order(order["id"]).body["status"] == "READY"


@pytest.mark.parametrize(("version", "status", "code"), [("1.1", 500, "soap:Client"), ("1.2", 400, "env:Sender")])
def test_a_stale_expected_version_is_a_client_fault_and_moves_nothing(
    shop: Shop, version: str, status: int, code: str
) -> None:
    order = o.place_order(shop)

    stale = soap("AcceptOrder", fields(orderId=order["id"], expectedVersion=7), partner=Partner("k1", shop.id),
                 version=version)  # fmt: skip

    assert (stale.status, stale.fault_code()) == (status, code)
    assert stale.problem()["status"] == "412"
    assert o.get_order(order["id"]).body["status"] == "PLACED"


def test_reject_records_the_reason(shop: Shop) -> None:
    order = o.place_order(shop)

    rejected = soap("RejectOrder", fields(orderId=order["id"], reason="Out of dough"), partner=Partner("k1", shop.id))

    assert rejected.status == 200, rejected.text
    assert rejected.payload.findtext(f"{q('order')}/{q('status')}") == "REJECTED"
    assert texts(rejected.payload, "reason")[-1] == "Out of dough"
    assert o.get_order(order["id"]).body["history"][-1]["reason"] == "Out of dough"


def test_a_move_the_state_machine_refuses_is_a_client_fault_naming_the_allowed_ones(shop: Shop) -> None:
    order = o.place_order(shop)

    refused = soap("UpdateOrderStatus", fields(orderId=order["id"], status="READY"), partner=Partner("k1", shop.id))

    assert refused.fault_code() == "soap:Client"
    assert refused.problem()["status"] == "409"
    assert "ACCEPTED" in (refused.problem()["detail"] or "")


def test_a_caller_without_a_partner_key_gets_a_client_fault(shop: Shop) -> None:
    staff = o.staff(shop.id)
    reply = soap("GetMenu", partner=None, **staff)
    assert (reply.fault_code(), reply.problem()["status"]) == ("soap:Client", "403")


def test_the_wsdl_is_served_on_get_with_wsdl_and_get_without_it_is_refused() -> None:
    handler = load_function("soap_pos").lambda_handler
    partner = {"keyId": "k1", "restaurantId": "r1"}

    served = handler(soap_event("", method="GET", query={"wsdl": ""}, authorizer=partner), LambdaContext())
    bare = reply_of(handler(soap_event("", method="GET", authorizer=partner), LambdaContext()))

    assert served["statusCode"] == 200
    assert "<wsdl:definitions" in served["body"]
    assert 'location="https://api.test/dev/v1/soap/pos"' in served["body"], "the stage path as API Gateway saw it"
    assert (bare.status, bare.problem()["errors"]) == (400, [("query.wsdl", "is required for GET")])


def test_an_unexpected_error_is_a_server_fault_without_its_details(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    from waiter import compose

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret internal state at 0xdeadbeef")

    monkeypatch.setattr(compose.ordering_service(), "kitchen_orders", broken)

    for version, status, code in (("1.1", 500, "soap:Server"), ("1.2", 500, "env:Receiver")):
        reply = soap("ListOrders", partner=Partner("k1", shop.id), version=version)
        assert (reply.status, reply.fault_code()) == (status, code)
        assert "secret" not in reply.text
        assert "RuntimeError" not in reply.text
        assert "Traceback" not in reply.text
