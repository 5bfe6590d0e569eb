"""The JSON schema of an input model (what openapi.json says a body may be) accepts what the model accepts and
refuses what it refuses, also where a validator or whitespace stripping decides: blank names, the discount shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.cognitoidp.utils import validate_username_format
from pydantic import BaseModel, ValidationError

from waiter.accounts.models import SIGN_UP_EMAIL_PATTERN, Login, ResetPassword, SignUp, password_problems
from waiter.catalog.availability import AvailabilityChange
from waiter.catalog.hours import OpeningHours
from waiter.catalog.models import MenuItemPatch, RestaurantPatch
from waiter.catalog.service import _pause, _set_fields
from waiter.errors import ValidationFailed
from waiter.ordering.lifecycle import check_transition_fields
from waiter.ordering.models import (
    CartItemAdd,
    CartLinePatch,
    Checkout,
    DiscountCodeCreate,
    OrderStatus,
    TransitionRequest,
)
from waiter.partners.models import ApiKeyCreate

VALID_FROM, VALID_UNTIL = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"


def _discount(**fields: Any) -> dict[str, Any]:
    return {"code": "SAVE-10", "validFrom": VALID_FROM, "validUntil": VALID_UNTIL, **fields}


def _verdicts(model: type[BaseModel], body: dict[str, Any]) -> tuple[bool, bool]:
    """(the schema accepts ``body``, the model accepts it)."""
    formats = jsonschema.Draft202012Validator.FORMAT_CHECKER
    schema_accepts = jsonschema.Draft202012Validator(model.model_json_schema(), format_checker=formats).is_valid(body)
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
        (SignUp, {"email": "Ada.Lovelace+w@mail.example.com", "password": "Waiter-demo-1!", "name": "A"}, True),
        (SignUp, {"email": "Z|zg,@Jb{.7!M", "password": "Waiter-demo-1!", "name": "A"}, False),
        (SignUp, {"email": "-ada@example.com", "password": "Waiter-demo-1!", "name": "A"}, False),
        (SignUp, {"email": "ada@example.c", "password": "Waiter-demo-1!", "name": "A"}, False),
        (SignUp, {"email": "adä@example.com", "password": "Waiter-demo-1!", "name": "A"}, False),
        (SignUp, {"email": f"{'a' * 117}@example.com", "password": "Waiter-demo-1!", "name": "A"}, False),
        (ResetPassword, {"email": "a@b.co", "code": "123456", "password": "Waiter-demo-1!"}, True),
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
        (DiscountCodeCreate, {**_discount(kind="percent", percentBps=1000), "validFrom": "0"}, False),
        (DiscountCodeCreate, {**_discount(kind="percent", percentBps=1000), "validFrom": "2026-01-01T00:00Z"}, False),
        (OpeningHours, {"weekly": {}, "exceptions": [{"date": "2026-12-24"}]}, True),
        (OpeningHours, {"weekly": {}, "exceptions": [{"date": 0}]}, False),
        (OpeningHours, {"weekly": {}, "exceptions": [{"date": "0"}]}, False),
        (OpeningHours, {"weekly": {}, "exceptions": [{"date": "20261224"}]}, False),
    ],
)
def test_an_input_schema_accepts_exactly_what_its_model_accepts(
    model: type[BaseModel], body: dict[str, Any], accepted: bool
) -> None:
    assert _verdicts(model, body) == (accepted, accepted)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(SIGN_UP_EMAIL_PATTERN, fullmatch=True))
def test_every_address_the_sign_up_schema_takes_the_local_identity_provider_takes_too(email: str) -> None:
    """Cognito's own rule (1-128 letters, marks, symbols, digits, punctuation, an e-mail) is looser than the local
    stack's (moto's e-mail pattern); the schema states what both take, so a valid sign-up is never refused."""
    if len(email) <= 128:
        assert validate_username_format(email, _format="email")


@pytest.mark.parametrize("to", list(OrderStatus))
@pytest.mark.parametrize("reason", [None, "out of dough"])
@pytest.mark.parametrize("prep_minutes", [None, 25])
def test_the_transition_schema_states_which_targets_take_a_reason_and_an_estimate(
    to: OrderStatus, reason: str | None, prep_minutes: int | None
) -> None:
    """What ``lifecycle.transition`` refuses with a 400 on ``body.reason`` or ``body.prepMinutes``."""
    body: dict[str, Any] = {"to": to.value, "reason": reason, "prepMinutes": prep_minutes}
    try:
        check_transition_fields(to, reason, prep_minutes)
    except ValidationFailed:
        taken = False
    else:
        taken = True
    schema = jsonschema.Draft202012Validator(TransitionRequest.model_json_schema())

    assert schema.is_valid(body) == taken
    assert schema.is_valid({k: v for k, v in body.items() if v is not None}) == taken


@pytest.mark.parametrize(
    ("body", "taken"),
    [
        ({"acceptingOrders": True}, True),
        ({"acceptingOrders": True, "until": None, "reason": None}, True),
        ({"acceptingOrders": True, "reason": "busy"}, False),
        ({"acceptingOrders": True, "until": "2026-01-01T13:00:00Z"}, False),
        ({"acceptingOrders": False, "until": "2026-01-01T13:00:00Z", "reason": "busy"}, True),
        ({"acceptingOrders": False}, True),
    ],
)
def test_the_availability_schema_states_that_a_resume_takes_no_until_nor_reason(
    body: dict[str, Any], taken: bool
) -> None:
    """What ``catalog.service._pause`` refuses with a 400 (an ``until`` ahead of now, within the limit, aside)."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    try:
        _pause(AvailabilityChange.model_validate(body), now)
    except ValidationFailed:
        paused = False
    else:
        paused = True

    assert (jsonschema.Draft202012Validator(AvailabilityChange.model_json_schema()).is_valid(body), paused) == (
        taken,
        taken,
    )


@pytest.mark.parametrize("model", [RestaurantPatch, MenuItemPatch])
def test_a_patch_schema_refuses_null_for_every_field_as_the_service_does(
    model: type[RestaurantPatch] | type[MenuItemPatch],
) -> None:
    """A patch changes values, it does not erase them (``catalog.service._set_fields``): no field's schema is
    nullable, nor says ``default: null``."""
    schema = model.model_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for name, field in model.model_fields.items():
        body = {field.alias or name: None}
        assert not validator.is_valid(body), name
        assert "default" not in schema["properties"][field.alias or name], name
        with pytest.raises(ValidationFailed):
            _set_fields(model.model_validate(body))


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


@pytest.mark.parametrize("password", ["Waiter-demo-1!", "short-Pass1!", "NoSymbols1234"])
def test_the_reset_password_schema_states_the_password_policy_the_service_enforces(password: str) -> None:
    schema = jsonschema.Draft202012Validator(ResetPassword.model_json_schema())
    body = {"email": "a@b.co", "code": "123456", "password": password}

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


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (CartLinePatch, {}, "quantity"),
        (CartItemAdd, {"menuItemId": "m1"}, "quantity"),
        (Checkout, {"restaurantId": "r1", "fulfilment": "pickup"}, "expectedTotal"),
        (MenuItemPatch, {}, "price"),
    ],
)
@pytest.mark.parametrize(("value", "accepted"), [(2, True), (2.0, True), (2.5, False), ("2", False), (True, False)])
def test_an_integer_field_takes_what_the_document_calls_an_integer_and_nothing_else(
    model: type[BaseModel], body: dict[str, Any], field: str, value: object, accepted: bool
) -> None:
    """JSON Schema's ``integer`` is any number with no fractional part (``2.0`` too): the fuzzer sends such numbers,
    and a client in a language without an integer type may."""
    sent = {**body, field: value}
    schema = jsonschema.Draft202012Validator(model.model_json_schema())

    assert schema.is_valid(sent) == accepted
    if accepted:
        parsed = model.model_validate(sent)
        assert any(v == 2 and type(v) is int for v in parsed.model_dump().values())
    else:
        with pytest.raises(ValidationError):
            model.model_validate(sent)
