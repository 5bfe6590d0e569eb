"""Account use cases. The identity provider (Cognito in the cloud and in ``make dev``) verifies credentials and
issues tokens; this service holds the rules around it: the password policy, rate limits, no user enumeration,
who may assign staff, and what a profile shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from waiter.accounts.models import (
    Confirm,
    ForgotPassword,
    Login,
    Profile,
    Refresh,
    ResetPassword,
    ResetRequested,
    SignedUp,
    SignUp,
    StaffMember,
    Tokens,
    UserRecord,
    password_problems,
)
from waiter.catalog.service import utc_now
from waiter.errors import FieldError, Forbidden, NotFound, Unauthorized, ValidationFailed
from waiter.identity import Principal, Role
from waiter.ratelimit import (
    LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_IP,
    RESET_FAILURES_PER_ACCOUNT,
    RESET_FAILURES_PER_IP,
    RESET_REQUESTS_PER_ACCOUNT,
    RESET_REQUESTS_PER_IP,
    SIGNUP_PER_IP,
    RateLimiter,
)


class IdentityProvider(Protocol):
    """What accounts need from the identity provider (``waiter.accounts.cognito.CognitoProvider``).

    Implementations raise domain errors: Unauthorized for bad credentials (never saying which part was wrong),
    Conflict for an e-mail already registered, ValidationFailed for a bad confirmation code.
    """

    def sign_up(self, email: str, password: str, name: str) -> str: ...
    def admin_confirm(self, username: str) -> None: ...
    def confirm(self, email: str, code: str) -> None: ...
    def login(self, email: str, password: str) -> Tokens: ...
    def refresh(self, refresh_token: str) -> Tokens: ...
    def forgot_password(self, email: str) -> None: ...
    def reset_password(self, email: str, code: str, password: str) -> None: ...
    def delete_user(self, username: str) -> None: ...
    def sign_out(self, username: str) -> None: ...
    def find_user(self, email_or_username: str) -> UserRecord | None: ...
    def add_to_group(self, username: str, group: str) -> None: ...
    def remove_from_group(self, username: str, group: str) -> None: ...
    def set_restaurants(self, username: str, restaurant_ids: list[str]) -> None: ...


class StaffStore(Protocol):
    """Staff memberships (``waiter.repository.staff.StaffRepository``)."""

    def add(self, member: StaffMember) -> None: ...
    def remove(self, restaurant_id: str, user_id: str) -> bool: ...
    def restaurants_of(self, user_id: str) -> list[str]: ...
    def staff_of(self, restaurant_id: str) -> list[StaffMember]: ...


class RestaurantLookup(Protocol):
    def get_restaurant(self, restaurant_id: str) -> object | None: ...


@dataclass
class AccountService:
    provider: IdentityProvider
    staff: StaffStore
    restaurants: RestaurantLookup
    limiter: RateLimiter
    auto_confirm: bool = False
    clock: Callable[[], datetime] = utc_now

    def sign_up(self, data: SignUp, *, source_ip: str) -> SignedUp:
        """Register a customer. In the local stack the account is confirmed at once (no e-mail is sent)."""
        self.limiter.hit(SIGNUP_PER_IP, source_ip)
        _check_password_policy(data.password)
        username = self.provider.sign_up(data.email, data.password, data.name)
        self.provider.add_to_group(username, Role.CUSTOMER.value)
        if self.auto_confirm:
            self.provider.admin_confirm(username)
        return SignedUp(id=username, email=data.email, confirmed=self.auto_confirm)

    def confirm(self, data: Confirm) -> None:
        self.provider.confirm(data.email, data.code)

    def login(self, data: Login, *, source_ip: str) -> Tokens:
        """Tokens for valid credentials. Unknown e-mail and wrong password are the same 401 (no enumeration).

        Only failures count against the limits (per account and per source IP); a spent budget is a 429 before
        the identity provider is asked, and a success clears the account's failures.
        """
        attempt = self.limiter.attempt(
            account=(LOGIN_FAILURES_PER_ACCOUNT, data.email), source=(LOGIN_FAILURES_PER_IP, source_ip)
        )
        tokens = self.provider.login(data.email, data.password)  # raises on a failure: the attempt counts
        attempt.succeeded()
        return tokens

    def forgot_password(self, data: ForgotPassword, *, source_ip: str) -> ResetRequested:
        """Ask for a reset code by e-mail. The answer is the same whether or not the account exists."""
        self.limiter.hit(RESET_REQUESTS_PER_IP, source_ip)
        self.limiter.hit(RESET_REQUESTS_PER_ACCOUNT, data.email)
        self.provider.forgot_password(data.email)
        return ResetRequested()

    def reset_password(self, data: ResetPassword, *, source_ip: str) -> None:
        """Set a new password with the e-mailed code; wrong codes count like failed sign-ins (per account, per IP)."""
        _check_password_policy(data.password)
        attempt = self.limiter.attempt(
            account=(RESET_FAILURES_PER_ACCOUNT, data.email), source=(RESET_FAILURES_PER_IP, source_ip)
        )
        self.provider.reset_password(data.email, data.code, data.password)
        attempt.succeeded()

    def refresh(self, data: Refresh) -> Tokens:
        return self.provider.refresh(data.refresh_token)

    def logout(self, caller: Principal) -> None:
        """Revoke every refresh token of the caller (tokens already issued expire on their own)."""
        _signed_in(caller)
        # Cognito knows the user by the sign-in e-mail as well as by the sub; the e-mail is what sessions hold.
        self.provider.sign_out(caller.email or _signed_in(caller))

    def profile(self, caller: Principal) -> Profile:
        user = self.provider.find_user(_signed_in(caller))
        if user is None:
            raise Unauthorized("your account no longer exists")
        return Profile(
            id=user.id,
            email=user.email,
            name=user.name,
            roles=sorted(user.groups),
            restaurants=sorted(self.staff.restaurants_of(user.id)),
        )

    # ---- staff ----------------------------------------------------------------------------------------------

    def assign_staff(self, caller: Principal, restaurant_id: str, email: str) -> StaffMember:
        """An admin makes the user with ``email`` staff of the restaurant (they see it after their next sign-in)."""
        self._require_admin(caller, restaurant_id)
        user = self.provider.find_user(email)
        if user is None:
            raise ValidationFailed.on("body.email", "no account has this e-mail address")
        member = StaffMember(user_id=user.id, email=user.email, restaurant_id=restaurant_id, added_at=self.clock())
        self.staff.add(member)
        self.provider.add_to_group(user.username, Role.STAFF.value)
        # From the user's own attribute, not the membership index: a just-written membership may not be in the
        # (eventually consistent) index yet.
        self.provider.set_restaurants(user.username, sorted({*user.restaurants, restaurant_id}))
        return member

    def remove_staff(self, caller: Principal, restaurant_id: str, user_id: str) -> None:
        self._require_admin(caller, restaurant_id)
        if not self.staff.remove(restaurant_id, user_id):
            raise NotFound(f"user {user_id} is not staff of restaurant {restaurant_id}")
        user = self.provider.find_user(user_id)
        if user is None:
            return
        remaining = sorted(set(user.restaurants) - {restaurant_id})
        self.provider.set_restaurants(user.username, remaining)
        if not remaining:
            self.provider.remove_from_group(user.username, Role.STAFF.value)

    def list_staff(self, caller: Principal, restaurant_id: str) -> list[StaffMember]:
        if not caller.staffs(restaurant_id):
            raise Forbidden("you do not manage this restaurant")
        return self.staff.staff_of(restaurant_id)

    def _require_admin(self, caller: Principal, restaurant_id: str) -> None:
        if not caller.is_admin:
            raise Forbidden("only admins manage staff")
        if self.restaurants.get_restaurant(restaurant_id) is None:
            raise NotFound(f"restaurant {restaurant_id} does not exist")


def _check_password_policy(password: str) -> None:
    """A 400 on ``body.password`` naming every rule of the policy the password breaks."""
    problems = password_problems(password)
    if problems:
        raise ValidationFailed(
            detail="the password is too weak: " + "; ".join(problems),
            errors=[FieldError("body.password", p) for p in problems],
        )


def _signed_in(caller: Principal) -> str:
    if caller.user_id is None:
        raise Unauthorized("sign in first")
    return caller.user_id
