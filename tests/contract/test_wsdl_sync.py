"""wsdl/pos.wsdl is what the SOAP function serves: the committed copy is printed from the contract in code
(waiter.adapters.soap.pos), and ``GET /v1/soap/pos?wsdl`` answers it with the address the caller reached. A change to
the contract that is not committed to the WSDL fails here (``make wsdl`` rewrites it), as openapi.json does."""

from __future__ import annotations

from local.wsdl import WSDL_PATH, generated
from local.wsdl import main as wsdl_main
from tests.contract.access import SOAP_PATH
from tests.soap.envelopes import soap_event
from tests.support import LambdaContext, load_function
from waiter.adapters.soap.wsdl import PLACEHOLDER_LOCATION


def test_the_committed_wsdl_is_the_one_the_code_prints() -> None:
    assert WSDL_PATH.read_bytes() == generated(), "run `make wsdl` and commit wsdl/pos.wsdl"
    assert wsdl_main(["--check"]) == 0


def test_the_function_serves_the_committed_wsdl_at_the_address_it_was_reached() -> None:
    event = soap_event("", method="GET", query={"wsdl": ""}, authorizer={"keyId": "k1", "restaurantId": "r1"})
    event["requestContext"]["path"] = f"/dev{SOAP_PATH}"

    result = load_function("soap_pos").lambda_handler(event, LambdaContext())

    assert result["statusCode"] == 200
    assert result["headers"]["Content-Type"].startswith("text/xml")
    served = result["body"].encode()
    assert served == WSDL_PATH.read_bytes().replace(
        PLACEHOLDER_LOCATION.encode(), f"https://api.test/dev{SOAP_PATH}".encode()
    )
