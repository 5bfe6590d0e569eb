"""Who the caller is, from the claims API Gateway's Cognito authorizer hands to Lambda."""

from __future__ import annotations

from typing import Any

import pytest

from waiter.identity import RESTAURANTS_CLAIM, Principal, Role, principal_from_claims


@pytest.mark.parametrize(
    "groups",
    [
        pytest.param("[admins staff]", id="bracketed-space-separated"),
        pytest.param("admins,staff", id="comma-separated"),
        pytest.param("[admins, staff]", id="bracketed-comma-separated"),
        pytest.param(" admins  staff ", id="space-separated"),
        pytest.param(["admins", "staff"], id="list"),
    ],
)
def test_groups_are_read_in_every_spelling_api_gateway_uses(groups: Any) -> None:
    principal = principal_from_claims({"sub": "u1", "email": "a@b.c", "cognito:groups": groups})

    assert principal.roles == {Role.ADMIN, Role.STAFF}
    assert (principal.user_id, principal.email, principal.is_authenticated, principal.is_admin) == (
        "u1",
        "a@b.c",
        True,
        True,
    )


@pytest.mark.parametrize("groups", ["customers", "[customers]", ["customers"]])
def test_a_single_group_is_read(groups: Any) -> None:
    assert principal_from_claims({"sub": "u1", "cognito:groups": groups}).roles == {Role.CUSTOMER}


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(None, id="no-claims"),
        pytest.param({}, id="empty-claims"),
        pytest.param({"email": "a@b.c", "cognito:groups": "admins"}, id="no-sub"),
        pytest.param({"sub": "", "cognito:groups": "admins"}, id="empty-sub"),
    ],
)
def test_claims_without_a_subject_are_anonymous(claims: dict[str, Any] | None) -> None:
    principal = principal_from_claims(claims)

    assert principal == Principal.anonymous()
    assert not principal.is_authenticated
    assert not principal.is_admin
    assert not principal.staffs("r1")


def test_unknown_groups_grant_nothing() -> None:
    principal = principal_from_claims({"sub": "u1", "cognito:groups": "[superusers Admins root]"})

    assert principal.roles == frozenset()
    assert principal.is_authenticated


def test_no_groups_means_no_roles() -> None:
    assert principal_from_claims({"sub": "u1"}).roles == frozenset()


def test_staff_manage_the_restaurants_in_their_claim_only() -> None:
    staff = principal_from_claims({"sub": "s1", "cognito:groups": "staff", RESTAURANTS_CLAIM: "r1 r2"})

    assert staff.restaurants == {"r1", "r2"}
    assert (staff.staffs("r1"), staff.staffs("r2"), staff.staffs("r3")) == (True, True, False)


def test_a_restaurants_claim_without_the_staff_group_grants_nothing() -> None:
    customer = principal_from_claims({"sub": "c1", "cognito:groups": "customers", RESTAURANTS_CLAIM: "r1"})

    assert not customer.staffs("r1")


def test_admins_manage_every_restaurant() -> None:
    assert principal_from_claims({"sub": "a1", "cognito:groups": "admins"}).staffs("any-restaurant")


def test_the_same_claims_name_the_same_caller_and_other_claims_another() -> None:
    claims = {"sub": "u1", "email": "a@b.c", "cognito:groups": "[staff]", RESTAURANTS_CLAIM: "r1 r2"}
    first, again = principal_from_claims(dict(claims)), principal_from_claims(dict(claims))
    assert again == first
    assert first.restaurants == {"r1", "r2"}
    for changed in (
        {"sub": "u2"},
        {"email": "x@b.c"},
        {"cognito:groups": "[customers]"},
        {RESTAURANTS_CLAIM: "r3"},
    ):
        other = principal_from_claims({**claims, **changed})
        assert other != first
    assert principal_from_claims({**claims, "sub": "u2"}).user_id == "u2"
    assert principal_from_claims({**claims, "cognito:groups": "[customers]"}).restaurants == frozenset()


def test_claims_that_are_not_strings_are_read_as_before() -> None:
    principal = principal_from_claims({"sub": "u1", "cognito:groups": ["admins", "staff"], RESTAURANTS_CLAIM: ["r1"]})
    assert principal.roles == {Role.ADMIN, Role.STAFF}
    assert principal.restaurants == {"r1"}
