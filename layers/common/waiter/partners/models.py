"""API key shapes. A key's secret is shown once, at creation; only its SHA-256 digest is stored."""

# No ``from __future__ import annotations`` in the model modules: pydantic would then evaluate every field's
# annotation from its string when each model class is created, at import (see ``waiter.model_base``).
from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from waiter.model_base import InputModel, WireModel

KEY_PREFIX = "wtr_"


class ApiKeyCreate(InputModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]


class ApiKeyView(WireModel):
    id: str
    restaurant_id: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyView):
    """The one response that carries the secret: store it now, it cannot be shown again."""

    key: str


class ApiKeyList(WireModel):
    items: list[ApiKeyView]


class ApiKeyRecord(WireModel):
    """A key as stored: the digest of the secret, never the secret; ``usage_key`` identifies it to the usage plan."""

    id: str
    restaurant_id: str
    name: str
    prefix: str
    digest: str
    usage_key: str
    usage_key_id: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None

    def view(self) -> ApiKeyView:
        return ApiKeyView.model_validate(self.model_dump(include=set(ApiKeyView.model_fields)))
