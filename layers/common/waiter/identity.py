"""Who is calling. Adapters build one ``Principal`` from whatever their protocol carries (JWT claims from the
API's authorizer, an API key's scope) and pass it to services, which hold every authorization rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CUSTOMER = "customers"
    STAFF = "staff"
    ADMIN = "admins"


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

    def staffs(self, restaurant_id: str) -> bool:
        """True when the caller may manage ``restaurant_id`` (its staff, or an admin)."""
        return self.is_admin or (Role.STAFF in self.roles and restaurant_id in self.restaurants)


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    """Build the caller from Cognito authorizer claims: the one place claims are interpreted.

    API Gateway hands list claims to Lambda as a string (``"[admins staff]"`` or ``"admins,staff"``),
    so both spellings are accepted.

    >>> principal_from_claims({"sub": "u1", "email": "a@b.c", "cognito:groups": "[admins staff]"}).roles == {
    ...     Role.ADMIN, Role.STAFF}
    True
    """
    if not claims or not claims.get("sub"):
        return Principal.anonymous()
    raw_groups = claims.get("cognito:groups") or ""
    if isinstance(raw_groups, str):
        names = raw_groups.strip("[]").replace(",", " ").split()
    else:
        names = [str(g) for g in raw_groups]
    known = {r.value: r for r in Role}
    roles = frozenset(known[n] for n in names if n in known)
    return Principal(user_id=str(claims["sub"]), email=claims.get("email"), roles=roles)
