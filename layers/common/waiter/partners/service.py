"""Partner API keys: issue, list, revoke, and authenticate a key presented to the API.

Keys look like ``wtr_<id>_<secret>``: the prefix makes them recognisable (e.g. to secret scanners), the id finds
the stored record with one read, and the secret is compared by SHA-256 digest in constant time. The secret has
256 bits of entropy, so a fast hash is enough; a slow password hash would only add latency to every call.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from waiter.catalog.service import utc_now
from waiter.errors import Forbidden, NotFound, Unauthorized
from waiter.identity import Principal
from waiter.partners.models import KEY_PREFIX, ApiKeyCreate, ApiKeyCreated, ApiKeyRecord, ApiKeyView


class ApiKeyStore(Protocol):
    """(``waiter.repository.partners.ApiKeyRepository``)"""

    def put(self, record: ApiKeyRecord) -> None: ...
    def get(self, key_id: str) -> ApiKeyRecord | None: ...
    def list_for(self, restaurant_id: str) -> list[ApiKeyRecord]: ...
    def mark_revoked(self, key_id: str, at: datetime) -> None: ...


class UsagePlans(Protocol):
    """Registers a key's usage identifier with the API's usage plan, so API Gateway meters it."""

    def register(self, usage_key: str, name: str) -> str: ...
    def unregister(self, usage_key_id: str) -> None: ...


class RestaurantLookup(Protocol):
    def get_restaurant(self, restaurant_id: str) -> object | None: ...


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(raw: str) -> tuple[str, str] | None:
    """``(key_id, whole_key)`` for a well-formed key, else None.

    >>> parse_key("wtr_0123456789abcdef_s3cr3t")[0]
    '0123456789abcdef'
    >>> parse_key("Bearer x") is None
    True
    """
    if not raw.startswith(KEY_PREFIX):
        return None
    key_id, sep, secret = raw.removeprefix(KEY_PREFIX).partition("_")
    if not sep or len(key_id) != 16 or not secret or not all(c in "0123456789abcdef" for c in key_id):
        return None
    return key_id, raw


@dataclass
class ApiKeyService:
    store: ApiKeyStore
    usage_plans: UsagePlans
    restaurants: RestaurantLookup
    clock: Callable[[], datetime] = utc_now

    def create(self, caller: Principal, restaurant_id: str, data: ApiKeyCreate) -> ApiKeyCreated:
        self._require_manager(caller, restaurant_id)
        key_id = secrets.token_hex(8)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        usage_key = secrets.token_urlsafe(30)
        record = ApiKeyRecord(
            id=key_id,
            restaurant_id=restaurant_id,
            name=data.name,
            prefix=key[: len(KEY_PREFIX) + 8],
            digest=digest(key),
            usage_key=usage_key,
            created_at=self.clock(),
        )
        usage_key_id = self.usage_plans.register(usage_key, f"{restaurant_id}/{key_id}")
        record = record.model_copy(update={"usage_key_id": usage_key_id})
        try:
            self.store.put(record)
        except Exception:
            # Never leave a metered key behind that no stored record knows about.
            self.usage_plans.unregister(usage_key_id)
            raise
        return ApiKeyCreated(**record.view().model_dump(), key=key)

    def list(self, caller: Principal, restaurant_id: str) -> list[ApiKeyView]:
        self._require_manager(caller, restaurant_id)
        return [r.view() for r in self.store.list_for(restaurant_id)]

    def revoke(self, caller: Principal, restaurant_id: str, key_id: str) -> None:
        self._require_manager(caller, restaurant_id)
        record = self.store.get(key_id)
        if record is None or record.restaurant_id != restaurant_id:
            raise NotFound(f"API key {key_id} does not exist")
        if record.revoked_at is None:
            self.store.mark_revoked(key_id, self.clock())
            if record.usage_key_id:
                self.usage_plans.unregister(record.usage_key_id)

    def authenticate(self, raw_key: str | None) -> ApiKeyRecord:
        """The key's record. Unauthorized when missing, malformed or unknown; Forbidden when revoked."""
        parsed = parse_key((raw_key or "").strip())
        if parsed is None:
            raise Unauthorized("a valid X-Api-Key header is required")
        key_id, key = parsed
        record = self.store.get(key_id)
        if record is None or not hmac.compare_digest(record.digest, digest(key)):
            raise Unauthorized("the API key is not valid")
        if record.revoked_at is not None:
            raise Forbidden("the API key has been revoked")
        return record

    def _require_manager(self, caller: Principal, restaurant_id: str) -> None:
        if self.restaurants.get_restaurant(restaurant_id) is None:
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        if not caller.staffs(restaurant_id):
            raise Forbidden("you do not manage this restaurant")
