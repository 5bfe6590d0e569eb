"""The template's Lambda functions as the local runtime runs them: code location, handler, limits and environment.

Everything comes from template.yaml (``Globals`` merged as SAM merges them); the environment has every reference
resolved to the local resources of a provisioned ``Stack``, plus what the Lambda runtime itself sets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from local import template as tpl
from local.gateway.intrinsics import ACCOUNT_ID, REGION
from local.gateway.resources import Stack

DEFAULT_MEMORY_MB = 128  # Lambda's defaults when neither the function nor Globals say
DEFAULT_TIMEOUT_S = 3

# Beneath the process environment (a developer may export the opposite): EMF metrics printed after every local
# request are noise, as Powertools itself decides with POWERTOOLS_DEV.
LOCAL_DEFAULTS: Mapping[str, str] = {"POWERTOOLS_METRICS_DISABLED": "true"}


@dataclass(frozen=True, eq=False)
class LambdaFunction:
    """One ``AWS::Serverless::Function``, ready to run in-process.

    ``environment`` holds every variable the gateway sets for it; the identity of the mapping matters: functions
    compare environments by identity when deciding whether they may run side by side (see ``EnvironmentGate``).
    """

    logical_id: str
    code_dir: Path
    handler: str  # as in the template: "app.lambda_handler"
    memory_mb: int
    timeout_s: int
    layer_dirs: tuple[Path, ...]
    environment: Mapping[str, str]

    @property
    def name(self) -> str:
        """The function name: the logical id, as ``sam local`` names functions."""
        return self.logical_id

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}"

    @property
    def module_file(self) -> Path:
        """``functions/x/app.py`` for handler ``app.lambda_handler`` (dotted modules map to folders)."""
        module = self.handler.rsplit(".", 1)[0]
        return self.code_dir.joinpath(*module.split(".")).with_suffix(".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


def lambda_functions(
    stack: Stack, root: Path, overrides: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, LambdaFunction]:
    """Every function of ``stack``'s template; ``root`` is what ``CodeUri``/``ContentUri`` are relative to.

    ``overrides`` are extra variables per function logical id, or for all functions under ``"Parameters"`` (the
    ``sam local --env-vars`` file format); they win over the template.
    """
    overrides = overrides or {}
    return {
        logical_id: _function(stack, root, logical_id, overrides)
        for logical_id in tpl.resources_of_type("AWS::Serverless::Function", stack.template)
    }


def _function(stack: Stack, root: Path, logical_id: str, overrides: Mapping[str, Mapping[str, str]]) -> LambdaFunction:
    props = tpl.function_properties(logical_id, stack.template)
    memory = int(props.get("MemorySize", DEFAULT_MEMORY_MB))
    timeout = int(props.get("Timeout", DEFAULT_TIMEOUT_S))
    code_dir = (root / str(props["CodeUri"])).resolve()
    handler = str(props["Handler"])
    environment = {
        **_runtime_variables(logical_id, code_dir, handler, memory, timeout),
        **_template_environment(stack, props, overrides),
        **overrides.get(logical_id, {}),
    }
    return LambdaFunction(
        logical_id=logical_id,
        code_dir=code_dir,
        handler=handler,
        memory_mb=memory,
        timeout_s=timeout,
        layer_dirs=tuple(_layer_dirs(stack, root, props.get("Layers") or [])),
        environment=MappingProxyType(environment),
    )


def shared_environment(stack: Stack, overrides: Mapping[str, Mapping[str, str]] | None = None) -> Mapping[str, str]:
    """The environment every function shares (``Globals.Function``), for code that runs outside any one function
    but must see what the functions see, such as seeding demo data through the domain services."""
    props = tpl.global_function_properties(stack.template)
    return MappingProxyType(_template_environment(stack, props, overrides or {}))


def _template_environment(
    stack: Stack, props: Mapping[str, Any], overrides: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    variables = stack.resolver.resolve((props.get("Environment") or {}).get("Variables") or {})
    resolved = {str(k): stack.localised(_env_text(v)) for k, v in variables.items()}
    return {
        **{k: v for k, v in LOCAL_DEFAULTS.items() if k not in os.environ},
        **stack.aws_environment,
        **_local_jwks(stack, resolved),
        **resolved,
        **overrides.get("Parameters", {}),
    }


def _local_jwks(stack: Stack, variables: Mapping[str, str]) -> dict[str, str]:
    """``COGNITO_JWKS_URL`` for a function configured with a user pool's id: the layer's token verifier fetches the
    pool's keys from Cognito's URL on AWS (``waiter.accounts.id_tokens``); locally moto serves them."""
    urls = {url for value in variables.values() if (url := stack.jwks_url(value))}
    return {"COGNITO_JWKS_URL": urls.pop()} if len(urls) == 1 else {}


RUNTIME_VARIABLES = frozenset(
    {
        "AWS_SAM_LOCAL",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_TIMEOUT",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "LAMBDA_TASK_ROOT",
        "_HANDLER",
    }
)
"""The variables Lambda itself sets (they name the function); the rest of an environment is its configuration."""


def configuration(environment: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """An environment without what Lambda sets: equal for functions the template configures alike.

    >>> configuration({"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_NAME": "F"}) == configuration({"TABLE_NAME": "t"})
    True
    """
    return frozenset((k, v) for k, v in environment.items() if k not in RUNTIME_VARIABLES)


def _runtime_variables(name: str, code_dir: Path, handler: str, memory: int, timeout: int) -> dict[str, str]:
    """What Lambda sets in every function's environment (as ``sam local`` does, including AWS_SAM_LOCAL)."""
    return {
        "AWS_SAM_LOCAL": "true",  # Powertools' Tracer, among others, knows not to look for an X-Ray daemon
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(timeout),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "LAMBDA_TASK_ROOT": str(code_dir),
        "_HANDLER": handler,
    }


def _env_text(value: Any) -> str:
    """Lambda environment values are strings; CloudFormation turns booleans and numbers into their text."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _layer_dirs(stack: Stack, root: Path, layers: list[Any]) -> list[Path]:
    """The import roots of the function's layers: the ``ContentUri`` of each ``Ref``'d ``LayerVersion``.

    Lambda extracts a layer to /opt and puts /opt/python on sys.path; a layer folder with a ``python/`` subfolder
    is laid out that way, otherwise SAM builds the folder itself into ``python/``.
    """
    resources = stack.template.get("Resources") or {}
    dirs = []
    for layer in layers:
        logical_id = layer.get("Ref") if isinstance(layer, dict) else None
        resource = resources.get(logical_id) if logical_id else None
        if resource is None or resource.get("Type") != "AWS::Serverless::LayerVersion":
            continue  # a published layer ARN: nothing local to import from
        content = (root / str(resource["Properties"]["ContentUri"])).resolve()
        dirs.append(content / "python" if (content / "python").is_dir() else content)
    return dirs
