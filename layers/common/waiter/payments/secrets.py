"""The payment provider's credentials, from Secrets Manager through Powertools' parameters utility (cached in the
process for ``MAX_AGE_S``, so a rotated secret is picked up within that time). Never in environment variables (the
environment names the secret, not its value) and never logged.

Powertools' parameters module imports boto3: it is imported here on first use, by the payment functions only."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

MAX_AGE_S = 300


@cache
def secretsmanager_client() -> Any:
    """The process's Secrets Manager client (botocore's, as every Waiter client: ``waiter.aws``)."""
    from waiter.aws import client  # noqa: PLC0415

    return client("secretsmanager")


@cache
def _secrets() -> SecretsProvider:
    # imports boto3: the payment functions only, on first use
    from aws_lambda_powertools.utilities.parameters import SecretsProvider  # noqa: PLC0415

    return SecretsProvider(boto3_client=secretsmanager_client())


def secret_value(name: str) -> str:
    """The ``SecretString`` of the secret ``name`` (an ARN or a name), cached for ``MAX_AGE_S``."""
    value = _secrets().get(name, max_age=MAX_AGE_S)
    return value if isinstance(value, str) else bytes(value or b"").decode()


def webhook_secrets(name: str) -> list[str]:
    """The webhook endpoint secrets held in secret ``name``: one, or several separated by commas while the
    endpoint's secret is being rotated (the new one and the old one both verify)."""
    return [part.strip() for part in secret_value(name).split(",") if part.strip()]
