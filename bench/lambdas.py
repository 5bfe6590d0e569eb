"""The template's functions as the benchmarks run them: code folder, handler, memory and the environment Lambda
would give them (``Globals`` + the function's own variables, intrinsics resolved to placeholders, plus what the
Lambda runtime sets), never the developer's shell environment."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench.config import ROOT

REGION = "us-east-1"
PLACEHOLDER_SECRET = "bench-cursor-secret-0123456789abcdef0123456789ab"  # noqa: S105 - a placeholder
# With Tracing: Active, Lambda hands every invocation a trace header; Powertools' logger copies it into each line.
TRACE_ID = "Root=1-67a0c0de-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1"


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_dir: Path
    handler: str  # "app.lambda_handler"
    memory_mb: int
    layer_dirs: tuple[Path, ...]
    template_env: Mapping[str, str]  # Globals + the function's Environment, placeholders for deploy-time values
    method: str | None  # its first Api route (None for the authorizer)
    path: str | None

    @property
    def module_file(self) -> Path:
        module = self.handler.rsplit(".", 1)[0]
        return self.code_dir.joinpath(*module.split(".")).with_suffix(".py")

    def lambda_env(self, home: Path | None = None) -> dict[str, str]:
        """The process environment of a fresh Lambda sandbox for this function (fake credentials, no config files)."""
        home = home or _empty_home()
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "ASIABENCHBENCHBENCH0",
            "AWS_SECRET_ACCESS_KEY": "bench-secret-key",
            "AWS_SESSION_TOKEN": "bench-session-token",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_FUNCTION_NAME": f"waiter-dev-{self.logical_id}",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/waiter-dev-{self.logical_id}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
            "_X_AMZN_TRACE_ID": TRACE_ID,
            "LAMBDA_TASK_ROOT": str(self.code_dir),
            "_HANDLER": self.handler,
            **self.template_env,
        }


@cache
def _empty_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


def baseline_env() -> dict[str, str]:
    """The yardstick's environment: a Lambda sandbox's, without any function's variables."""
    env = next(iter(functions().values())).lambda_env()
    return {k: v for k, v in env.items() if k.startswith(("AWS_", "PATH", "LANG", "TZ", "HOME", "_X_AMZN"))}


@cache
def functions() -> dict[str, Function]:
    """Every ``AWS::Serverless::Function`` of template.yaml, by logical id, in template order."""
    from local import template as tpl  # noqa: PLC0415 - cfn-lint's decoder is slow to import
    from local.gateway.intrinsics import Resolver, pseudo_parameters  # noqa: PLC0415

    template = tpl.load_template()
    resolver = Resolver(
        parameters={**tpl.parameter_defaults(template), **pseudo_parameters("waiter-bench")},
        conditions=template.get("Conditions") or {},
        ref=lambda name: f"bench-{name}",
        get_att=lambda name, attribute: f"bench-{name}-{attribute}",
        dynamic=lambda _service, _key: PLACEHOLDER_SECRET,
    )
    routes: dict[str, tuple[str, str]] = {}
    for route in tpl.api_routes(template):
        routes.setdefault(route.function, (route.method, route.path))
    found: dict[str, Function] = {}
    for logical_id in tpl.resources_of_type("AWS::Serverless::Function", template):
        props = tpl.function_properties(logical_id, template)
        variables = resolver.resolve((props.get("Environment") or {}).get("Variables") or {})
        method, path = routes.get(logical_id, (None, None))
        found[logical_id] = Function(
            logical_id=logical_id,
            code_dir=(ROOT / str(props["CodeUri"])).resolve(),
            handler=str(props["Handler"]),
            memory_mb=int(props.get("MemorySize", 128)),
            layer_dirs=tuple(_layer_dirs(template, props.get("Layers") or [])),
            template_env={str(k): _text(v) for k, v in variables.items()},
            method=method,
            path=path,
        )
    return found


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _layer_dirs(template: dict[str, Any], layers: list[Any]) -> list[Path]:
    """Import roots of the template's own layers (``ContentUri``, or its ``python/`` folder when it has one)."""
    resources = template.get("Resources") or {}
    dirs = []
    for layer in layers:
        logical_id = layer.get("Ref") if isinstance(layer, dict) else None
        resource = resources.get(logical_id) if logical_id else None
        if resource is None or resource.get("Type") != "AWS::Serverless::LayerVersion":
            continue
        content = (ROOT / str(resource["Properties"]["ContentUri"])).resolve()
        dirs.append(content / "python" if (content / "python").is_dir() else content)
    return dirs
