"""Typed settings read once from environment variables: the one way configuration enters the code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class GraphqlLimits:
    """What one GraphQL document may ask for (``waiter.adapters.graphql.limits`` enforces them). The defaults admit
    every query the README and the web client send (the deepest, restaurants with their menus down to option
    choices, is depth 9) and refuse the known abuses. Each is a ``GRAPHQL_*`` environment variable.

    Introspection is on where ``GRAPHQL_INTROSPECTION`` says ``true``, or else in the environments
    ``GRAPHQL_INTROSPECTION_IN`` lists (template.yaml: ``dev``); off when neither is set.

    >>> GraphqlLimits.from_env({"GRAPHQL_MAX_DEPTH": "6"}).max_depth
    6
    >>> on_in_dev = {"GRAPHQL_INTROSPECTION_IN": "dev"}
    >>> [GraphqlLimits.from_env({"ENVIRONMENT": e, **on_in_dev}).introspection for e in ("dev", "prod")]
    [True, False]
    """

    max_depth: int = 10
    max_aliases: int = 15
    max_directives: int = 10
    max_cost: int = 1000
    max_tokens: int = 2000
    max_source_length: int = 10_000
    introspection: bool = False  # on locally (template.yaml: off when Environment is prod); suggestions follow it
    default_page_size: int = 20  # the weight of a list field whose `first` is left out (the schema's default)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> GraphqlLimits:
        default = cls()
        numbers = {
            name: int(env.get(f"GRAPHQL_{name.upper()}", str(getattr(default, name))))
            for name in ("max_depth", "max_aliases", "max_directives", "max_cost", "max_tokens", "max_source_length")
        }
        explicit = env.get("GRAPHQL_INTROSPECTION")
        if explicit is not None:
            introspection = explicit.lower() == "true"
        else:
            introspection = env.get("ENVIRONMENT", "dev") in env.get("GRAPHQL_INTROSPECTION_IN", "").split()
        return cls(**numbers, introspection=introspection)


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
    # card payments (docs/payments.md): the secrets holding the provider's API key and webhook secret(s) (their
    # names, never their values), the provider's API base (empty: its own; locally the emulated provider), the
    # webhook events' queue and how long a card order may stay unpaid
    payments_api_key_secret: str = ""
    payments_webhook_secret: str = ""
    payments_api_base: str = ""
    payment_events_queue_url: str = ""
    payment_expiry_minutes: float = 15.0
    # the GraphQL function's abuse limits and whether it answers introspection (and serves GraphiQL)
    graphql: GraphqlLimits = GraphqlLimits()

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
            payments_api_key_secret=env.get("PAYMENTS_API_KEY_SECRET", ""),
            payments_webhook_secret=env.get("PAYMENTS_WEBHOOK_SECRET", ""),
            payments_api_base=env.get("PAYMENTS_API_BASE", ""),
            payment_events_queue_url=env.get("PAYMENT_EVENTS_QUEUE_URL", ""),
            payment_expiry_minutes=float(env.get("PAYMENT_EXPIRY_MINUTES", "15")),
            graphql=GraphqlLimits.from_env(env),
        )


@cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use (not at import, so importing a handler is side-effect free)."""
    return Settings.from_env()
