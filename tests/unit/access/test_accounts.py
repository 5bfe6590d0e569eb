"""Account rules: password policy, no user enumeration, rate limits, staff assignment by admins only."""

from __future__ import annotations

import pytest

from tests.unit.access.fakes import MemoryCounters, MemoryProvider, MemoryStaff, Restaurants
from waiter.accounts.models import Login, SignUp
from waiter.accounts.service import AccountService
from waiter.errors import Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from waiter.identity import Principal, Role
from waiter.ratelimit import LOGIN_PER_ACCOUNT, RateLimiter

ADMIN = Principal(user_id="admin", roles=frozenset({Role.ADMIN}))
CUSTOMER = Principal(user_id="user-1", email="c@example.com", roles=frozenset({Role.CUSTOMER}))
STRONG = "Waiter-demo-1!"


def service(clock_value: list[float] | None = None, *, auto_confirm: bool = True) -> AccountService:
    now = clock_value or [1_000_000.0]
    return AccountService(
        provider=MemoryProvider(),
        staff=MemoryStaff(),
        restaurants=Restaurants("r1", "r2"),
        limiter=RateLimiter(MemoryCounters(), clock=lambda: now[0]),
        auto_confirm=auto_confirm,
    )


def test_sign_up_joins_customers_and_is_confirmed_in_the_local_stack() -> None:
    accounts = service()
    signed_up = accounts.sign_up(SignUp(email="New@Example.com", password=STRONG, name="N"), source_ip="1.1.1.1")
    assert signed_up.email == "new@example.com"
    assert signed_up.confirmed is True
    user = accounts.provider.find_user("new@example.com")
    assert user is not None
    assert user.groups == ["customers"]


def test_weak_password_is_a_400_naming_each_broken_rule() -> None:
    with pytest.raises(ValidationFailed) as caught:
        service().sign_up(SignUp(email="a@example.com", password="lowercaseonly", name="A"), source_ip="1.1.1.1")
    fields = {e.field for e in caught.value.errors}
    messages = [e.message for e in caught.value.errors]
    assert fields == {"body.password"}
    assert "must contain an uppercase letter" in messages
    assert "must contain a digit" in messages
    assert "must contain a symbol" in messages


def test_unknown_email_and_wrong_password_fail_identically() -> None:
    accounts = service()
    accounts.sign_up(SignUp(email="a@example.com", password=STRONG, name="A"), source_ip="1.1.1.1")
    errors = []
    for email, password in [("nobody@example.com", STRONG), ("a@example.com", "Wrong-password-1!")]:
        with pytest.raises(Unauthorized) as caught:
            accounts.login(Login(email=email, password=password), source_ip="2.2.2.2")
        errors.append((caught.value.status, caught.value.detail))
    assert errors[0] == errors[1]


def test_login_attempts_per_account_are_limited_and_reset_after_the_window() -> None:
    now = [1_000_000.0]
    accounts = service(now)
    accounts.sign_up(SignUp(email="a@example.com", password=STRONG, name="A"), source_ip="1.1.1.1")
    for i in range(LOGIN_PER_ACCOUNT.limit):
        accounts.login(Login(email="a@example.com", password=STRONG), source_ip=f"10.0.0.{i}")
    with pytest.raises(TooManyRequests) as caught:
        accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.1.1")
    retry_after = int(caught.value.headers["Retry-After"])
    assert 0 < retry_after <= LOGIN_PER_ACCOUNT.window_seconds
    now[0] += retry_after
    assert accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.1.1").id_token == "id"


def test_only_admins_assign_staff_and_the_user_gains_the_restaurant() -> None:
    accounts = service()
    user_id = accounts.sign_up(SignUp(email="s@example.com", password=STRONG, name="S"), source_ip="1.1.1.1").id
    with pytest.raises(Forbidden):
        accounts.assign_staff(CUSTOMER, "r1", "s@example.com")
    member = accounts.assign_staff(ADMIN, "r1", "s@example.com")
    assert member.user_id == user_id
    provider = accounts.provider
    assert isinstance(provider, MemoryProvider)
    assert provider.users[user_id]["restaurants"] == ["r1"]
    assert "staff" in provider.users[user_id]["groups"]  # type: ignore[operator]


def test_removing_the_last_restaurant_drops_the_staff_group() -> None:
    accounts = service()
    user_id = accounts.sign_up(SignUp(email="s@example.com", password=STRONG, name="S"), source_ip="1.1.1.1").id
    accounts.assign_staff(ADMIN, "r1", "s@example.com")
    accounts.assign_staff(ADMIN, "r2", "s@example.com")
    accounts.remove_staff(ADMIN, "r1", user_id)
    provider = accounts.provider
    assert isinstance(provider, MemoryProvider)
    assert provider.users[user_id]["restaurants"] == ["r2"]
    accounts.remove_staff(ADMIN, "r2", user_id)
    assert "staff" not in provider.users[user_id]["groups"]  # type: ignore[operator]


def test_assigning_staff_to_an_unknown_restaurant_or_email_fails_clearly() -> None:
    accounts = service()
    with pytest.raises(NotFound):
        accounts.assign_staff(ADMIN, "nope", "s@example.com")
    with pytest.raises(ValidationFailed) as caught:
        accounts.assign_staff(ADMIN, "r1", "ghost@example.com")
    assert caught.value.errors[0].field == "body.email"


def test_profile_and_logout_need_a_signed_in_caller() -> None:
    with pytest.raises(Unauthorized):
        service().profile(Principal.anonymous())
    with pytest.raises(Unauthorized):
        service().logout(Principal.anonymous())


def test_staff_restaurants_come_from_the_users_attribute_not_a_possibly_stale_index() -> None:
    class LaggingStaff(MemoryStaff):
        """A membership index that has not caught up with the latest write (DynamoDB GSIs are eventual)."""

        def restaurants_of(self, user_id: str) -> list[str]:
            return []

    accounts = service()
    accounts.staff = LaggingStaff()
    user_id = accounts.sign_up(SignUp(email="s@example.com", password=STRONG, name="S"), source_ip="1.1.1.1").id
    provider = accounts.provider
    assert isinstance(provider, MemoryProvider)
    accounts.assign_staff(ADMIN, "r1", "s@example.com")
    assert provider.users[user_id]["restaurants"] == ["r1"]
    accounts.assign_staff(ADMIN, "r2", "s@example.com")
    assert provider.users[user_id]["restaurants"] == ["r1", "r2"]
    accounts.remove_staff(ADMIN, "r1", user_id)
    assert provider.users[user_id]["restaurants"] == ["r2"]


def test_a_letter_outside_ascii_is_not_a_symbol_for_the_password_policy() -> None:
    with pytest.raises(ValidationFailed) as caught:
        service().sign_up(SignUp(email="a@example.com", password="Waiterdemo1éé€x", name="A"), source_ip="1.1.1.1")
    assert [e.message for e in caught.value.errors] == ["must contain a symbol"]
