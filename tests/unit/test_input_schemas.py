"""The JSON schema of an input model (what openapi.json says a body may be) accepts what the model accepts and
refuses what it refuses, also where a validator or whitespace stripping decides: blank names, the discount shapes."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError

from waiter.accounts.models import Login, SignUp, password_problems
from waiter.catalog.models import RestaurantPatch
from waiter.ordering.models import Checkout, DiscountCodeCreate
from waiter.partners.models import ApiKeyCreate

VALID_FROM, VALID_UNTIL = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"


def _discount(**fields: Any) -> dict[str, Any]:
    return {"code": "SAVE-10", "validFrom": VALID_FROM, "validUntil": VALID_UNTIL, **fields}


def _verdicts(model: type[BaseModel], body: dict[str, Any]) -> tuple[bool, bool]:
    """(the schema accepts ``body``, the model accepts it)."""
    schema_accepts = jsonschema.Draft202012Validator(model.model_json_schema()).is_valid(body)
    try:
        model.model_validate(body)
    except ValidationError:
        return schema_accepts, False
    return schema_accepts, True


@pytest.mark.parametrize(
    ("model", "body", "accepted"),
    [
        (ApiKeyCreate, {"name": "POS"}, True),
        (ApiKeyCreate, {"name": "   "}, False),
        (ApiKeyCreate, {"name": "\t\u00a0\u3000"}, False),
        (ApiKeyCreate, {"name": "\x1c"}, True),  # not whitespace to pydantic, though Python's isspace says it is
        (RestaurantPatch, {"name": " "}, False),
        (RestaurantPatch, {"address": {"line1": "x", "city": "\n", "postcode": "1", "country": "DE"}}, False),
        (Login, {"email": "a@b.co", "password": " "}, True),
        (DiscountCodeCreate, _discount(kind="percent", percentBps=1000), True),
        (DiscountCodeCreate, _discount(kind="percent", percentBps=1000, amount=None, currency=None), True),
        (DiscountCodeCreate, _discount(kind="percent", percentBps=1000, amount=500), False),
        (DiscountCodeCreate, _discount(kind="percent"), False),
        (DiscountCodeCreate, _discount(kind="percent", percentBps=None), False),
        (DiscountCodeCreate, _discount(kind="fixed", amount=500, currency="EUR"), True),
        (DiscountCodeCreate, _discount(kind="fixed", amount=500, currency="EUR", percentBps=None), True),
        (DiscountCodeCreate, _discount(kind="fixed", amount=500), True),
        (DiscountCodeCreate, _discount(kind="fixed", percentBps=1000), False),
        (DiscountCodeCreate, {**_discount(kind="percent", percentBps=1000), "validFrom": 0}, False),
        (DiscountCodeCreate, _discount(kind="fixed", amount=500, currency="EUR", percentBps=10), False),
    ],
)
def test_an_input_schema_accepts_exactly_what_its_model_accepts(
    model: type[BaseModel], body: dict[str, Any], accepted: bool
) -> None:
    assert _verdicts(model, body) == (accepted, accepted)


@pytest.mark.parametrize(
    "password",
    [
        "Waiter-demo-1!",
        "   Spaced Out 1  ",
        "short-Pass1!",
        "no-upper-case-1!",
        "NO-LOWER-CASE-1!",
        "No-digits-here!",
        "NoSymbols1234",
    ],
)
def test_the_sign_up_schema_states_the_password_policy_the_service_enforces(password: str) -> None:
    schema = jsonschema.Draft202012Validator(SignUp.model_json_schema())
    body = {"email": "a@b.co", "password": password, "name": "A"}

    assert schema.is_valid(body) == (password_problems(password) == [])


ADDRESS = {"line1": "Holzmarktstrasse 25", "city": "Berlin", "postcode": "10243", "country": "DE"}


@pytest.mark.parametrize(
    ("fulfilment", "address", "placed"),
    [("delivery", ADDRESS, True), ("delivery", None, False), ("pickup", ADDRESS, False), ("pickup", None, True)],
)
def test_the_checkout_schema_states_that_a_delivery_has_an_address_and_a_pickup_none(
    fulfilment: str, address: dict[str, str] | None, placed: bool
) -> None:
    """What ``lifecycle.place_order`` refuses with a 400 on ``body.deliveryAddress``."""
    body: dict[str, Any] = {"restaurantId": "r1", "fulfilment": fulfilment, "expectedTotal": 1000}
    if address is not None:
        body["deliveryAddress"] = address

    assert jsonschema.Draft202012Validator(Checkout.model_json_schema()).is_valid(body) == placed
