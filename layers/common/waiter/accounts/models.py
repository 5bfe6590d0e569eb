"""Account shapes: what callers send to sign up and sign in, and what they get back."""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from waiter.model_base import InputModel, WireModel

Email = Annotated[
    str,
    StringConstraints(
        min_length=3,
        max_length=254,
        strip_whitespace=True,
        to_lower=True,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256, strip_whitespace=False)]

# The addresses Cognito takes as a new account's username (the user pool's UsernameAttributes is [email]): SignUp's
# Username is 1-128 letters, marks, symbols, digits and punctuation (botocore's UsernameType), and must be an e-mail
# address; the local stack's Cognito (moto) takes ``\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b`` (a first
# character that is a letter, a digit or "_"). Sign-up states the addresses both take, so the document refuses what
# the identity provider would (a 400 on body.email either way); signing in and the rest keep ``Email``, as any
# address an account can have is one sign-up took.
SIGN_UP_EMAIL_MAX_LENGTH = 128
SIGN_UP_EMAIL_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9._%+-]*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
SignUpEmail = Annotated[
    str,
    StringConstraints(
        min_length=6,
        max_length=SIGN_UP_EMAIL_MAX_LENGTH,
        strip_whitespace=True,
        to_lower=True,
        pattern=SIGN_UP_EMAIL_PATTERN,
    ),
]

# The password policy, stated once. template.yaml's user pool declares the same (a contract test compares them).
PASSWORD_MIN_LENGTH = 12
PASSWORD_RULES: tuple[tuple[str, str], ...] = (
    (r"[a-z]", "must contain a lowercase letter"),
    (r"[A-Z]", "must contain an uppercase letter"),
    (r"[0-9]", "must contain a digit"),
    # Cognito's own list of symbols (a letter such as "é" is not one), so both checks agree.
    (r"[\^$*.\[\]{}()?\"!@#%&/\\,><':;|_~`=+\- ]", "must contain a symbol"),
)


def password_problems(password: str) -> list[str]:
    """Every rule of the password policy that ``password`` breaks (empty when it is strong enough).

    >>> password_problems("Waiter-demo-1!")
    []
    >>> password_problems("short-password")
    ['must contain an uppercase letter', 'must contain a digit']
    """
    problems = [] if len(password) >= PASSWORD_MIN_LENGTH else [f"must be at least {PASSWORD_MIN_LENGTH} characters"]
    problems += [message for pattern, message in PASSWORD_RULES if not re.search(pattern, password)]
    return problems


# The policy as JSON Schema, so the OpenAPI document says what sign-up refuses (the service checks it, with a
# message per rule broken: ``password_problems``): one pattern, a lookahead per rule. (An ``allOf`` of one pattern
# per rule says the same, but a fuzzer cannot build a string of an exact length that meets four separate patterns
# but by drawing and discarding: Schemathesis' boundary case "one character over maxLength" took 160 s per
# operation that way; a single pattern it sets aside for over-long values, and draws in well under a second.)
PASSWORD_POLICY_SCHEMA: dict[str, object] = {
    "minLength": PASSWORD_MIN_LENGTH,
    "pattern": "^" + "".join(f"(?=[\\s\\S]*{pattern})" for pattern, _ in PASSWORD_RULES),
}


class SignUp(InputModel):
    email: SignUpEmail
    password: Annotated[Password, Field(json_schema_extra=PASSWORD_POLICY_SCHEMA)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]


class Confirm(InputModel):
    email: Email
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,10}$")]


class Login(InputModel):
    email: Email
    password: Password


class ForgotPassword(InputModel):
    email: Email


class ResetPassword(InputModel):
    """A new password with the code ``POST /v1/auth/forgot-password`` e-mailed."""

    email: Email
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,10}$")]
    password: Annotated[Password, Field(json_schema_extra=PASSWORD_POLICY_SCHEMA)]


class ResetRequested(WireModel):
    """The one answer to a reset request, whether or not an account has the e-mail address."""

    message: str = "if an account has this e-mail address, a reset code is on its way"


class AccountDeletion(InputModel):
    """Deleting an account takes the current password (re-authentication)."""

    password: Password


class Refresh(InputModel):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class Tokens(WireModel):
    """Tokens from a sign-in: send ``idToken`` as ``Authorization: Bearer <idToken>``."""

    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme's name, not a secret


class SignedUp(WireModel):
    id: str
    email: str
    confirmed: bool


class Profile(WireModel):
    id: str
    email: str
    name: str | None = None
    roles: list[str]
    restaurants: list[str]


class UserRecord(WireModel):
    """A user as the identity provider knows them."""

    id: str
    username: str
    email: str
    name: str | None = None
    groups: list[str] = []
    restaurants: list[str] = []


class StaffAssign(InputModel):
    email: Email


class StaffMember(WireModel):
    user_id: str
    email: str
    restaurant_id: str
    added_at: datetime
