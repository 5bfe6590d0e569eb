"""``python -m local.gateway``: serve template.yaml's REST API on http://127.0.0.1:3000 with demo data (``make dev``).

Edits to a function or to the layer take effect on the next request; edits to template.yaml (routes, environment,
resources) need a restart. Ctrl-C stops the server and moto.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from local.gateway.boot import Local, add_arguments, start_local, start_options
from local.gateway.server import LocalApi
from local.template import resources_of_type

log = logging.getLogger("local.gateway")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on; 0 picks a free one")
    parser.add_argument("--no-reload", action="store_true", help="do not re-import edited code")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)  # the gateway's own lines (one per request); libraries only warn

    local = start_local(**start_options(args), hot_reload=not args.no_reload)
    try:
        api = LocalApi(local, args.host, args.port)
    except OSError as error:
        local.close()
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    print(banner(api, local, reload=not args.no_reload), flush=True)
    try:
        api.run()
    except KeyboardInterrupt:
        pass  # uvicorn has shut down gracefully and re-raised the signal
    finally:
        api.stop()
        print("stopped", flush=True)
    return _exit_despite_runaway_handlers(local, 0)


def banner(api: LocalApi, local: Local, *, reload: bool) -> str:
    """What is being served, where, and how to try it."""
    url = api.url
    tables = [
        local.stack.provisioned[name].ref for name in resources_of_type("AWS::DynamoDB::Table", local.stack.template)
    ]
    lines = [
        f"Waiter local gateway listening on {url}",
        f"  API base     {url}  ({len(api.gateway.api.routes)} routes, hot reload {'on' if reload else 'off'})",
        f"  Swagger UI   {url}/v1/docs",
        f"  OpenAPI      {url}/v1/openapi.json",
        f"  moto         {local.moto.endpoint_url}  (tables: {', '.join(tables) or 'none'})",
    ]
    if local.seeded:
        lines.append("Demo restaurants:")
        lines += [f"  {r.id}  {r.name} ({r.city}; {', '.join(r.cuisines)})" for r in local.seeded]
        lines += [
            "Try:",
            f"  curl '{url}/v1/restaurants?city=Berlin&limit=2'",
            f"  curl {url}/v1/restaurants/{local.seeded[0].id}/menu",
        ]
    lines.append("Ctrl-C stops.")
    return "\n".join(lines)


def _exit_despite_runaway_handlers(local: Local, code: int) -> int:
    """A handler that overran its timeout may still be running; its thread must not keep the process alive."""
    if local.runtime.running:
        log.warning("%d timed-out handler(s) still running; exiting anyway", local.runtime.running)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
