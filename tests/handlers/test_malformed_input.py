"""What the fuzzer (``make fuzz``) found, held in place: input that reached a function and came back as a 500 is now
refused with a 4xx problem+json before anything is read or stored.

- a path parameter no id can be (``?``, control characters, an encoded ``/``, emoji, 65 characters) was a 500:
  Powertools' router cannot carry some of them and reported "no route", which the catch-all answered with a 500;
- a path the router cannot match at all (an empty segment) was the same 500;
- a body of another media type (text, XML, a form) was a 500 (Powertools' ``RequestUnsupportedContentType``);
- a JSON body that is not UTF-8 was a 500 (``UnicodeDecodeError``), and so were an integer of more than 4300 digits
  and nesting deeper than the parser goes (``ValueError`` / ``RecursionError``, not a ``JSONDecodeError``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.handlers import api
from tests.support import ADMIN, api_event
from tests.unit.builders import restaurant_body


def _create_restaurant(body: str, *, content_type: str = "application/json", base64_encoded: bool = False) -> api.Reply:
    event = api_event("POST", "/v1/restaurants", body=body, claims=ADMIN, headers={"Content-Type": content_type})
    event["isBase64Encoded"] = base64_encoded
    return api.send("create_restaurant", event)


# ---- path parameters --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "odd_id",
    [
        pytest.param("?", id="question-mark"),
        pytest.param("\x18x", id="control-character"),
        pytest.param("\x00", id="nul"),
        pytest.param("a/b", id="slash"),
        pytest.param("a b", id="space"),
        pytest.param("5\U000910c0i", id="private-use-character"),
        pytest.param("\U0001f355", id="emoji"),
        pytest.param("..", id="dot-dot"),
        pytest.param("x" * 65, id="over-long"),
    ],
)
def test_a_path_id_with_characters_no_id_has_is_a_400_naming_the_parameter(table: str, odd_id: str) -> None:
    reply = api.get_restaurant(odd_id)

    assert reply.status == 400
    assert reply.field_errors() == ["path.restaurantId"]
    assert reply.body["type"] == "https://waiter.dev/problems/validation-failed"


def test_every_malformed_path_parameter_is_named(restaurant: dict[str, Any]) -> None:
    reply = api.update_menu_item("a?b", "c/d", {"name": "X"})

    assert reply.status == 400
    assert reply.field_errors() == ["path.restaurantId", "path.itemId"]
    assert api.table_snapshot() != []  # the restaurant is still there, untouched


def test_ids_of_every_shape_the_api_hands_out_pass_the_path_check(restaurant: dict[str, Any]) -> None:
    # hex ids of any length, Cognito subs (UUIDs with hyphens) and the names the tests use
    for some_id in ["0123456789abcdef0123456789abcdef", "3f2c9a7e-5b1d-4c8e-9a6f-0b2d4e6a8c1f", "does-not-exist"]:
        assert api.get_restaurant(some_id).status == 404
    assert api.get_restaurant(restaurant["id"]).status == 200


def test_a_path_the_router_cannot_match_is_a_400_not_a_500(table: str) -> None:
    event = api_event("GET", "/v1//restaurants", resource="/v1/restaurants")

    reply = api.send("list_restaurants", event)

    assert reply.status == 400
    assert reply.field_errors() == ["path"]


# ---- bodies -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "application/problem+json",
    ],
)
def test_a_body_that_is_not_application_json_is_a_415(table: str, content_type: str) -> None:
    reply = _create_restaurant(json.dumps(restaurant_body()), content_type=content_type)

    assert reply.status == 415
    assert reply.body["type"] == "https://waiter.dev/problems/unsupported-media-type"
    assert reply.field_errors() == ["header.Content-Type"]
    assert api.table_snapshot() == []


def test_a_json_media_type_powertools_cannot_read_is_a_415_not_a_500(table: str) -> None:
    # Powertools compares the media type case-sensitively; the refusal must still be a problem, not a crash
    reply = _create_restaurant(json.dumps(restaurant_body()), content_type="APPLICATION/JSON")

    assert reply.status == 415
    assert api.table_snapshot() == []


def test_a_json_body_with_a_charset_is_read(table: str) -> None:
    reply = _create_restaurant(json.dumps(restaurant_body()), content_type="application/json; charset=utf-8")

    assert reply.status == 201


def test_a_json_body_that_is_not_utf8_is_a_400(table: str) -> None:
    raw = b'{"name": "\xff\xfe"}'

    reply = _create_restaurant(base64.b64encode(raw).decode(), base64_encoded=True)

    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "body", "message": "is not UTF-8 encoded JSON"}]


def test_a_base64_json_body_that_is_utf8_is_read(table: str) -> None:
    raw = json.dumps(restaurant_body()).encode()

    reply = _create_restaurant(base64.b64encode(raw).decode(), base64_encoded=True)

    assert reply.status == 201


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"minimumOrder": 1' + "0" * 5000 + "}", id="integer-of-5000-digits"),
        pytest.param('{"name": ' + "[" * 30_000 + "]" * 30_000 + "}", id="nested-30000-deep"),
        pytest.param('{"name": ', id="truncated"),
    ],
)
def test_a_body_json_cannot_read_is_a_400_not_a_500(table: str, body: str) -> None:
    reply = _create_restaurant(body)

    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "body", "message": "is not valid JSON"}]
    assert api.table_snapshot() == []


def test_a_json_array_body_is_a_400(table: str) -> None:
    reply = _create_restaurant(json.dumps([restaurant_body()]))

    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "body", "message": "must be a JSON object"}]
