"""The POS contract in code: every operation's request read (and refused when it breaks the schema, naming the
element), every answer built from the same types and valid against the WSDL's schema as an independent validator
(libxml2) compiles it, and the one fault mapping from waiter.errors to SOAP 1.1 and 1.2 faults."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import tostring

import pytest
from defusedxml.ElementTree import fromstring

from tests.soap.envelopes import SOAP11_ENV, SOAP12_ENV, envelope, fields, q
from tests.soap.xsd import assert_valid
from tests.unit.builders import ADMIN, menu_item_create, restaurant_create
from tests.unit.fakes import FakeCatalogStore
from waiter.adapters.soap.envelope import SOAP11, SOAP12, SoapRequest, SoapVersion, fault, read_request, response
from waiter.adapters.soap.pos import NAMESPACE, POS_SERVICE, menu_document, menu_item_document, order_document
from waiter.adapters.soap.wsdl import wsdl_document
from waiter.catalog.service import CatalogService
from waiter.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    TooManyRequests,
    UnsupportedMediaType,
    ValidationFailed,
    WaiterError,
)
from waiter.identity import principal_from_partner
from waiter.ordering.lifecycle import _demo_order, order_actor, order_view
from waiter.ordering.models import OrderView

LIMIT = 64 * 1024
PARTNER = principal_from_partner({"keyId": "k1", "restaurantId": "r1"})


def read(body: str, version: SoapVersion = SOAP11, *, action: str | None = None) -> SoapRequest:
    content_type = version.content_type + (f'; action="{action}"' if action and version is SOAP12 else "")
    soap_action = action if version is SOAP11 else None
    return read_request(
        POS_SERVICE, body.encode(), version=version, content_type=content_type, soap_action=soap_action, max_bytes=LIMIT
    )


def refusal(body: str, version: SoapVersion = SOAP11, *, action: str | None = None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        read(body, version, action=action)
    return refused.value


# ---- requests ---------------------------------------------------------------------------------------------------

VALID_REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "GetMenu": ("", {}),
    "SetItemAvailability": (fields(itemId="i1", available=False), {"itemId": "i1", "available": False}),
    "ListOrders": (
        fields(status="PLACED", limit=5, cursor="abc"),
        {"status": "PLACED", "limit": 5, "cursor": "abc"},
    ),
    "GetOrder": (fields(orderId="o1"), {"orderId": "o1"}),
    "AcceptOrder": (
        fields(orderId="o1", expectedVersion=3, prepMinutes=25),
        {"orderId": "o1", "expectedVersion": 3, "prepMinutes": 25},
    ),
    "RejectOrder": (fields(orderId="o1", reason="Out of dough"), {"orderId": "o1", "reason": "Out of dough"}),
    "UpdateOrderStatus": (
        fields(orderId="o1", status="READY", expectedVersion=4),
        {"orderId": "o1", "status": "READY", "expectedVersion": 4},
    ),
}


def test_every_operation_of_the_service_has_a_request_case_here() -> None:
    assert {op.name for op in POS_SERVICE.operations} == set(VALID_REQUESTS)


@pytest.mark.parametrize("operation", sorted(VALID_REQUESTS))
@pytest.mark.parametrize("version", [SOAP11, SOAP12], ids=["1.1", "1.2"])
def test_each_operation_reads_its_values(operation: str, version: SoapVersion) -> None:
    inner, expected = VALID_REQUESTS[operation]
    action = f"{NAMESPACE}/{operation}"

    request = read(envelope(operation, inner, version=version.name), version, action=action)

    assert (request.operation.name, request.values, request.version) == (operation, expected, version)


def test_optional_elements_may_be_left_out_and_no_action_is_fine() -> None:
    assert read(envelope("ListOrders")).values == {}
    assert read(envelope("AcceptOrder", fields(orderId="o1"))).values == {"orderId": "o1"}


@pytest.mark.parametrize(
    ("operation", "inner", "field", "message"),
    [
        ("GetOrder", "", "GetOrder.orderId", "is required"),
        ("GetOrder", fields(orderId="not an id!"), "GetOrder.orderId", "must match"),
        ("GetOrder", fields(orderId="o1", extra="x"), "GetOrder.extra", "is not an element of GetOrder"),
        ("GetOrder", fields(orderId="o1") + fields(orderId="o2"), "GetOrder.orderId", "only once"),
        ("SetItemAvailability", fields(itemId="i1", available="yes"), "SetItemAvailability.available", "true or false"),
        ("SetItemAvailability", fields(available=True, itemId="i1"), "SetItemAvailability.itemId", "out of order"),
        ("ListOrders", fields(status="COOKING"), "ListOrders.status", "must be one of PLACED"),
        ("ListOrders", fields(limit="ten"), "ListOrders.limit", "must be an integer"),
        ("ListOrders", fields(limit=0), "ListOrders.limit", "at least 1"),
        ("ListOrders", fields(limit=101), "ListOrders.limit", "at most 100"),
        ("AcceptOrder", fields(orderId="o1", prepMinutes=241), "AcceptOrder.prepMinutes", "at most 240"),
        ("AcceptOrder", fields(orderId="o1", expectedVersion="9" * 30), "AcceptOrder.expectedVersion", "integer"),
        ("RejectOrder", fields(orderId="o1"), "RejectOrder.reason", "is required"),
        ("RejectOrder", fields(orderId="o1", reason=""), "RejectOrder.reason", "at least 1"),
        ("UpdateOrderStatus", fields(orderId="o1", status="<p:x/>"), "UpdateOrderStatus.status", "plain"),
    ],
)
def test_a_request_that_breaks_the_schema_is_refused_naming_the_element(
    operation: str, inner: str, field: str, message: str
) -> None:
    error = refusal(envelope(operation, inner))

    assert [e.field for e in error.errors] == [field]
    assert message in error.errors[0].message


def test_an_unknown_operation_is_refused_naming_it_and_the_ones_there_are() -> None:
    error = refusal(envelope("DeleteEverything"))
    assert error.errors[0].field == "Body.DeleteEverything"
    assert "GetMenu" in error.errors[0].message


def test_an_element_of_another_namespace_is_refused_naming_it() -> None:
    wrong = envelope("GetOrder").replace(NAMESPACE, "urn:other")
    assert refusal(wrong).errors[0].field == "Body.GetOrder"
    child = envelope("GetOrder", '<x:orderId xmlns:x="urn:other">o1</x:orderId>')
    assert refusal(child).errors[0].field == "GetOrder.orderId"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("this is not XML", "body"),
        ("<a>unclosed", "body"),
        ("<Envelope/>", "Envelope"),
        (f'<s:Envelope xmlns:s="{SOAP11_ENV}"/>', "Envelope"),
        (f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body/></s:Envelope>', "Body"),
        (f'<s:Envelope xmlns:s="{SOAP12_ENV}"><s:Body/></s:Envelope>', "Envelope"),  # 1.2 sent as text/xml
    ],
)
def test_a_body_that_is_no_soap_11_envelope_is_refused(body: str, field: str) -> None:
    assert refusal(body).errors[0].field == field


def test_an_action_that_disagrees_with_the_body_is_refused() -> None:
    for version, header in ((SOAP11, "header.SOAPAction"), (SOAP12, "header.Content-Type.action")):
        error = refusal(envelope("GetMenu", version=version.name), version, action=f"{NAMESPACE}/GetOrder")
        assert error.errors[0].field == header


def test_a_header_the_client_says_must_be_understood_is_refused() -> None:
    body = envelope("GetMenu").replace(
        "<s:Body>", '<s:Header><x:Session xmlns:x="urn:x" s:mustUnderstand="1">1</x:Session></s:Header><s:Body>'
    )
    assert refusal(body).errors[0].field == "Header.Session"
    assert read(body.replace('s:mustUnderstand="1"', "")).operation.name == "GetMenu"


def _demo_view() -> OrderView:
    order = _demo_order()
    return order_view(order, order_actor(PARTNER, order))


# ---- answers ------------------------------------------------------------------------------------------------------


def _menu_values() -> dict[str, dict[str, Any]]:
    store = FakeCatalogStore()
    catalog = CatalogService(store)
    restaurant = catalog.create_restaurant(ADMIN, restaurant_create())
    item = catalog.create_menu_item(ADMIN, restaurant.id, menu_item_create(available=False, dietaryTags=["vegan"]))
    partner = principal_from_partner({"keyId": "k1", "restaurantId": restaurant.id})
    return {
        "menu": menu_document(catalog.get_menu(partner, restaurant.id)),
        "item": menu_item_document(item),
    }


def _answers() -> dict[str, dict[str, Any]]:
    order = order_document(_demo_view())
    menu = _menu_values()
    return {
        "GetMenu": {"menu": menu["menu"]},
        "SetItemAvailability": {"item": menu["item"]},
        "ListOrders": {"items": [order, order], "nextCursor": "next"},
        "GetOrder": {"order": order},
        "AcceptOrder": {"order": order},
        "RejectOrder": {"order": order},
        "UpdateOrderStatus": {"order": order},
    }


@pytest.mark.parametrize("operation", sorted(VALID_REQUESTS))
@pytest.mark.parametrize("version", [SOAP11, SOAP12], ids=["1.1", "1.2"])
def test_each_answer_is_valid_against_the_wsdls_schema(operation: str, version: SoapVersion) -> None:
    request = read(envelope(operation, VALID_REQUESTS[operation][0], version=version.name), version)

    built = fromstring(response(POS_SERVICE, request, _answers()[operation]))

    assert built.tag == f"{{{version.envelope}}}Envelope"
    body = built.find(f"{{{version.envelope}}}Body")
    assert body is not None
    [payload] = list(body)
    assert payload.tag == q(f"{operation}Response")
    assert_valid(tostring(payload))


def test_an_order_answer_carries_the_rest_views_values_under_the_same_names() -> None:
    order = order_document(_demo_view())
    request = read(envelope("GetOrder", fields(orderId="o1")))
    node = fromstring(response(POS_SERVICE, request, {"order": order})).find(f".//{q('order')}")
    assert node is not None

    assert node.findtext(q("total")) == str(order["total"]) == "1017"
    assert node.findtext(q("currency")) == "EUR"
    assert node.findtext(q("status")) == "PLACED"
    assert node.findtext(q("createdAt")) == "2026-01-15T12:00:00Z"
    assert node.findtext(q("version")) == "1"
    assert [e.text for e in node.findall(q("allowedTransition"))] == ["ACCEPTED", "REJECTED", "CANCELLED"]
    assert node.find(f"{q('history')}/{q('from')}") is None, "the first entry has no from: left out, not empty"


def test_the_menu_answer_shows_unavailable_items_with_price_and_currency() -> None:
    menu = _menu_values()["menu"]
    [item] = menu["categories"][0]["items"]
    assert (item["available"], item["price"], item["currency"]) == (False, 900, "EUR")


def test_the_wsdl_schema_compiles_and_names_every_operation_in_both_bindings() -> None:
    wsdl = fromstring(wsdl_document(POS_SERVICE, "https://h/dev/v1/soap/pos"))
    ns = {"w": "http://schemas.xmlsoap.org/wsdl/", "s11": "http://schemas.xmlsoap.org/wsdl/soap/",
          "s12": "http://schemas.xmlsoap.org/wsdl/soap12/"}  # fmt: skip
    names = {op.name for op in POS_SERVICE.operations}
    for binding in ("PosServiceSoap11", "PosServiceSoap12"):
        node = wsdl.find(f"w:binding[@name='{binding}']", ns)
        assert node is not None
        assert {o.get("name") for o in node.findall("w:operation", ns)} == names
        assert all(b.get("use") == "literal" for b in node.iter() if b.tag.endswith("}body"))
    addresses = [a.get("location") for a in wsdl.iter() if a.tag.endswith("}address")]
    assert addresses == ["https://h/dev/v1/soap/pos"] * 2
    assert "not a SOAP fault" in (wsdl.findtext("w:documentation", namespaces=ns) or "")


# ---- faults -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code11", "code12", "status12"),
    [
        (ValidationFailed.on("GetOrder.orderId", "is required"), "soap:Client", "env:Sender", 400),
        (BadRequest("bad"), "soap:Client", "env:Sender", 400),
        (Forbidden("no"), "soap:Client", "env:Sender", 400),
        (NotFound("order o9 does not exist"), "soap:Client", "env:Sender", 400),
        (Conflict("the order is READY"), "soap:Client", "env:Sender", 400),
        (PreconditionFailed("stale"), "soap:Client", "env:Sender", 400),
        (TooManyRequests("slow down"), "soap:Client", "env:Sender", 400),
        (WaiterError("something went wrong on our side; it has been logged"), "soap:Server", "env:Receiver", 500),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, WaiterError) else str(v),
)
def test_one_mapping_from_the_error_hierarchy_to_faults(
    error: WaiterError, code11: str, code12: str, status12: int
) -> None:
    status11, body11 = fault(POS_SERVICE, SOAP11, error, "req-7")
    status, body12 = fault(POS_SERVICE, SOAP12, error, "req-7")

    assert (status11, status) == (500, status12)
    root11, root12 = fromstring(body11), fromstring(body12)
    assert root11.findtext(".//faultcode") == code11
    assert root12.findtext(f".//{{{SOAP12_ENV}}}Value") == code12
    for root in (root11, root12):
        problem = root.find(f".//{q('Problem')}")
        assert problem is not None
        assert problem.findtext(q("type")) == error.type_uri
        assert problem.findtext(q("title")) == error.title
        assert problem.findtext(q("status")) == str(error.status)
        assert problem.findtext(q("detail")) == error.detail
        assert problem.findtext(q("requestId")) == "req-7"
        assert [(e.findtext(q("field")), e.findtext(q("message"))) for e in problem.findall(q("error"))] == [
            (f.field, f.message) for f in error.errors
        ]
        assert_valid(tostring(problem))


def test_a_fault_names_no_python_type_and_carries_no_traceback() -> None:
    error = UnsupportedMediaType("nope", errors=[FieldError("header.Content-Type", "must be text/xml")])
    for version in (SOAP11, SOAP12):
        status, body = fault(POS_SERVICE, version, error, None)
        assert status == 415
        text = body.decode()
        assert "Traceback" not in text
        assert "UnsupportedMediaType" not in text
        assert "waiter.errors" not in text
        assert "File " not in text
