"""Account rules: password policy, no user enumeration, rate limits, staff assignment by admins only."""

from __future__ import annotations

import pytest

from tests.unit.access.fakes import MemoryCounters, MemoryProvider, MemoryStaff, Restaurants
from waiter.accounts.models import ForgotPassword, Login, ResetPassword, SignUp, Tokens
from waiter.accounts.service import AccountService
from waiter.errors import Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from waiter.identity import Principal, Role
from waiter.ratelimit import (
    LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_IP,
    RESET_FAILURES_PER_ACCOUNT,
    RESET_REQUESTS_PER_ACCOUNT,
    RateLimiter,
)

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


class CountingProvider(MemoryProvider):
    """Counts the sign-ins that reached the identity provider."""

    def __init__(self) -> None:
        super().__init__()
        self.logins = 0

    def login(self, email: str, password: str) -> Tokens:
        self.logins += 1
        return super().login(email, password)


def _counting_service(now: list[float]) -> tuple[AccountService, CountingProvider]:
    accounts = service(now)
    provider = CountingProvider()
    accounts.provider = provider
    accounts.sign_up(SignUp(email="a@example.com", password=STRONG, name="A"), source_ip="1.1.1.1")
    return accounts, provider


def test_successful_sign_ins_never_use_up_the_budget() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    for _ in range(3 * LOGIN_FAILURES_PER_ACCOUNT.limit):  # the same account, from the same address
        assert accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.0.1").id_token == "id"


def test_failed_sign_ins_lock_the_account_from_any_address_before_the_provider_is_asked() -> None:
    now = [1_000_000.0]
    accounts, provider = _counting_service(now)
    for i in range(LOGIN_FAILURES_PER_ACCOUNT.limit):
        with pytest.raises(Unauthorized):
            accounts.login(Login(email="a@example.com", password="Wrong-password-1!"), source_ip=f"10.0.0.{i}")
    asked = provider.logins
    with pytest.raises(TooManyRequests) as caught:  # even with the right password, from a new address
        accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.1.1")
    assert provider.logins == asked, "a spent budget is refused before Cognito is called"
    retry_after = int(caught.value.headers["Retry-After"])
    assert 0 < retry_after <= LOGIN_FAILURES_PER_ACCOUNT.window_seconds
    now[0] += retry_after
    assert accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.1.1").id_token == "id"


def test_failed_sign_ins_lock_an_address_across_accounts() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    for n in range(LOGIN_FAILURES_PER_IP.limit):
        with pytest.raises(Unauthorized):
            accounts.login(Login(email=f"nobody{n}@example.com", password=STRONG), source_ip="10.9.9.9")
    with pytest.raises(TooManyRequests):
        accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.9.9.9")
    assert accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.9.9.10").id_token == "id"


def test_a_successful_sign_in_resets_the_accounts_failures() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    for _ in range(3):
        for _ in range(LOGIN_FAILURES_PER_ACCOUNT.limit - 1):
            with pytest.raises(Unauthorized):
                accounts.login(Login(email="a@example.com", password="Wrong-password-1!"), source_ip="10.0.0.1")
        accounts.login(Login(email="a@example.com", password=STRONG), source_ip="10.0.0.2")
    with pytest.raises(Unauthorized):  # 12 failures in the window, never 5 in a row: still not locked
        accounts.login(Login(email="a@example.com", password="Wrong-password-1!"), source_ip="10.0.0.1")


def test_password_reset_answers_alike_for_known_and_unknown_addresses_and_sets_the_new_password() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    known = accounts.forgot_password(ForgotPassword(email="a@example.com"), source_ip="10.0.0.1")
    unknown = accounts.forgot_password(ForgotPassword(email="ghost@example.com"), source_ip="10.0.0.1")
    assert known == unknown
    new = "Brand-new-pass-2?"
    accounts.reset_password(ResetPassword(email="a@example.com", code="654321", password=new), source_ip="10.0.0.1")
    assert accounts.login(Login(email="a@example.com", password=new), source_ip="10.0.0.1").id_token == "id"


def test_password_reset_names_each_broken_rule_and_refuses_a_wrong_code() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    with pytest.raises(ValidationFailed) as weak:
        accounts.reset_password(ResetPassword(email="a@example.com", code="654321", password="weak"), source_ip="ip")
    assert {e.field for e in weak.value.errors} == {"body.password"}
    assert len(weak.value.errors) == 4
    with pytest.raises(ValidationFailed) as wrong:
        accounts.reset_password(ResetPassword(email="a@example.com", code="000000", password=STRONG), source_ip="ip")
    assert [e.field for e in wrong.value.errors] == ["body.code"]


def test_password_reset_is_rate_limited_per_account() -> None:
    accounts, _ = _counting_service([1_000_000.0])
    for n in range(RESET_REQUESTS_PER_ACCOUNT.limit):
        accounts.forgot_password(ForgotPassword(email="a@example.com"), source_ip=f"10.0.0.{n}")
    with pytest.raises(TooManyRequests):
        accounts.forgot_password(ForgotPassword(email="a@example.com"), source_ip="10.0.1.1")
    for n in range(RESET_FAILURES_PER_ACCOUNT.limit):
        with pytest.raises(ValidationFailed):
            accounts.reset_password(
                ResetPassword(email="a@example.com", code="000000", password=STRONG), source_ip=f"10.0.0.{n}"
            )
    with pytest.raises(TooManyRequests):  # the right code, but the guesses are spent
        accounts.reset_password(ResetPassword(email="a@example.com", code="654321", password=STRONG), source_ip="x")


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
