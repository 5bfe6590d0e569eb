"""What Cognito would e-mail, printed in the gateway's log: the local stack sends no e-mail.

moto's ``ForgotPassword`` makes a code of its own shape (``moto-confirmation-code:123456``) that it hands back only
in an HTTP header no client reads, and its ``ConfirmForgotPassword`` accepts *any* code that lacks that prefix, so
a wrong code would pass locally. This module makes both behave as Cognito does, inside moto's backend (the moto
server runs in the gateway's process): a reset code is six digits, logged as the e-mail would carry it, and only
that code, once, sets the new password; any other is ``CodeMismatchException``, none pending
``ExpiredCodeException``. The real call path (the handler calling Cognito's API through botocore) is unchanged.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

log = logging.getLogger("local.gateway")

_installed: list[bool] = []


def install() -> None:
    """Patch moto's Cognito backend once per process (every moto server in the process shares the backend)."""
    if _installed:
        return
    from moto.cognitoidp import exceptions
    from moto.cognitoidp.models import CognitoIdpBackend

    original_forgot = CognitoIdpBackend.forgot_password

    def forgot_password(self: Any, client_id: str, username: str) -> tuple[str | None, dict[str, Any]]:
        _, response = original_forgot(self, client_id, username)
        user = _user(self, client_id, username)
        if user is None:
            return None, response  # Cognito sends nothing and says nothing different
        code = f"{secrets.randbelow(1_000_000):06d}"
        user.confirmation_code = f"reset:{code}"
        email = next((a["Value"] for a in user.attributes if a["Name"] == "email"), username)
        log.info("password reset code for %s: %s (Cognito would e-mail it)", email, code)
        return None, response

    def confirm_forgot_password(
        self: Any, client_id: str, username: str, password: str, confirmation_code: str
    ) -> None:
        user = _user(self, client_id, username)
        if user is None:
            raise exceptions.UserNotFoundError("User does not exist.")
        pending = str(user.confirmation_code or "")
        if not pending.startswith("reset:"):
            raise exceptions.ExpiredCodeException("Invalid code provided, please request a code again.")
        if not secrets.compare_digest(pending.removeprefix("reset:"), confirmation_code):
            raise exceptions.CodeMismatchException("Invalid verification code provided, please try again.")
        user.password = password
        user.confirmation_code = None

    CognitoIdpBackend.forgot_password = forgot_password  # type: ignore[method-assign]
    CognitoIdpBackend.confirm_forgot_password = confirm_forgot_password  # type: ignore[method-assign]
    _installed.append(True)


def _user(backend: Any, client_id: str, username: str) -> Any:
    """The user ``username`` (e-mail or sub) of the pool that has the app client, or None."""
    return next((p._get_user(username) for p in backend.user_pools.values() if client_id in p.clients), None)
