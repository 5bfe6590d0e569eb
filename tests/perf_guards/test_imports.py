"""Cold-start guards: what importing each function's handler must not load (docs/performance.md, P1).

Each handler is imported in a fresh interpreter with its template environment, as Lambda's init would, and the
modules it left in ``sys.modules`` are checked. These are not timings: a module that is absent costs nothing, so
the guard holds on any machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.lambdas import Function, functions

# Never needed by a REST function, and expensive to import (FACTS.md, docs/performance.md).
NEVER = {
    "aws_xray_sdk": "the X-Ray SDK (Powertools' Tracer imports it even when tracing is off: ~250 ms)",
    "graphql": "GraphQL (graphql-core, ~95 ms)",
    "strawberry": "GraphQL (strawberry, ~150 ms)",
    "ariadne": "GraphQL (ariadne)",
    "lxml": "XML (lxml)",
    "defusedxml": "XML (defusedxml)",
    "xml.etree": "XML (ElementTree)",
    "jwt": "PyJWT (~70 ms with crypto); API Gateway's authorizers verify tokens",
}
# Imported on first use (waiter.repository.dynamo.dynamodb_client): importing them at init would cost about as much as
# the whole cold-start budget's yardstick. (Powertools imports the bare ``botocore`` package at init to add its
# user-agent hook; that is cheap, the session and client machinery below it is not.)
DEFERRED = {
    "boto3": "boto3 (imported with the first client)",
    "botocore.session": "botocore's session (imported with the first client)",
    "botocore.client": "botocore's client machinery (imported with the first client)",
}
# Functions that legitimately need one of the above at import time: {logical id: {module, ...}}.
# The SOAP function parses XML with defusedxml (over the stdlib's ElementTree): the only function that may.
# The WebSocket API's $connect authorizer verifies ID tokens with PyJWT (waiter.accounts.id_tokens imports it on
# first use, so importing the handler still loads none of it): the only function that may.
ALLOWED: dict[str, set[str]] = {"SoapPosFunction": {"defusedxml", "xml.etree"}, "WsAuthorizerFunction": {"jwt"}}

_PROBE = (
    "import importlib, json, sys\n"
    "sys.path[:0] = json.loads(sys.argv[1])\n"
    "importlib.import_module(sys.argv[2])\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _modules_after(probe: str, function: Function, *args: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``probe`` with ``function``'s template environment."""
    done = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", probe, *args],
        env=function.lambda_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _modules_after_import(function: Function) -> set[str]:
    paths = [str(function.code_dir), *(str(d) for d in function.layer_dirs)]
    return _modules_after(_PROBE, function, json.dumps(paths), function.handler.rsplit(".", 1)[0])


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("logical_id", sorted(functions()))
def test_importing_the_handler_loads_nothing_it_never_uses(logical_id: str) -> None:
    modules = _modules_after_import(functions()[logical_id])
    allowed = ALLOWED.get(logical_id, set())

    loaded = {
        name: why for name, why in {**NEVER, **DEFERRED}.items() if name not in allowed and _loaded(modules, name)
    }

    assert loaded == {}, f"{logical_id} imports at init: {loaded}"


_CLIENTS_PROBE = (
    "import json, sys\n"
    "sys.path[:0] = json.loads(sys.argv[1])\n"
    "from waiter.repository.dynamo import dynamodb_client\n"
    "from waiter.accounts.cognito import cognito_client\n"
    "from waiter.partners.usage_plans import apigateway_client\n"
    "dynamodb_client(); cognito_client(); apigateway_client()\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def test_creating_every_aws_client_the_layer_uses_never_imports_boto3() -> None:
    """The clients come from botocore's session (waiter.aws): boto3's resource and transfer machinery would add time
    and memory to every function's first request. (Checkout's idempotency store is Powertools', which imports
    boto3 itself; that is its cost, not the clients'.)"""
    function = functions()["GetRestaurantFunction"]
    modules = _modules_after(_CLIENTS_PROBE, function, json.dumps([str(d) for d in function.layer_dirs]))

    assert _loaded(modules, "botocore.client")  # the probe did create clients
    assert not _loaded(modules, "boto3"), "a client was created through boto3"
