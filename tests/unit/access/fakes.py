"""In-memory stand-ins for the identity provider and the access stores, honouring the same contracts."""

from __future__ import annotations

from datetime import datetime

from waiter.accounts.models import StaffMember, Tokens, UserRecord
from waiter.errors import Conflict, Unauthorized, ValidationFailed
from waiter.partners.models import ApiKeyRecord


class MemoryProvider:
    def __init__(self) -> None:
        self.users: dict[str, dict[str, object]] = {}
        self.signed_out: list[str] = []

    def sign_up(self, email: str, password: str, name: str) -> str:
        if any(u["email"] == email for u in self.users.values()):
            raise Conflict("an account with this e-mail address already exists")
        user_id = f"user-{len(self.users) + 1}"
        self.users[user_id] = {
            "email": email, "password": password, "name": name, "confirmed": False, "groups": set(), "restaurants": []
        }  # fmt: skip
        return user_id

    def admin_confirm(self, username: str) -> None:
        self.users[username]["confirmed"] = True

    def confirm(self, email: str, code: str) -> None:
        if code != "123456":
            raise ValidationFailed.on("body.code", "is wrong or has expired")

    def login(self, email: str, password: str) -> Tokens:
        for user in self.users.values():
            if user["email"] == email and user["password"] == password:
                return Tokens(id_token="id", access_token="access", refresh_token="refresh", expires_in=3600)
        raise Unauthorized("the e-mail address or the password is wrong")

    def refresh(self, refresh_token: str) -> Tokens:
        if refresh_token != "refresh":
            raise Unauthorized("the refresh token is invalid, expired or revoked")
        return Tokens(id_token="id2", access_token="access2", expires_in=3600)

    def forgot_password(self, email: str) -> None:
        for user in self.users.values():
            if user["email"] == email:
                user["reset_code"] = "654321"

    def reset_password(self, email: str, code: str, password: str) -> None:
        for user in self.users.values():
            if user["email"] == email and user.get("reset_code") == code:
                user["password"], user["reset_code"] = password, None
                return
        raise ValidationFailed.on("body.code", "is wrong or has expired")

    def delete_user(self, username: str) -> None:
        self.users.pop(username, None)

    def sign_out(self, username: str) -> None:
        self.signed_out.append(username)

    def find_user(self, email_or_username: str) -> UserRecord | None:
        for user_id, user in self.users.items():
            if email_or_username in (user_id, user["email"]):
                groups, restaurants = user["groups"], user["restaurants"]
                assert isinstance(groups, set)
                assert isinstance(restaurants, list)
                return UserRecord(
                    id=user_id,
                    username=user_id,
                    email=str(user["email"]),
                    name=str(user["name"]),
                    groups=sorted(groups),
                    restaurants=restaurants,
                )
        return None

    def add_to_group(self, username: str, group: str) -> None:
        groups = self.users[username]["groups"]
        assert isinstance(groups, set)
        groups.add(group)

    def remove_from_group(self, username: str, group: str) -> None:
        groups = self.users[username]["groups"]
        assert isinstance(groups, set)
        groups.discard(group)

    def set_restaurants(self, username: str, restaurant_ids: list[str]) -> None:
        self.users[username]["restaurants"] = list(restaurant_ids)


class MemoryStaff:
    def __init__(self) -> None:
        self.members: dict[tuple[str, str], StaffMember] = {}

    def add(self, member: StaffMember) -> None:
        self.members[member.restaurant_id, member.user_id] = member

    def remove(self, restaurant_id: str, user_id: str) -> bool:
        return self.members.pop((restaurant_id, user_id), None) is not None

    def restaurants_of(self, user_id: str) -> list[str]:
        return [r for (r, u) in self.members if u == user_id]

    def staff_of(self, restaurant_id: str) -> list[StaffMember]:
        return [m for (r, _), m in self.members.items() if r == restaurant_id]


class Restaurants:
    def __init__(self, *ids: str) -> None:
        self.ids = set(ids)

    def get_restaurant(self, restaurant_id: str) -> object | None:
        return object() if restaurant_id in self.ids else None


class MemoryCounters:
    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = {}

    def increment(self, bucket: str, window_start: int, expires_at: int, by: int = 1) -> int:
        self.counts[bucket, window_start] = self.counts.get((bucket, window_start), 0) + by
        return self.counts[bucket, window_start]

    def delete(self, bucket: str, window_start: int) -> None:
        self.counts.pop((bucket, window_start), None)


class MemoryKeys:
    def __init__(self) -> None:
        self.records: dict[str, ApiKeyRecord] = {}

    def put(self, record: ApiKeyRecord) -> None:
        self.records[record.id] = record

    def get(self, key_id: str) -> ApiKeyRecord | None:
        return self.records.get(key_id)

    def list_for(self, restaurant_id: str) -> list[ApiKeyRecord]:
        return [r for r in self.records.values() if r.restaurant_id == restaurant_id]

    def mark_revoked(self, key_id: str, at: datetime) -> None:
        self.records[key_id] = self.records[key_id].model_copy(update={"revoked_at": at})


class MemoryUsagePlans:
    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    def register(self, usage_key: str, name: str) -> str:
        key_id = f"usage-{len(self.keys) + 1}"
        self.keys[key_id] = usage_key
        return key_id

    def unregister(self, usage_key_id: str) -> None:
        del self.keys[usage_key_id]
