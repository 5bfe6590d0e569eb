"""``python -m local.invoke <LogicalId> <event.json>``: run one function once, like ``sam local invoke`` without
Docker (``make invoke FN=... EVENT=...``).

The function runs in-process against an embedded moto holding the template's resources and the demo data
(``--no-seed`` for empty ones), with the environment the template gives it. The result is printed as JSON on
stdout; everything else (the handler's logs, the set-up) goes to stderr, so the output can be piped. The exit
status is 1 when the handler raises or times out. ``-`` reads the event from stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from local.gateway.boot import Local, add_arguments, start_local, start_options
from local.gateway.functions import LambdaFunction
from local.gateway.management_api import serving_alone
from local.gateway.runtime import Outcome, Raised, Returned, TimedOut
from local.template import load_template, resources_of_type


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.invoke", description=__doc__.splitlines()[0])
    parser.add_argument("function", help="the function's logical id in the template, e.g. ListRestaurantsFunction")
    parser.add_argument("event", help="a JSON event file, or - for stdin")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    known = resources_of_type("AWS::Serverless::Function", load_template(args.template.resolve()))
    if args.function not in known:
        parser.error(f"{args.function} is not a function of {args.template} (functions: {', '.join(sorted(known))})")
    event = json.loads(sys.stdin.read() if args.event == "-" else Path(args.event).read_text(encoding="utf-8"))
    with _stdout_to_stderr() as result_stream:
        local = start_local(**start_options(args), hot_reload=False)
        try:
            function = local.functions[args.function]
            outcome = asyncio.run(_invoke(local, function, event))
        finally:
            local.close()
        code = _report(outcome, function, result_stream)
    if local.runtime.running:  # a handler that timed out may never end; it must not keep the process alive
        sys.stdout.flush()
        os._exit(code)
    return code


async def _invoke(local: Local, function: LambdaFunction, event: Any) -> Outcome:
    async with serving_alone(local.management_socket):  # a live notifier's posts: 410, no client is connected
        return await local.runtime.invoke(function, event)


def _report(outcome: Outcome, function: LambdaFunction, out: TextIO) -> int:
    """Print the result as the Lambda service returns it: the value, or the error document on failure."""
    match outcome:
        case Returned(value):
            out.write(json.dumps(value, indent=2, default=str) + "\n")
            return 0
        case Raised(error, trace):
            print(trace, file=sys.stderr)
            out.write(json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}) + "\n")
            return 1
        case TimedOut():
            message = f"Task timed out after {function.timeout_s:.2f} seconds"
            out.write(json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"}) + "\n")
            return 1


@contextmanager
def _stdout_to_stderr() -> Iterator[TextIO]:
    """Send everything written to stdout (file descriptor 1: handler logs, metrics) to stderr; yield the real
    stdout for the result."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with os.fdopen(os.dup(saved), "w", encoding="utf-8") as real_stdout:
            yield real_stdout
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


if __name__ == "__main__":
    raise SystemExit(main())
