"""Bring up everything a local run needs, in order: moto with the template's resources, the functions with their
resolved environments, the in-process runtime and (optionally) the demo data. Shared by the gateway and
``local.invoke``, so a function invoked by hand sees exactly what it sees behind the gateway."""

from __future__ import annotations

import argparse
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from local import template as tpl
from local.gateway import management_api
from local.gateway.functions import LambdaFunction, lambda_functions, shared_environment
from local.gateway.payments import LocalPaymentProvider, seed_secrets
from local.gateway.resources import MotoServer, Stack, start_stack
from local.gateway.runtime import Runtime
from local.seed import (
    DEMO_ADMIN,
    SeededAccount,
    SeededApiKey,
    SeededRestaurant,
    seed_demo_accounts,
    seed_demo_api_key,
    seed_demo_data,
    seed_demo_discount,
)

# Parameter values of the local stack where they differ from the template's defaults (only for parameters the
# template declares; --parameter-overrides win): sign-ups are confirmed at once, as no e-mail can be sent.
LOCAL_PARAMETERS: Mapping[str, str] = {"AutoConfirmSignUps": "true"}
PAYMENTS_API_BASE = "PaymentsApiBase"  # set to the local payment provider's URL unless overridden


@dataclass
class Local:
    """A running local stack. ``close()`` stops it and gives back the process environment."""

    template_path: Path
    moto: MotoServer
    stack: Stack
    functions: dict[str, LambdaFunction]
    runtime: Runtime
    seeded: list[SeededRestaurant] = field(default_factory=list)
    accounts: list[SeededAccount] = field(default_factory=list)
    api_key: SeededApiKey | None = None
    management_socket: socket.socket | None = None  # the Management API's, when the template has a WebSocket API
    payments: LocalPaymentProvider | None = None  # the emulated payment provider (local/gateway/payments.py)

    def close(self) -> None:
        self.runtime.close()
        self.moto.stop()
        if self.management_socket is not None:
            self.management_socket.close()
        if self.payments is not None:
            self.payments.stop()


def start_local(
    template_path: Path = tpl.TEMPLATE,
    *,
    parameters: Mapping[str, str] | None = None,
    env_overrides: Mapping[str, Mapping[str, str]] | None = None,
    seed: bool = True,
    hot_reload: bool = True,
) -> Local:
    """Start moto, provision the template's resources, load the functions' configuration and seed demo data
    (which needs Waiter's table and layer: pass ``seed=False`` for other templates)."""
    template_path = template_path.resolve()
    declared = tpl.load_template(template_path).get("Parameters") or {}
    local_values = {name: value for name, value in LOCAL_PARAMETERS.items() if name in declared}
    payments = None
    if PAYMENTS_API_BASE in declared and PAYMENTS_API_BASE not in (parameters or {}):
        payments = LocalPaymentProvider()  # the functions' stripe client is pointed at it
        local_values[PAYMENTS_API_BASE] = payments.serve()
    try:
        moto, stack = start_stack(template_path, {**local_values, **(parameters or {})})
    except BaseException:
        if payments is not None:
            payments.stop()
        raise
    management = None
    try:
        management = management_api.bind(stack)  # before the functions: their environments name its URL
        functions = lambda_functions(stack, template_path.parent, env_overrides)
        if payments is not None:
            seed_secrets(stack)
    except BaseException:
        if management is not None:
            management.close()
        moto.stop()
        if payments is not None:
            payments.stop()
        raise
    local = Local(template_path, moto, stack, functions, Runtime(functions, hot_reload=hot_reload), payments=payments)
    local.management_socket = management
    try:
        if seed:
            _seed(local, env_overrides)
    except BaseException:
        local.close()
        raise
    return local


def _seed(local: Local, env_overrides: Mapping[str, Mapping[str, str]] | None) -> None:
    """Demo restaurants; with a user pool, the demo accounts; with a usage plan too, a partner key.

    Seeding runs Waiter's services in-process with the functions' shared environment plus the identity resources
    (what the account and API-key functions get from the template).
    """
    stack = local.stack
    pools, clients = stack.of_type("AWS::Cognito::UserPool"), stack.of_type("AWS::Cognito::UserPoolClient")
    plans = stack.of_type("AWS::ApiGateway::UsagePlan")
    pool = next(iter(pools.values()), None)
    client = next((c for c in clients.values() if pool and c.properties.get("UserPoolId") == pool.ref), None)
    plan = next(iter(plans.values()), None)
    identity = {
        **({"USER_POOL_ID": pool.ref} if pool else {}),
        **({"USER_POOL_CLIENT_ID": client.ref} if client else {}),
        **({"USAGE_PLAN_ID": plan.ref} if plan else {}),
    }
    environment = MappingProxyType({**shared_environment(stack, env_overrides), **identity})
    with local.runtime.gate.holding(environment):
        local.seeded = seed_demo_data()
        if pool is None or client is None or not local.seeded:
            return
        local.accounts = seed_demo_accounts(pool.ref, local.seeded[0].id)
        admin = next(a for a in local.accounts if a.email == DEMO_ADMIN.email)
        seed_demo_discount(local.seeded[0].id, admin.user_id)
        if plan is not None:
            local.api_key = seed_demo_api_key(local.seeded[0].id, admin.user_id)


# ---- command-line options shared by `python -m local.gateway` and `python -m local.invoke` ------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--template", type=Path, default=tpl.TEMPLATE, help="the SAM template (default: %(default)s)")
    parser.add_argument(
        "--parameter-overrides",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="template parameter values (default: each parameter's Default)",
    )
    parser.add_argument(
        "--env-vars",
        type=Path,
        help='JSON file of extra variables: {"<LogicalId>": {...}, "Parameters": {...}} (as sam local)',
    )
    parser.add_argument("--no-seed", action="store_true", help="start with empty resources (no demo data)")


def start_options(args: argparse.Namespace) -> dict[str, Any]:
    """``start_local`` keyword arguments from the options ``add_arguments`` declares."""
    parameters = dict(_key_value(item) for item in args.parameter_overrides)
    overrides = json.loads(args.env_vars.read_text(encoding="utf-8")) if args.env_vars else None
    return {
        "template_path": args.template,
        "parameters": parameters,
        "env_overrides": overrides,
        "seed": not args.no_seed,
    }


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise SystemExit(f"--parameter-overrides expects KEY=VALUE, got {item!r}")
    return key, value
