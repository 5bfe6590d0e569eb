"""The account routes (/v1/auth/*, /v1/me) through their handlers, against moto's Cognito: a user pool, app client
and groups created from template.yaml's own definitions (``user_pool`` fixture)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import UserPool

PASSWORD = "Waiter-demo-1!"


def _signup(email: str, *, name: str = "Ann", password: str = PASSWORD, source_ip: str | None = None) -> api.Reply:
    return o.signup({"email": email, "password": password, "name": name}, source_ip=source_ip)


def _groups(pool: UserPool, username: str) -> list[str]:
    groups = boto3.client("cognito-idp").admin_list_groups_for_user(UserPoolId=pool.pool_id, Username=username)
    return sorted(g["GroupName"] for g in groups["Groups"])


def _claims_of(user_id: str, email: str, groups: str = "customers") -> api.Claims:
    return {"sub": user_id, "email": email, "cognito:groups": groups}


def _without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "requestId"}


# ---- sign-up ---------------------------------------------------------------------------------------------------


def test_signing_up_creates_a_confirmed_customer(user_pool: UserPool) -> None:
    reply = _signup(" Ann@Example.COM ")

    assert reply.status == 201
    assert reply.headers["Location"] == "/v1/me"
    assert set(reply.body) == {"id", "email", "confirmed"}
    assert (reply.body["email"], reply.body["confirmed"]) == ("ann@example.com", True)
    assert _groups(user_pool, reply.body["id"]) == ["customers"]
    assert o.login("ann@example.com", PASSWORD).status == 200


def test_a_weak_password_is_a_400_listing_every_rule_it_breaks(user_pool: UserPool) -> None:
    reply = _signup("ann@example.com", password="short")

    assert reply.status == 400
    assert set(reply.field_errors()) == {"body.password"}
    assert sorted(e["message"] for e in reply.body["errors"]) == [
        "must be at least 12 characters",
        "must contain a digit",
        "must contain a symbol",
        "must contain an uppercase letter",
    ]
    assert "short" not in str(reply.body)
    users = boto3.client("cognito-idp").list_users(UserPoolId=user_pool.pool_id)["Users"]
    assert users == []


def test_an_e_mail_address_signs_up_once(user_pool: UserPool) -> None:
    assert _signup("ann@example.com").status == 201

    again = _signup("ANN@example.com", name="Another Ann")

    assert again.status == 409
    assert again.field_errors() == ["body.email"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, "body.email"),
        ({"email": "a@b.co", "password": PASSWORD}, "body.name"),
        ({"email": "a@b.co", "password": PASSWORD, "name": "A", "groups": ["admins"]}, "body.groups"),
    ],
)
def test_a_malformed_sign_up_is_a_400(user_pool: UserPool, body: dict[str, Any], field: str) -> None:
    reply = o.signup(body)

    assert (reply.status, reply.field_errors()) == (400, [field])


def test_an_e_mail_address_the_identity_provider_refuses_is_a_400_on_the_email(user_pool: UserPool) -> None:
    # Valid by the document's e-mail pattern (found by make fuzz); Cognito refuses it as a username.
    reply = _signup("Z|zg,@Jb{.7!M")

    assert (reply.status, reply.field_errors()) == (400, ["body.email"])
    assert reply.body["type"] != "https://waiter.dev/problems/internal"
    assert boto3.client("cognito-idp").list_users(UserPoolId=user_pool.pool_id)["Users"] == []


def test_sign_ups_are_limited_to_ten_an_hour_per_address(user_pool: UserPool) -> None:
    for n in range(10):
        assert _signup(f"user{n}@example.com", source_ip="203.0.113.7").status == 201

    reply = _signup("user10@example.com", source_ip="203.0.113.7")

    assert reply.status == 429
    assert reply.headers["Retry-After"] == "3585"  # the clock is frozen 15 s into the hour
    assert _signup("user10@example.com", source_ip="198.51.100.1").status == 201


# ---- login, refresh, logout -------------------------------------------------------------------------------------


def test_logging_in_returns_tokens(user_pool: UserPool) -> None:
    _signup("ann@example.com")

    reply = o.login("Ann@Example.com", PASSWORD)

    assert reply.status == 200
    assert set(reply.body) == {"idToken", "accessToken", "refreshToken", "expiresIn", "tokenType"}
    assert reply.body["tokenType"] == "Bearer"
    assert reply.body["idToken"]
    assert reply.body["accessToken"]
    assert reply.body["refreshToken"]
    assert reply.body["expiresIn"] > 0


def test_a_wrong_password_and_an_unknown_e_mail_get_the_same_401(user_pool: UserPool) -> None:
    _signup("ann@example.com")

    wrong_password = o.login("ann@example.com", "Not-the-password-1!")
    unknown_email = o.login("nobody@example.com", PASSWORD)

    assert (wrong_password.status, unknown_email.status) == (401, 401)
    assert _without_request_id(wrong_password.body) == _without_request_id(unknown_email.body)
    assert wrong_password.body["requestId"] != unknown_email.body["requestId"]
    assert wrong_password.headers == unknown_email.headers


def test_failed_logins_are_limited_to_five_per_account_from_any_address(user_pool: UserPool) -> None:
    _signup("ann@example.com")
    _signup("bob@example.com")
    for n in range(5):
        assert o.login("ann@example.com", "Not-the-password-1!", source_ip=f"203.0.113.{n}").status == 401

    blocked = o.login("ann@example.com", PASSWORD, source_ip="198.51.100.1")  # even with the right password

    assert blocked.status == 429
    assert blocked.headers["Retry-After"] == "885"  # the clock is frozen 15 s into the 15-minute window
    assert "idToken" not in blocked.body
    assert o.login("bob@example.com", PASSWORD, source_ip="198.51.100.1").status == 200


def test_successful_logins_never_use_up_the_limit(user_pool: UserPool) -> None:
    _signup("ann@example.com")

    statuses = [o.login("ann@example.com", PASSWORD, source_ip="203.0.113.5").status for _ in range(6)]

    assert statuses == [200] * 6


def test_a_successful_login_clears_the_accounts_failures(user_pool: UserPool) -> None:
    _signup("ann@example.com")
    for _ in range(2):
        for _ in range(4):
            assert o.login("ann@example.com", "Not-the-password-1!", source_ip="203.0.113.5").status == 401
        assert o.login("ann@example.com", PASSWORD, source_ip="203.0.113.5").status == 200


def test_failed_logins_are_limited_to_thirty_per_address(user_pool: UserPool) -> None:
    for n in range(30):
        assert o.login(f"nobody{n}@example.com", PASSWORD, source_ip="203.0.113.9").status == 401

    assert o.login("nobody30@example.com", PASSWORD, source_ip="203.0.113.9").status == 429
    assert o.login("nobody30@example.com", PASSWORD, source_ip="203.0.113.10").status == 401


def test_a_refresh_token_gets_new_tokens(user_pool: UserPool) -> None:
    _signup("ann@example.com")
    tokens = o.login("ann@example.com", PASSWORD).body

    reply = o.refresh(tokens["refreshToken"])

    assert reply.status == 200
    assert reply.body["idToken"]
    assert reply.body["accessToken"]
    assert reply.body["tokenType"] == "Bearer"


def test_an_invalid_refresh_token_is_a_401(user_pool: UserPool) -> None:
    reply = o.refresh("not-a-refresh-token")

    assert reply.status == 401
    assert reply.body["detail"] == "the refresh token is invalid, expired or revoked"


def test_logging_out_revokes_the_refresh_tokens(user_pool: UserPool) -> None:
    user_id = _signup("ann@example.com").body["id"]
    tokens = o.login("ann@example.com", PASSWORD).body
    assert o.refresh(tokens["refreshToken"]).status == 200

    reply = o.logout(claims=_claims_of(user_id, "ann@example.com"))

    assert (reply.status, reply.body) == (204, None)
    after = o.refresh(tokens["refreshToken"])
    assert after.status == 401
    assert after.body["detail"] == "the refresh token is invalid, expired or revoked"
    assert o.login("ann@example.com", PASSWORD).status == 200  # signing in again works


def test_logging_out_needs_a_signed_in_caller(user_pool: UserPool) -> None:
    assert o.logout(claims=None).status == 401


# ---- GET /v1/me -------------------------------------------------------------------------------------------------


def test_me_shows_my_profile(user_pool: UserPool) -> None:
    user_id = _signup("ann@example.com", name="Ann Example").body["id"]

    reply = o.me(claims=_claims_of(user_id, "ann@example.com"))

    assert reply.status == 200
    assert reply.body == {
        "id": user_id,
        "email": "ann@example.com",
        "name": "Ann Example",
        "roles": ["customers"],
        "restaurants": [],
    }


def test_me_needs_a_signed_in_caller_whose_account_exists(user_pool: UserPool) -> None:
    assert o.me(claims=None).status == 401
    gone = o.me(claims=_claims_of("no-such-user", "gone@example.com"))
    assert (gone.status, gone.body["detail"]) == (401, "your account no longer exists")
