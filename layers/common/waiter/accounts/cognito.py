"""The identity provider: Amazon Cognito user pools (moto's in ``make dev``).

The only code that talks to Cognito. Cognito's errors become domain errors here, worded so that callers learn
nothing about which accounts exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from waiter.accounts.models import Tokens, UserRecord
from waiter.errors import (
    Conflict,
    FieldError,
    Forbidden,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
    WaiterError,
)
from waiter.identity import RESTAURANTS_CLAIM

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.client import CognitoIdentityProviderClient

_BAD_CREDENTIALS = "the e-mail address or the password is wrong"


@cache
def cognito_client() -> CognitoIdentityProviderClient:
    from waiter.aws import client  # noqa: PLC0415 - deferred: only account functions pay for it

    return cast("CognitoIdentityProviderClient", client("cognito-idp"))


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def _too_many() -> WaiterError:
    return TooManyRequests("too many attempts; try again later", headers={"Retry-After": "60"})


def _wrong_code() -> WaiterError:
    return ValidationFailed.on("body.code", "is wrong or has expired")


_TRANSLATIONS: dict[str, Callable[[], WaiterError]] = {
    "NotAuthorizedException": lambda: Unauthorized(_BAD_CREDENTIALS),
    "UserNotFoundException": lambda: Unauthorized(_BAD_CREDENTIALS),
    "UserNotConfirmedException": lambda: Forbidden("confirm your e-mail address first (POST /v1/auth/confirm)"),
    "UsernameExistsException": lambda: Conflict(
        "an account with this e-mail address already exists", errors=[FieldError("body.email", "is taken")]
    ),
    "InvalidPasswordException": lambda: ValidationFailed.on("body.password", "does not meet the password policy"),
    "CodeMismatchException": _wrong_code,
    "ExpiredCodeException": _wrong_code,
    "TooManyRequestsException": _too_many,
    "LimitExceededException": _too_many,
    "TooManyFailedAttemptsException": _too_many,
}


# What Cognito says about a reset for an account that cannot reset (unknown, unconfirmed, disabled, no verified
# e-mail): all answered as for a known one, so the reset routes cannot enumerate accounts.
_SILENT_RESET_REFUSALS = frozenset(
    {"UserNotFoundException", "NotAuthorizedException", "InvalidParameterException", "ResourceNotFoundException"}
)


def _translate(error: Exception) -> Exception:
    """Cognito's error codes as domain errors; anything unexpected is re-raised as is (a 500, logged)."""
    make = _TRANSLATIONS.get(_code(error))
    return make() if make else error


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> Tokens:
    auth = result.get("AuthenticationResult")
    if not auth:  # a challenge (e.g. a forced password change) that this API does not offer
        raise Forbidden("this account needs attention before it can sign in")
    return Tokens(
        id_token=auth["IdToken"],
        access_token=auth["AccessToken"],
        refresh_token=auth.get("RefreshToken", refresh_token),
        expires_in=int(auth.get("ExpiresIn", 3600)),
    )


class CognitoProvider:
    def __init__(self, user_pool_id: str, client_id: str, client: CognitoIdentityProviderClient | None = None) -> None:
        self._pool = user_pool_id
        self._client_id = client_id
        self._client = client

    @property
    def client(self) -> CognitoIdentityProviderClient:
        return self._client or cognito_client()

    def sign_up(self, email: str, password: str, name: str) -> str:
        try:
            result = self.client.sign_up(
                ClientId=self._client_id,
                Username=email,
                Password=password,
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": name}],
            )
        except Exception as error:
            if _code(error) == "InvalidParameterException":
                # The address is the only input here that our own model does not bound as Cognito does (the name's
                # length is ours, the password has its own error code): an address our pattern lets through but
                # Cognito will not take as a username or an e-mail attribute is the caller's to fix.
                raise ValidationFailed.on("body.email", "is not an e-mail address we can accept") from None
            raise _translate(error) from None
        return result["UserSub"]

    def admin_confirm(self, username: str) -> None:
        self.client.admin_confirm_sign_up(UserPoolId=self._pool, Username=username)

    def confirm(self, email: str, code: str) -> None:
        try:
            self.client.confirm_sign_up(ClientId=self._client_id, Username=email, ConfirmationCode=code)
        except Exception as error:
            translated = _translate(error)
            # An unknown e-mail must look like a wrong code, or the endpoint would enumerate accounts.
            raise (
                ValidationFailed.on("body.code", "is wrong or has expired")
                if isinstance(translated, Unauthorized)
                else translated
            ) from None

    def login(self, email: str, password: str) -> Tokens:
        try:
            result = self.client.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except Exception as error:
            raise _translate(error) from None
        return _tokens(dict(result))

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            result = self.client.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except Exception as error:
            translated = _translate(error)
            if _code(error) in ("NotAuthorizedException", "InvalidParameterException", "ResourceNotFoundException"):
                translated = Unauthorized("the refresh token is invalid, expired or revoked")
            raise translated from None
        return _tokens(dict(result), refresh_token=None)

    def forgot_password(self, email: str) -> None:
        """Have Cognito e-mail a reset code. An unknown, unconfirmed or disabled account is answered exactly like a
        known one (the pool client's PreventUserExistenceErrors does the same in the cloud)."""
        try:
            self.client.forgot_password(ClientId=self._client_id, Username=email)
        except Exception as error:
            if _code(error) in _SILENT_RESET_REFUSALS:
                return
            raise _translate(error) from None

    def reset_password(self, email: str, code: str, password: str) -> None:
        """Set a new password with the e-mailed code; an unknown e-mail is the same 400 as a wrong code."""
        try:
            self.client.confirm_forgot_password(
                ClientId=self._client_id, Username=email, ConfirmationCode=code, Password=password
            )
        except Exception as error:
            if _code(error) in _SILENT_RESET_REFUSALS:
                raise _wrong_code() from None
            raise _translate(error) from None

    def delete_user(self, username: str) -> None:
        """Delete the user from the pool; one already gone is fine (erasing twice)."""
        try:
            self.client.admin_delete_user(UserPoolId=self._pool, Username=username)
        except Exception as error:
            if _code(error) != "UserNotFoundException":
                raise

    def sign_out(self, username: str) -> None:
        try:
            self.client.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)
        except Exception as error:
            raise _translate(error) from None

    def find_user(self, email_or_username: str) -> UserRecord | None:
        try:
            # Look users up by e-mail or by sub: a federated user's username (e.g. Google_123) is neither.
            attribute = "email" if "@" in email_or_username else "sub"
            users = self.client.list_users(
                UserPoolId=self._pool, Filter=f'{attribute} = "{_quote(email_or_username)}"', Limit=1
            )["Users"]
            if not users:
                return None
            username = users[0]["Username"]
            user = self.client.admin_get_user(UserPoolId=self._pool, Username=username)
            groups = self.client.admin_list_groups_for_user(UserPoolId=self._pool, Username=username)["Groups"]
        except Exception as error:
            if _code(error) == "UserNotFoundException":
                return None
            raise
        attributes = {a["Name"]: a.get("Value", "") for a in user.get("UserAttributes", [])}
        return UserRecord(
            id=attributes.get("sub", username),
            username=username,
            email=attributes.get("email", ""),
            name=attributes.get("name"),
            groups=[g["GroupName"] for g in groups],
            restaurants=attributes.get(RESTAURANTS_CLAIM, "").split(),
        )

    def email_of(self, user_id: str) -> str | None:
        """The e-mail address of the user whose ``sub`` is ``user_id`` (one ListUsers); None for no such user."""
        users = self.client.list_users(
            UserPoolId=self._pool, Filter=f'sub = "{_quote(user_id)}"', Limit=1, AttributesToGet=["email"]
        )["Users"]
        attributes = {a["Name"]: a.get("Value", "") for u in users[:1] for a in u.get("Attributes", [])}
        return attributes.get("email") or None

    def add_to_group(self, username: str, group: str) -> None:
        self.client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)

    def remove_from_group(self, username: str, group: str) -> None:
        self.client.admin_remove_user_from_group(UserPoolId=self._pool, Username=username, GroupName=group)

    def set_restaurants(self, username: str, restaurant_ids: list[str]) -> None:
        self.client.admin_update_user_attributes(
            UserPoolId=self._pool,
            Username=username,
            UserAttributes=[{"Name": RESTAURANTS_CLAIM, "Value": " ".join(restaurant_ids)}],
        )


def _quote(value: str) -> str:
    """Cognito's ListUsers filter is a quoted string: keep a crafted e-mail from breaking out of it."""
    return value.replace("\\", "").replace('"', "")
