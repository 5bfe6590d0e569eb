"""``python -m bench.counted_gateway [gateway flags]``: the local gateway (``python -m local.gateway``), printing one
``aws-call <function> <service> <operation>`` line for every AWS call a function named in ``BENCH_COUNT_FUNCTIONS``
makes, so the push-latency bench counts the calls of a push instead of assuming them.

Only calls from the runtime's handler threads (``lambda_*``) are counted: the gateway's own pollers call AWS too.
Handlers run one at a time with their function's environment in force, so the function is the one named by
``AWS_LAMBDA_FUNCTION_NAME`` at the moment of the call.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from botocore.client import BaseClient

from local.gateway.__main__ import main as gateway


def install(functions: frozenset[str]) -> None:
    original = BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's private method, not in its stubs

    def counted(self: Any, operation_name: str, api_params: Any) -> Any:
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        if function in functions and threading.current_thread().name.startswith("lambda"):
            service = self.meta.service_model.service_name
            sys.stdout.write(f"aws-call {function} {service} {operation_name}\n")
            sys.stdout.flush()
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counted  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    install(frozenset(filter(None, os.environ.get("BENCH_COUNT_FUNCTIONS", "").split(","))))
    return gateway(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
