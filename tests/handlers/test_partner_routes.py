"""The partner (POS) routes and the API-key authorizer in front of them, through their handlers, on moto.

The partner routes get the caller from the authorizer's context ({principalId, keyId, restaurantId}), as API
Gateway passes it; the authorizer is called with the REQUEST event API Gateway sends it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Partner, Shop
from tests.support import ADMIN, LambdaContext, load_function


def _ids(reply: api.Reply) -> list[str]:
    return [order["id"] for order in reply.body["items"]]


# ---- GET /v1/partner/orders -------------------------------------------------------------------------------------


def test_a_partner_lists_the_orders_of_its_keys_restaurant_only(shop: Shop, other_shop: Shop) -> None:
    mine = [o.place_order(shop)["id"], o.place_order(shop, claims=o.customer(2))["id"]]
    o.place_order(other_shop)

    reply = o.partner_orders(partner=Partner("k1", shop.id))

    assert reply.status == 200
    assert _ids(reply) == mine
    assert {order["restaurantId"] for order in reply.body["items"]} == {shop.id}


def test_a_partner_filters_by_status_and_pages(shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    first, second, third = (o.place_order(shop)["id"] for _ in range(3))
    o.partner_transition(second, "ACCEPTED", partner=partner)

    assert _ids(o.partner_orders(partner=partner, query={"status": "PLACED"})) == [first, third]
    page = o.partner_orders(partner=partner, query={"limit": "2"})
    assert _ids(page) == [first, second]
    rest = o.partner_orders(partner=partner, query={"limit": "2", "cursor": page.body["nextCursor"]})
    assert (_ids(rest), rest.body["nextCursor"]) == ([third], None)


@pytest.mark.parametrize("who", ["staff-of-the-restaurant", "admin", "customer", "anonymous"])
def test_partner_routes_refuse_anyone_without_a_partner_key(shop: Shop, who: str) -> None:
    order = o.place_order(shop)
    claims = {"staff-of-the-restaurant": o.staff(shop.id), "admin": ADMIN, "customer": o.customer(), "anonymous": None}[
        who
    ]

    listing = o.partner_orders(partner=None, claims=claims)
    moved = o.partner_transition(order["id"], "ACCEPTED", partner=None, claims=claims)

    assert (listing.status, moved.status) == (403, 403)
    assert "X-Api-Key" in listing.body["detail"]
    assert o.get_order(order["id"]).body["status"] == "PLACED"


# ---- POST /v1/partner/orders/{orderId}/transitions ---------------------------------------------------------------


def test_a_partner_moves_its_own_order(shop: Shop) -> None:
    order = o.place_order(shop)
    partner = Partner("0123456789abcdef", shop.id)

    accepted = o.partner_transition(order["id"], "ACCEPTED", partner=partner)

    assert accepted.status == 200
    assert accepted.etag == '"2"'
    assert accepted.body["status"] == "ACCEPTED"
    entry = accepted.body["history"][-1]
    assert (entry["from"], entry["to"]) == ("PLACED", "ACCEPTED")
    assert entry["actor"] == {"type": "partner", "id": "apikey:0123456789abcdef"}
    for status in ["PREPARING", "READY", "OUT_FOR_DELIVERY", "DELIVERED"]:
        assert o.partner_transition(order["id"], status, partner=partner).status == 200
    assert o.get_order(order["id"]).body["status"] == "DELIVERED"


def test_a_partner_gets_the_same_409_as_staff_for_an_illegal_move(shop: Shop) -> None:
    order = o.place_order(shop, fulfilment="pickup")

    reply = o.partner_transition(order["id"], "OUT_FOR_DELIVERY", partner=Partner("k1", shop.id))

    assert reply.status == 409
    assert (reply.body["currentStatus"], reply.body["allowed"]) == ("PLACED", ["ACCEPTED", "REJECTED", "CANCELLED"])


def test_an_order_of_another_restaurant_is_404_to_a_partner(shop: Shop, other_shop: Shop) -> None:
    theirs = o.place_order(other_shop)

    reply = o.partner_transition(theirs["id"], "ACCEPTED", partner=Partner("k1", shop.id))

    assert reply.status == 404
    assert o.partner_transition("no-such-order", "ACCEPTED", partner=Partner("k1", shop.id)).status == 404
    assert o.get_order(theirs["id"]).body["status"] == "PLACED"


# ---- the API-key authorizer -----------------------------------------------------------------------------------------


def _authorize(api_key: str | None) -> dict[str, Any]:
    result: dict[str, Any] = load_function("partner_authorizer").lambda_handler(
        o.authorizer_event(api_key), LambdaContext()
    )
    return result


@pytest.fixture
def partner_key(shop: Shop, usage_plan: str) -> dict[str, Any]:
    """A partner API key of ``shop``, created by its staff through the API (secret included)."""
    reply = o.create_api_key(shop.id, claims=o.staff(shop.id))
    assert reply.status == 201, reply.body
    body: dict[str, Any] = reply.body
    return body


def test_a_valid_key_is_allowed_with_its_restaurant_as_context(shop: Shop, partner_key: dict[str, Any]) -> None:
    import boto3

    result = _authorize(partner_key["key"])

    assert result["principalId"] == f"apikey:{partner_key['id']}"
    assert result["context"] == {"keyId": partner_key["id"], "restaurantId": shop.id}
    assert result["policyDocument"]["Statement"] == [
        {
            "Action": "execute-api:Invoke",
            "Effect": "Allow",
            "Resource": ["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/*/*"],
        }
    ]
    # The usage identifier, not the secret, is what the usage plan meters.
    usage_key = result["usageIdentifierKey"]
    assert usage_key
    assert usage_key not in partner_key["key"]
    registered = boto3.client("apigateway").get_api_keys(includeValues=True)["items"]
    assert [k["value"] for k in registered] == [usage_key]


def test_the_authorizers_context_drives_the_partner_routes(shop: Shop, partner_key: dict[str, Any]) -> None:
    order = o.place_order(shop)
    context = _authorize(partner_key["key"])["context"]
    partner = Partner(context["keyId"], context["restaurantId"])

    assert _ids(o.partner_orders(partner=partner)) == [order["id"]]
    assert o.partner_transition(order["id"], "ACCEPTED", partner=partner).status == 200


@pytest.mark.parametrize(
    "make_key",
    [
        pytest.param(lambda _: None, id="missing"),
        pytest.param(lambda _: "", id="empty"),
        pytest.param(lambda _: "Bearer abc", id="malformed"),
        pytest.param(lambda _: "wtr_XYZ_secret", id="malformed-id"),
        pytest.param(lambda _: "wtr_0123456789abcdef_secret", id="unknown-id"),
        pytest.param(lambda real: real[:-1] + ("A" if real[-1] != "A" else "B"), id="wrong-secret"),
    ],
)
def test_a_missing_malformed_or_unknown_key_is_unauthorized(partner_key: dict[str, Any], make_key: Any) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$") as raised:
        _authorize(make_key(partner_key["key"]))

    assert type(raised.value) is Exception  # API Gateway answers 401 for exactly this


def test_a_revoked_key_is_denied(shop: Shop, partner_key: dict[str, Any]) -> None:
    assert o.revoke_api_key(shop.id, partner_key["id"], claims=o.staff(shop.id)).status == 204

    result = _authorize(partner_key["key"])

    assert result["principalId"] == "revoked-key"
    assert "context" not in result
    assert "usageIdentifierKey" not in result
    assert [s["Effect"] for s in result["policyDocument"]["Statement"]] == ["Deny"]


# ---- the order contract for a POS ---------------------------------------------------------------------------------


def test_a_partner_moving_an_order_it_saw_at_an_old_version_gets_a_412(shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    order = o.place_order(shop)
    [listed] = o.partner_orders(partner=partner).body["items"]
    assert o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id)).status == 200  # the kitchen board

    stale = o.partner_transition(order["id"], "REJECTED", partner=partner, if_match=f'"{listed["version"]}"')
    fresh = o.partner_transition(order["id"], "PREPARING", partner=partner, if_match='"2"')

    assert (stale.status, stale.body["currentStatus"]) == (412, "ACCEPTED")
    assert (fresh.status, fresh.etag, fresh.body["version"]) == (200, '"3"', 3)


def test_a_partner_sees_what_it_may_do_and_rejects_with_a_reason(shop: Shop) -> None:
    partner = Partner("k1", shop.id)
    order = o.place_order(shop)
    [listed] = o.partner_orders(partner=partner).body["items"]
    assert listed["allowedTransitions"] == ["ACCEPTED", "REJECTED", "CANCELLED"]

    silent = o.partner_transition(order["id"], "REJECTED", partner=partner, reason=None)
    rejected = o.partner_transition(order["id"], "REJECTED", partner=partner, reason="kitchen closed early")

    assert (silent.status, silent.field_errors()) == (400, ["body.reason"])
    assert rejected.body["history"][-1]["actor"] == {"type": "partner", "id": "apikey:k1"}
    assert o.get_order(order["id"]).body["statusReason"] == "kitchen closed early"
