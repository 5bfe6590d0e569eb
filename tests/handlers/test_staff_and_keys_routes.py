"""Staff assignment (/v1/restaurants/{id}/staff) against moto's Cognito, and partner API keys
(/v1/restaurants/{id}/api-keys) against moto's API Gateway usage plan, through their handlers."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop, UserPool
from tests.support import ADMIN, CUSTOMER
from tests.unit.builders import menu_item_body
from waiter.repository import keys

PASSWORD = "Waiter-demo-1!"


def _new_user(email: str = "sam@example.com") -> str:
    reply = o.signup({"email": email, "password": PASSWORD, "name": "Sam"})
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def _cognito_user(pool: UserPool, username: str) -> tuple[dict[str, str], list[str]]:
    client = boto3.client("cognito-idp")
    user = client.admin_get_user(UserPoolId=pool.pool_id, Username=username)
    groups = client.admin_list_groups_for_user(UserPoolId=pool.pool_id, Username=username)["Groups"]
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}, sorted(g["GroupName"] for g in groups)


def _claims_from_cognito(pool: UserPool, username: str) -> api.Claims:
    """The claims the Cognito authorizer would pass for the user's next ID token."""
    attributes, groups = _cognito_user(pool, username)
    claims = {"sub": attributes["sub"], "email": attributes["email"], "cognito:groups": ",".join(groups)}
    if "custom:restaurants" in attributes:
        claims["custom:restaurants"] = attributes["custom:restaurants"]
    return claims


# ---- assigning staff ------------------------------------------------------------------------------------------


def test_an_admin_assigns_staff_by_e_mail(user_pool: UserPool, shop: Shop) -> None:
    user_id = _new_user()

    reply = o.assign_staff(shop.id, "Sam@Example.com")

    assert reply.status == 201
    assert reply.headers["Location"] == f"/v1/restaurants/{shop.id}/staff/{user_id}"
    assert set(reply.body) == {"userId", "email", "restaurantId", "addedAt"}
    assert (reply.body["userId"], reply.body["email"], reply.body["restaurantId"]) == (
        user_id,
        "sam@example.com",
        shop.id,
    )
    attributes, groups = _cognito_user(user_pool, user_id)
    assert attributes["custom:restaurants"] == shop.id
    assert groups == ["customers", "staff"]
    profile = o.me(claims=_claims_from_cognito(user_pool, user_id))
    assert (profile.body["roles"], profile.body["restaurants"]) == (["customers", "staff"], [shop.id])


def test_new_staff_manage_their_restaurant_after_signing_in_again(user_pool: UserPool, shop: Shop) -> None:
    user_id = _new_user()
    before = _claims_from_cognito(user_pool, user_id)
    assert api.create_menu_item(shop.id, menu_item_body(), claims=before).status == 403

    o.assign_staff(shop.id, "sam@example.com")

    after = _claims_from_cognito(user_pool, user_id)
    assert api.create_menu_item(shop.id, menu_item_body(), claims=after).status == 201


def test_staff_of_two_restaurants_carry_both(user_pool: UserPool, shop: Shop, other_shop: Shop) -> None:
    user_id = _new_user()

    o.assign_staff(shop.id, "sam@example.com")
    o.assign_staff(other_shop.id, "sam@example.com")

    attributes, _ = _cognito_user(user_pool, user_id)
    assert attributes["custom:restaurants"] == " ".join(sorted([shop.id, other_shop.id]))
    profile = o.me(claims=_claims_from_cognito(user_pool, user_id)).body
    assert profile["restaurants"] == sorted([shop.id, other_shop.id])


@pytest.mark.parametrize("who", ["customer", "staff-of-the-restaurant"])
def test_only_admins_assign_staff(user_pool: UserPool, shop: Shop, who: str) -> None:
    user_id = _new_user()
    claims = CUSTOMER if who == "customer" else o.staff(shop.id)

    reply = o.assign_staff(shop.id, "sam@example.com", claims=claims)

    assert reply.status == 403
    assert "custom:restaurants" not in _cognito_user(user_pool, user_id)[0]


def test_assigning_an_unknown_e_mail_is_a_400(user_pool: UserPool, shop: Shop) -> None:
    reply = o.assign_staff(shop.id, "nobody@example.com")

    assert (reply.status, reply.field_errors()) == (400, ["body.email"])


def test_assigning_staff_to_an_unknown_restaurant_is_a_404(user_pool: UserPool) -> None:
    _new_user()

    assert o.assign_staff("no-such-restaurant", "sam@example.com").status == 404


def test_an_admin_removes_staff(user_pool: UserPool, shop: Shop, other_shop: Shop) -> None:
    user_id = _new_user()
    o.assign_staff(shop.id, "sam@example.com")
    o.assign_staff(other_shop.id, "sam@example.com")

    reply = o.remove_staff(shop.id, user_id)

    assert (reply.status, reply.body) == (204, None)
    attributes, groups = _cognito_user(user_pool, user_id)
    assert (attributes["custom:restaurants"], groups) == (other_shop.id, ["customers", "staff"])

    assert o.remove_staff(other_shop.id, user_id).status == 204
    attributes, groups = _cognito_user(user_pool, user_id)
    assert (attributes.get("custom:restaurants", ""), groups) == ("", ["customers"])
    assert o.me(claims=_claims_from_cognito(user_pool, user_id)).body["restaurants"] == []
    assert o.remove_staff(shop.id, user_id).status == 404


@pytest.mark.parametrize("who", ["customer", "staff-of-the-restaurant"])
def test_only_admins_remove_staff(user_pool: UserPool, shop: Shop, who: str) -> None:
    user_id = _new_user()
    o.assign_staff(shop.id, "sam@example.com")
    claims = CUSTOMER if who == "customer" else o.staff(shop.id)

    assert o.remove_staff(shop.id, user_id, claims=claims).status == 403
    assert _cognito_user(user_pool, user_id)[0]["custom:restaurants"] == shop.id


# ---- partner API keys -----------------------------------------------------------------------------------------------


def _plan_keys(plan_id: str) -> list[str]:
    return [k["id"] for k in boto3.client("apigateway").get_usage_plan_keys(usagePlanId=plan_id)["items"]]


def _api_gateway_keys() -> list[str]:
    return [k["id"] for k in boto3.client("apigateway").get_api_keys()["items"]]


def test_staff_create_a_key_whose_secret_is_shown_once(usage_plan: str, shop: Shop) -> None:
    reply = o.create_api_key(shop.id, "Kitchen till", claims=o.staff(shop.id))

    assert reply.status == 201
    created = reply.body
    assert set(created) == {"id", "restaurantId", "name", "prefix", "createdAt", "revokedAt", "key"}
    assert reply.headers["Location"] == f"/v1/restaurants/{shop.id}/api-keys/{created['id']}"
    assert created["key"].startswith(f"wtr_{created['id']}_")
    assert created["prefix"] == created["key"][:12]
    assert (created["restaurantId"], created["name"], created["revokedAt"]) == (shop.id, "Kitchen till", None)
    stored = o.stored_item(keys.api_key(created["id"]))
    assert stored is not None
    assert created["key"] not in str(stored)
    assert created["key"].split("_", 2)[2] not in str(stored)
    assert _plan_keys(usage_plan) == _api_gateway_keys()
    assert len(_api_gateway_keys()) == 1


def test_listing_keys_never_shows_a_secret(usage_plan: str, shop: Shop) -> None:
    first = o.create_api_key(shop.id, "Till 1", claims=o.staff(shop.id)).body
    second = o.create_api_key(shop.id, "Till 2", claims=ADMIN).body

    reply = o.list_api_keys(shop.id, claims=o.staff(shop.id))

    assert reply.status == 200
    items = reply.body["items"]
    assert sorted(k["name"] for k in items) == ["Till 1", "Till 2"]
    assert all(set(k) == {"id", "restaurantId", "name", "prefix", "createdAt", "revokedAt"} for k in items)
    text = str(reply.body)
    for created in (first, second):
        assert created["key"] not in text
        assert created["key"].split("_", 2)[2] not in text
    assert "digest" not in text
    assert "usageKey" not in text


def test_staff_revoke_a_key(usage_plan: str, shop: Shop) -> None:
    created = o.create_api_key(shop.id, claims=o.staff(shop.id)).body

    reply = o.revoke_api_key(shop.id, created["id"], claims=o.staff(shop.id))

    assert (reply.status, reply.body) == (204, None)
    [listed] = o.list_api_keys(shop.id, claims=o.staff(shop.id)).body["items"]
    assert listed["revokedAt"] is not None
    # The key's API Gateway key is deleted, which takes it out of the usage plan (moto keeps the plan's
    # association of a deleted key, so the key itself is what is checked).
    assert _api_gateway_keys() == []
    assert o.revoke_api_key(shop.id, created["id"], claims=o.staff(shop.id)).status == 204  # again: still revoked
    assert o.revoke_api_key(shop.id, "0123456789abcdef", claims=o.staff(shop.id)).status == 404


def test_a_key_is_revoked_only_through_its_own_restaurant(usage_plan: str, shop: Shop, other_shop: Shop) -> None:
    created = o.create_api_key(shop.id, claims=o.staff(shop.id)).body

    reply = o.revoke_api_key(other_shop.id, created["id"], claims=o.staff(other_shop.id))

    assert reply.status == 404
    assert o.list_api_keys(shop.id, claims=o.staff(shop.id)).body["items"][0]["revokedAt"] is None


@pytest.mark.parametrize("who", ["customer", "staff-of-another-restaurant"])
def test_others_may_not_manage_a_restaurants_keys(usage_plan: str, shop: Shop, who: str) -> None:
    created = o.create_api_key(shop.id, claims=o.staff(shop.id)).body
    claims: api.Claims = CUSTOMER if who == "customer" else o.staff("another-restaurant", sub="staff-2")
    before = api.table_snapshot()

    replies: list[Any] = [
        o.create_api_key(shop.id, claims=claims),
        o.list_api_keys(shop.id, claims=claims),
        o.revoke_api_key(shop.id, created["id"], claims=claims),
    ]

    assert [r.status for r in replies] == [403, 403, 403]
    assert api.table_snapshot() == before
    assert len(_plan_keys(usage_plan)) == 1


def test_keys_of_an_unknown_restaurant_are_404(usage_plan: str) -> None:
    assert o.create_api_key("no-such-restaurant", claims=ADMIN).status == 404
    assert o.list_api_keys("no-such-restaurant", claims=ADMIN).status == 404
