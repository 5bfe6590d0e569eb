"""A customer's right to their data: export everything Waiter holds about them, and erase their account.

Erasure deletes what is the customer's alone (the Cognito user, their carts, their rate-limit counters, their
staff memberships) and anonymises what the restaurants keep for their accounts (orders and the use of
once-per-customer discount codes): the customer id becomes a random anonymous id, the same for all of that
customer's orders, and the delivery address goes. The steps are ordered so that a failure part-way can be
retried: the user is signed out globally first and deleted from Cognito last, so the password still
re-authenticates a retry and a second call after success is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from waiter.accounts.models import AccountDeletion, Profile, UserRecord
from waiter.catalog.service import utc_now
from waiter.errors import Conflict, Forbidden, NotFound, Unauthorized
from waiter.identity import Principal
from waiter.model_base import WireModel
from waiter.ordering.lifecycle import order_view
from waiter.ordering.models import (
    Actor,
    ActorType,
    Cart,
    CartLine,
    Order,
    OrderHistoryEntry,
    OrderView,
)
from waiter.ratelimit import (
    CHECKOUT_PER_CUSTOMER,
    LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_IP,
    PER_ACCOUNT_LIMITS,
    RateLimiter,
    bucket,
)

# The marker an erasure leaves (the anonymous id, and the refusal of new carts for tokens issued before it)
# outlives every ID token issued before the erasure (60 minutes) by a wide margin.
MARKER_KEPT = timedelta(days=1)
_ANONYMISE_RETRIES = 5


class PersonalDataStore(Protocol):
    """(``waiter.repository.personal_data.PersonalDataRepository``)"""

    def carts_of(self, customer_id: str) -> list[Cart]: ...
    def orders_of(self, customer_id: str) -> list[Order]: ...
    def staff_restaurants_of(self, user_id: str) -> list[str]: ...
    def anonymous_id(self, customer_id: str, *, candidate: str, expires_at: int) -> str: ...
    def delete_cart(self, customer_id: str, restaurant_id: str) -> None: ...
    def replace_order(self, order: Order, *, expected_version: int) -> None: ...
    def move_discount_use(self, restaurant_id: str, code: str, customer_id: str, anonymous_id: str) -> None: ...
    def remove_staff_membership(self, restaurant_id: str, user_id: str) -> None: ...
    def delete_counters(self, buckets: list[str]) -> None: ...


class Identity(Protocol):
    """What export and erasure need of the identity provider (``waiter.accounts.cognito.CognitoProvider``)."""

    def find_user(self, email_or_username: str) -> UserRecord | None: ...
    def login(self, email: str, password: str) -> object: ...
    def sign_out(self, username: str) -> None: ...
    def delete_user(self, username: str) -> None: ...


class DiscountCodeUse(WireModel):
    code: str
    restaurant_id: str
    order_id: str
    used_at: datetime


class CartRecord(WireModel):
    """A cart as stored: what was chosen (the export shows data, not a priced view)."""

    restaurant_id: str
    lines: list[CartLine]
    discount_code: str | None = None
    created_at: datetime
    updated_at: datetime


class PersonalDataExport(WireModel):
    """Everything Waiter holds about the caller (``GET /v1/me/export``)."""

    exported_at: datetime
    profile: Profile
    carts: list[CartRecord]
    orders: list[OrderView]
    discount_codes_used: list[DiscountCodeUse]


def anonymised(order: Order, anonymous_id: str) -> Order:
    """The order as the restaurant keeps it once its customer is erased: no customer id (in the order or its
    history) and no delivery address.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> kept = anonymised(_demo_order(), "anon-1")
    >>> kept.customer_id, kept.delivery_address, kept.customer_erased, kept.history[0].actor.id
    ('anon-1', None, True, 'anon-1')
    """
    history = [
        entry.model_copy(update={"actor": Actor(type=ActorType.CUSTOMER, id=anonymous_id)})
        if entry.actor.type is ActorType.CUSTOMER and entry.actor.id == order.customer_id
        else entry
        for entry in order.history
    ]
    return Order.model_validate(
        {
            **order.model_dump(by_alias=True),
            "customerId": anonymous_id,
            "deliveryAddress": None,
            "customerErased": True,
            "history": [OrderHistoryEntry.model_validate(h.model_dump(by_alias=True)) for h in history],
            "version": order.version + 1,
        }
    )


@dataclass
class PersonalDataService:
    provider: Identity
    store: PersonalDataStore
    limiter: RateLimiter
    clock: Callable[[], datetime] = utc_now
    ids: Callable[[], str] = lambda: f"anon-{uuid.uuid4().hex}"

    def export(self, caller: Principal) -> PersonalDataExport:
        user = self._user(caller, missing=Unauthorized("your account no longer exists"))
        orders = self.store.orders_of(user.id)
        return PersonalDataExport(
            exported_at=self.clock(),
            profile=Profile(
                id=user.id,
                email=user.email,
                name=user.name,
                roles=sorted(user.groups),
                restaurants=sorted(self.store.staff_restaurants_of(user.id)),
            ),
            carts=[
                CartRecord.model_validate(c.model_dump(by_alias=True, exclude={"customer_id", "version"}))
                for c in self.store.carts_of(user.id)
            ],
            orders=[order_view(o, Actor(type=ActorType.CUSTOMER, id=user.id)) for o in orders],
            discount_codes_used=[
                DiscountCodeUse(
                    code=o.discount_code, restaurant_id=o.restaurant_id, order_id=o.id, used_at=o.created_at
                )
                for o in orders
                if o.discount_code
            ],
        )

    def erase(self, caller: Principal, data: AccountDeletion, *, source_ip: str) -> None:
        """Delete the caller's account after checking their password (see the module docstring)."""
        user = self._user(caller, missing=NotFound("your account does not exist (any more)"))
        attempt = self.limiter.attempt(
            account=(LOGIN_FAILURES_PER_ACCOUNT, user.email), source=(LOGIN_FAILURES_PER_IP, source_ip)
        )
        try:
            self.provider.login(user.email, data.password)
        except Unauthorized:
            raise Forbidden("the password is wrong; the account was not deleted") from None
        attempt.succeeded()
        # Refresh tokens stop working at once. Sessions know the user by the sign-in e-mail (as logout does).
        self.provider.sign_out(user.email or user.username)
        expires = int((self.clock() + MARKER_KEPT).timestamp())
        anonymous_id = self.store.anonymous_id(user.id, candidate=self.ids(), expires_at=expires)
        for cart in self.store.carts_of(user.id):
            self.store.delete_cart(user.id, cart.restaurant_id)
        for order in self.store.orders_of(user.id):
            self._anonymise(order, user.id, anonymous_id)
        for restaurant_id in self.store.staff_restaurants_of(user.id):
            self.store.remove_staff_membership(restaurant_id, user.id)
        self.store.delete_counters(
            [bucket(limit, user.email) for limit in PER_ACCOUNT_LIMITS] + [bucket(CHECKOUT_PER_CUSTOMER, user.id)]
        )
        self.provider.delete_user(user.username)

    def _anonymise(self, order: Order, customer_id: str, anonymous_id: str) -> None:
        if order.discount_code:
            self.store.move_discount_use(order.restaurant_id, order.discount_code, customer_id, anonymous_id)
        for _ in range(_ANONYMISE_RETRIES):
            try:
                self.store.replace_order(anonymised(order, anonymous_id), expected_version=order.version)
                return
            except Conflict:  # the kitchen moved it meanwhile: anonymise the order as it is now
                fresh = next((o for o in self.store.orders_of(customer_id) if o.id == order.id), None)
                if fresh is None:
                    return
                order = fresh
        raise Conflict("an order kept changing while the account was being deleted; try again")

    def _user(self, caller: Principal, *, missing: Exception) -> UserRecord:
        if caller.user_id is None:
            raise Unauthorized("sign in first")
        user = self.provider.find_user(caller.user_id)
        if user is None:
            raise missing
        return user
