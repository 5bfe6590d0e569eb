"""Who is calling. Adapters build one ``Principal`` from whatever their protocol carries (JWT claims from the
API's authorizer, an API key's scope) and pass it to services, which hold every authorization rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from waiter.errors import Forbidden


class Role(StrEnum):
    """Cognito groups (customers, staff, admins), plus partners: POS systems calling with an API key."""

    CUSTOMER = "customers"
    STAFF = "staff"
    ADMIN = "admins"
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated (or anonymous) caller of a use case.

    >>> Principal.anonymous().is_authenticated
    False
    >>> Principal(user_id="u1", roles=frozenset({Role.ADMIN})).is_admin
    True
    """

    user_id: str | None = None
    email: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    restaurants: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def anonymous(cls) -> Principal:
        return cls()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_partner(self) -> bool:
        return Role.PARTNER in self.roles

    def staffs(self, restaurant_id: str) -> bool:
        """True when the caller may manage ``restaurant_id`` (its staff, or an admin)."""
        return self.is_admin or (Role.STAFF in self.roles and restaurant_id in self.restaurants)

    def acts_for(self, restaurant_id: str) -> bool:
        """True when the caller may run ``restaurant_id``'s kitchen: its staff, an admin, or its partner key."""
        return self.staffs(restaurant_id) or (self.is_partner and restaurant_id in self.restaurants)


def partner_restaurant(caller: Principal) -> str:
    """The one restaurant a partner key is scoped to; ``Forbidden`` for anyone but a partner.

    >>> partner_restaurant(principal_from_partner({"keyId": "k1", "restaurantId": "r1"}))
    'r1'
    """
    if not caller.is_partner or len(caller.restaurants) != 1:
        raise Forbidden("partner routes take a partner API key (X-Api-Key)")
    return next(iter(caller.restaurants))


RESTAURANTS_CLAIM = "custom:restaurants"
_GROUPS = {Role.CUSTOMER.value: Role.CUSTOMER, Role.STAFF.value: Role.STAFF, Role.ADMIN.value: Role.ADMIN}


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.strip("[]").replace(",", " ").split()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value]
    return []


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    """Build the caller from Cognito authorizer claims: the one place claims are interpreted.

    API Gateway hands list claims to Lambda as a string (``"[admins staff]"`` or ``"admins,staff"``),
    so both spellings are accepted. The restaurants a member of staff works for travel in the
    ``custom:restaurants`` attribute (space-separated ids), set when an admin assigns them.

    >>> principal_from_claims({"sub": "u1", "email": "a@b.c", "cognito:groups": "[admins staff]"}).roles == {
    ...     Role.ADMIN, Role.STAFF}
    True
    """
    if not claims or not claims.get("sub"):
        return Principal.anonymous()
    sub, email, groups, restaurants = (
        claims["sub"],
        claims.get("email"),
        claims.get("cognito:groups"),
        claims.get(RESTAURANTS_CLAIM),
    )
    if all(type(value) is str or value is None for value in (sub, email, groups, restaurants)):
        # as API Gateway hands claims over: all strings, so the caller they name is remembered (``_principal``)
        return _principal(sub, email, groups, restaurants)
    return _build_principal(sub, email, groups, restaurants)


def _build_principal(sub: Any, email: Any, groups: Any, restaurant_ids: Any) -> Principal:
    roles = frozenset(_GROUPS[n] for n in _words(groups) if n in _GROUPS)
    restaurants = frozenset(_words(restaurant_ids)) if Role.STAFF in roles else frozenset()
    return Principal(user_id=str(sub), email=email, roles=roles, restaurants=restaurants)


@lru_cache(maxsize=256)
def _principal(sub: str, email: str | None, groups: str | None, restaurant_ids: str | None) -> Principal:
    """``_build_principal`` of claims that are strings, remembered: a warm function sees the same few callers again
    and again, and a ``Principal`` is a pure function of these four claims (frozen, its sets too), so an equal set of
    claims gets an equal caller and no other set ever gets it."""
    return _build_principal(sub, email, groups, restaurant_ids)


def principal_from_partner(context: Mapping[str, Any]) -> Principal:
    """Build a partner caller from the API-key authorizer's context (``keyId``, ``restaurantId``).

    >>> principal_from_partner({"keyId": "k1", "restaurantId": "r1"}).acts_for("r1")
    True
    """
    return Principal(
        user_id=f"apikey:{context['keyId']}",
        roles=frozenset({Role.PARTNER}),
        restaurants=frozenset({str(context["restaurantId"])}),
    )


def principal_from_authorizer(authorizer: Mapping[str, Any] | None) -> Principal:
    """The caller from whatever authorizer ran: Cognito claims, the partner-key context, or nobody."""
    if not authorizer:
        return Principal.anonymous()
    if authorizer.get("claims"):
        return principal_from_claims(authorizer["claims"])
    if authorizer.get("keyId") and authorizer.get("restaurantId"):
        return principal_from_partner(authorizer)
    if authorizer.get("sub"):  # a Lambda authorizer that verified an ID token hands its claims on as its context
        return principal_from_claims(authorizer)
    return Principal.anonymous()
