"""Typed settings read once from environment variables: the one way configuration enters the code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Settings:
    """What a function needs to know about where it runs.

    >>> s = Settings.from_env({"TABLE_NAME": "t", "CURSOR_SECRET": "x" * 32})
    >>> s.table_name
    't'
    """

    table_name: str
    cursor_secret: bytes
    environment: str = "dev"
    max_body_bytes: int = 64 * 1024
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    auto_confirm_signups: bool = False
    usage_plan_id: str = ""
    # botocore's client-side check of every DynamoDB request against the service model: off in Lambda (the
    # repositories build the requests; a third of botocore's time per call), on in tests and the local gateway.
    validate_aws_requests: bool = False
    # the event-driven functions: the bus the stream publisher puts events on, the SES identity mail comes from,
    # and how long a restaurant has to accept an order before the kitchen timeout rejects it
    event_bus_name: str = ""
    sender_email: str = ""
    kitchen_timeout_minutes: float = 10.0
    # the live-update notifier: the WebSocket API's Management API endpoint (https://<api>.execute-api.<region>.
    # amazonaws.com/<stage>, or the local gateway's)
    websocket_endpoint: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        missing = [name for name in ("TABLE_NAME", "CURSOR_SECRET") if not env.get(name)]
        if missing:
            raise RuntimeError(f"missing required environment variables: {', '.join(missing)}")
        return cls(
            table_name=env["TABLE_NAME"],
            cursor_secret=env["CURSOR_SECRET"].encode(),
            environment=env.get("ENVIRONMENT", "dev"),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", str(64 * 1024))),
            user_pool_id=env.get("USER_POOL_ID", ""),
            user_pool_client_id=env.get("USER_POOL_CLIENT_ID", ""),
            auto_confirm_signups=env.get("AUTO_CONFIRM_SIGNUPS", "false").lower() == "true",
            usage_plan_id=env.get("USAGE_PLAN_ID", ""),
            validate_aws_requests=env.get("VALIDATE_AWS_REQUESTS", "false").lower() == "true",
            event_bus_name=env.get("EVENT_BUS_NAME", ""),
            sender_email=env.get("SENDER_EMAIL", ""),
            kitchen_timeout_minutes=float(env.get("KITCHEN_TIMEOUT_MINUTES", "10")),
            websocket_endpoint=env.get("WEBSOCKET_ENDPOINT", ""),
        )


@cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use (not at import, so importing a handler is side-effect free)."""
    return Settings.from_env()
