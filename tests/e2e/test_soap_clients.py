"""The POS journey over SOAP with two independent clients, neither written here, each built from the WSDL the local
gateway serves: zeep (Python) and the npm ``soap`` package (Node.js, installed by this module's set-up into
tests/soap_node from its package-lock.json). Both call every operation with the demo partner key: list orders, accept
one, move it to READY, reject one with a reason, set an item unavailable and see the menu change over REST; a stale
expected version and another restaurant's order are Client faults; no key and a revoked key are refused by the
gateway (401/403 problem+json), not with a fault."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.template import ROOT
from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway, place_order, skip_when_deployed
from tests.e2e.test_partner_keys import create_key, revoke_key
from tests.support import npm_ci_once
from waiter.adapters.soap.pos import POS_SERVICE

pytestmark = pytest.mark.e2e

NODE_CLIENT = ROOT / "tests" / "soap_node"
SOAP_PATH = "/v1/soap/pos"


@dataclass
class Answer:
    """What a client got: the result as plain data, or the fault's code, HTTP status and Problem detail."""

    result: dict[str, Any] | None = None
    fault_code: str | None = None  # "Client" / "Sender", "Server" / "Receiver"
    http_status: int | None = None
    problem: dict[str, Any] | None = None


Call = Callable[[str, dict[str, Any]], Answer]


# ---- zeep -------------------------------------------------------------------------------------------------------


def zeep_client(wsdl: str, key: str, version: str) -> Call:
    import requests
    import zeep
    from zeep.helpers import serialize_object
    from zeep.transports import Transport

    session = requests.Session()
    session.headers["X-Api-Key"] = key
    client = zeep.Client(wsdl, transport=Transport(session=session, timeout=30))  # type: ignore[no-untyped-call]
    service = client.bind("PosService", "PosServiceSoap12" if version == "1.2" else "PosServiceSoap11")

    def call(operation: str, args: dict[str, Any]) -> Answer:
        try:
            result = getattr(service, operation)(**args)
        except zeep.exceptions.Fault as fault:
            problem = fault.detail.find("{https://waiter.dev/soap/pos/v1}Problem") if fault.detail is not None else None
            found = {c.tag.rsplit("}", 1)[-1]: c.text for c in problem} if problem is not None else None
            return Answer(fault_code=str(fault.code).rsplit(":", 1)[-1].rsplit("}", 1)[-1], problem=found)
        data = serialize_object(result, dict)  # type: ignore[no-untyped-call]
        answer = POS_SERVICE.operation(operation)
        assert answer is not None
        if len(answer.response.fields) == 1:  # zeep hands back a one-element answer's element itself
            data = {answer.response.fields[0].name: data}
        return Answer(result=json.loads(json.dumps(data, default=str)))

    return call


# ---- node soap --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_ready(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The npm ``soap`` client installed from tests/soap_node/package-lock.json (``npm ci``, no global install,
    once for all workers)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):  # .ci/run installs Node.js: in CI a missing client is a failure, not a skip
            pytest.fail("Node.js (node and npm) is not installed: the npm soap client cannot run")
        pytest.skip("Node.js (node and npm) is not installed: the npm soap client cannot run")
    npm_ci_once(NODE_CLIENT, NODE_CLIENT / "node_modules" / "soap", npm, tmp_path_factory.getbasetemp().parent)
    return Path(node)


def node_client(node: Path, wsdl: str, key: str, version: str) -> Call:
    def call(operation: str, args: dict[str, Any]) -> Answer:
        done = subprocess.run(  # noqa: S603 - node from PATH, our script
            [str(node), "call.js", wsdl, key, version, operation, json.dumps(args)],
            cwd=NODE_CLIENT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert "error" not in out, out
        if out.get("fault") is None:
            assert out["status"] == 200, out
            return Answer(result=out["result"])
        fault = out["fault"]
        code = fault.get("faultcode") or fault["Code"]["Value"]
        detail = fault.get("detail") or fault.get("Detail") or {}
        return Answer(fault_code=str(code).rsplit(":", 1)[-1], http_status=out["status"], problem=detail.get("Problem"))

    return call


# ---- the journey, once per client and SOAP version -------------------------------------------------------------


CLIENTS = [("zeep", "1.1"), ("zeep", "1.2"), ("node", "1.1"), ("node", "1.2")]


@pytest.fixture(params=CLIENTS, ids=[f"{c}-soap{v}" for c, v in CLIENTS])
def pos(request: pytest.FixtureRequest, gateway: Gateway) -> Iterator[tuple[Call, str]]:
    skip_when_deployed("the demo partner key exists in the local stack only")
    kind, version = request.param
    wsdl, key = f"{gateway.url}{SOAP_PATH}?wsdl", gateway.demo_partner_key()
    if kind == "zeep":
        yield zeep_client(wsdl, key, version), version
    else:
        yield node_client(request.getfixturevalue("node_ready"), wsdl, key, version), version


def _client_fault(version: str) -> str:
    return "Client" if version == "1.1" else "Sender"


def _orders(answer: Answer) -> list[dict[str, Any]]:
    assert answer.result is not None, answer
    found = answer.result.get("order") or []
    return found if isinstance(found, list) else [found]


def test_list_accept_and_move_an_order_to_ready(
    pos: tuple[Call, str], api: httpx.Client, customer: Caller, order_at_b: dict[str, Any]
) -> None:
    call, version = pos
    order = place_order(api, customer, RESTAURANT_A)

    listed = call("ListOrders", {"status": "PLACED", "limit": 100})
    assert order["id"] in {o["id"] for o in _orders(listed)}
    assert order_at_b["id"] not in {o["id"] for o in _orders(listed)}

    got = call("GetOrder", {"orderId": order["id"]})
    assert got.result is not None, got
    assert int(got.result["order"]["total"]) == order["total"]
    assert got.result["order"]["currency"] == order["currency"]
    version_now = int(got.result["order"]["version"])

    accepted = call("AcceptOrder", {"orderId": order["id"], "expectedVersion": version_now})
    assert accepted.result is not None, accepted
    assert accepted.result["order"]["status"] == "ACCEPTED"

    stale = call("UpdateOrderStatus", {"orderId": order["id"], "status": "PREPARING", "expectedVersion": version_now})
    assert stale.fault_code == _client_fault(version), stale
    assert stale.problem is not None
    assert str(stale.problem["status"]) == "412"

    for status in ("PREPARING", "READY"):
        moved = call("UpdateOrderStatus", {"orderId": order["id"], "status": status})
        assert moved.result is not None, moved
        assert moved.result["order"]["status"] == status
    assert api.get(f"/v1/orders/{order['id']}", headers=customer.headers).json()["status"] == "READY"


def test_reject_an_order_with_a_reason_the_customer_sees(
    pos: tuple[Call, str], api: httpx.Client, customer: Caller
) -> None:
    call, _ = pos
    order = place_order(api, customer, RESTAURANT_A)

    rejected = call("RejectOrder", {"orderId": order["id"], "reason": "Out of dough tonight"})

    assert rejected.result is not None, rejected
    assert rejected.result["order"]["status"] == "REJECTED"
    seen = api.get(f"/v1/orders/{order['id']}", headers=customer.headers).json()
    assert seen["statusReason"] == "Out of dough tonight"


def test_another_restaurants_order_is_a_client_fault_not_found(
    pos: tuple[Call, str], order_at_b: dict[str, Any]
) -> None:
    call, version = pos

    for operation in ("GetOrder", "AcceptOrder"):
        answer = call(operation, {"orderId": order_at_b["id"]})
        assert answer.fault_code == _client_fault(version), answer
        assert answer.problem is not None
        assert str(answer.problem["status"]) == "404"
        assert str(answer.problem["title"]) == "Not Found"


def test_set_an_item_unavailable_and_see_the_menu_change_over_rest(pos: tuple[Call, str], api: httpx.Client) -> None:
    call, _ = pos
    menu = call("GetMenu", {})
    assert menu.result is not None, menu
    categories = menu.result["menu"]["category"]
    categories = categories if isinstance(categories, list) else [categories]
    items = [i for c in categories for i in (c["item"] if isinstance(c["item"], list) else [c["item"]])]
    item = next(i for i in items if str(i["available"]).lower() == "true")

    try:
        off = call("SetItemAvailability", {"itemId": item["id"], "available": False})
        assert off.result is not None, off
        assert str(off.result["item"]["available"]).lower() == "false"
        public = api.get(f"/v1/restaurants/{RESTAURANT_A}/menu").json()
        assert item["id"] not in {i["id"] for c in public["categories"] for i in c["items"]}
        again = call("GetMenu", {})
        assert item["id"] in json.dumps(again.result), "the partner menu still shows it, as unavailable"
    finally:
        call("SetItemAvailability", {"itemId": item["id"], "available": True})
    public = api.get(f"/v1/restaurants/{RESTAURANT_A}/menu").json()
    assert item["id"] in {i["id"] for c in public["categories"] for i in c["items"]}


# ---- refused by the gateway, not with a fault ---------------------------------------------------------------------


def _envelope() -> str:
    return (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:p="https://waiter.dev/soap/pos/v1"><s:Body><p:GetMenu/></s:Body></s:Envelope>'
    )


def _assert_gateway_refusal(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert "xml" not in response.headers.get("content-type", ""), "the gateway answers, not the SOAP service"
    assert "Fault" not in response.text
    response.json()  # problem+json (or API Gateway's JSON message)


def test_no_key_is_refused_by_the_gateway_for_the_wsdl_and_the_envelopes(api: httpx.Client) -> None:
    skip_when_deployed()
    _assert_gateway_refusal(api.get(SOAP_PATH, params={"wsdl": ""}), 401)
    _assert_gateway_refusal(api.post(SOAP_PATH, content=_envelope(), headers={"Content-Type": "text/xml"}), 401)


def test_a_revoked_key_is_refused_by_the_gateway(api: httpx.Client, staff: Caller) -> None:
    created = create_key(api, staff, "E2E SOAP revoked")
    revoke_key(api, staff, created["id"])
    headers = {"Content-Type": "text/xml", "X-Api-Key": created["key"]}
    _assert_gateway_refusal(api.post(SOAP_PATH, content=_envelope(), headers=headers), 403)


def test_zeep_without_a_key_cannot_even_load_the_wsdl(gateway: Gateway) -> None:
    import requests
    import zeep

    with pytest.raises(requests.HTTPError) as refused:
        zeep.Client(f"{gateway.url}{SOAP_PATH}?wsdl")  # type: ignore[no-untyped-call]
    assert refused.value.response is not None
    assert refused.value.response.status_code == 401


# ---- make dev's banner --------------------------------------------------------------------------------------------


def test_the_banner_shows_the_wsdl_and_a_soap_envelope_that_works_as_printed(
    gateway: Gateway, api: httpx.Client
) -> None:
    skip_when_deployed()
    from local.gateway.__main__ import SOAP_NAMESPACE, soap_list_orders
    from waiter.adapters.soap.pos import NAMESPACE

    assert SOAP_NAMESPACE == NAMESPACE
    text = "\n".join(gateway.banner)
    assert f"{gateway.url}{SOAP_PATH}?wsdl" in text
    assert soap_list_orders() in text
    key = gateway.demo_partner_key()

    answer = api.post(
        SOAP_PATH,
        content=soap_list_orders(),
        headers={"X-Api-Key": key, "Content-Type": "text/xml", "SOAPAction": f'"{NAMESPACE}/ListOrders"'},
    )

    assert answer.status_code == 200, answer.text
    assert "ListOrdersResponse" in answer.text
