"""``python -m local.gateway``: serve template.yaml's REST API on http://127.0.0.1:3000 with demo data (``make dev``).

Edits to a function or to the layer take effect on the next request; edits to template.yaml (routes, environment,
resources) need a restart. Ctrl-C stops the server and moto.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from local.gateway.boot import Local, add_arguments, start_local, start_options
from local.gateway.mail import MAIL_PATH
from local.gateway.server import LocalApi
from local.gateway.sources import EventSources
from local.template import resources_of_type

log = logging.getLogger("local.gateway")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on; 0 picks a free one")
    parser.add_argument("--no-reload", action="store_true", help="do not re-import edited code")
    parser.add_argument(
        "--no-event-sources", action="store_true", help="do not run the stream, queue and schedule event sources"
    )
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
    sources = EventSources() if args.no_event_sources else EventSources.start(local)
    print(banner(api, local, reload=not args.no_reload, sources=sources), flush=True)
    try:
        api.run()
    except KeyboardInterrupt:
        pass  # uvicorn has shut down gracefully and re-raised the signal
    finally:
        sources.stop()
        api.stop()
        print("stopped", flush=True)
    return _exit_despite_runaway_handlers(local, 0)


def banner(api: LocalApi, local: Local, *, reload: bool, sources: EventSources | None = None) -> str:
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
        f"  SOAP (POS)   {url}/v1/soap/pos  (WSDL: {url}/v1/soap/pos?wsdl, with the partner key)",
        f"  moto         {local.moto.endpoint_url}  (tables: {', '.join(tables) or 'none'})",
    ]
    if sources is not None and sources.sources:
        lines.append(f"  Sent mail    {url}{MAIL_PATH}")
        lines.append("Event sources (one log line per delivery):")
        lines += sources.banner_lines()
    if local.seeded:
        lines.append("Demo restaurants:")
        lines += [f"  {r.id}  {r.name} ({r.city}; {', '.join(r.cuisines)})" for r in local.seeded]
    if local.accounts:
        lines.append(f"Demo accounts (password {local.accounts[0].password}):")
        names = {r.id: r.name for r in local.seeded}
        for account in local.accounts:
            scope = "".join(f" of {names.get(r, r)} ({r})" for r in account.restaurants)
            lines.append(f"  {account.email:<22} {account.group}{scope}")
    if local.api_key:
        lines.append(f"Demo partner API key (POS of restaurant {local.api_key.restaurant_id}):")
        lines.append(f"  X-Api-Key: {local.api_key.key}")
    if local.seeded:
        lines += [
            "Try:",
            f"  curl '{url}/v1/restaurants?city=Berlin&limit=2'",
            f"  curl {url}/v1/restaurants/{local.seeded[0].id}/menu",
        ]
    if local.accounts:
        customer = local.accounts[0]
        login = json.dumps({"email": customer.email, "password": customer.password})
        lines += [
            f"  TOKEN=$(curl -s {url}/v1/auth/login -H 'Content-Type: application/json' -d '{login}' \\",
            "      | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"idToken\"])')",
            f'  curl {url}/v1/me -H "Authorization: Bearer $TOKEN"',
        ]
    if local.api_key:
        key = local.api_key.key
        lines.append(f"  curl {url}/v1/partner/orders -H 'X-Api-Key: {key}'")
        lines.append(f"  curl '{url}/v1/soap/pos?wsdl' -H 'X-Api-Key: {key}'")
        lines += [
            f"  curl {url}/v1/soap/pos -H 'X-Api-Key: {key}' -H 'Content-Type: text/xml' \\",
            f"      -H 'SOAPAction: \"{SOAP_NAMESPACE}/ListOrders\"' -d '{soap_list_orders()}'",
        ]
    lines.append("Ctrl-C stops.")
    return "\n".join(lines)


SOAP_NAMESPACE = "https://waiter.dev/soap/pos/v1"  # waiter.adapters.soap.pos.NAMESPACE


def soap_list_orders() -> str:
    """A SOAP 1.1 envelope calling ListOrders for the placed orders (the banner's copy-paste example)."""
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:pos="{SOAP_NAMESPACE}"><soap:Body><pos:ListOrders><pos:status>PLACED</pos:status>'
        "</pos:ListOrders></soap:Body></soap:Envelope>"
    )


def _exit_despite_runaway_handlers(local: Local, code: int) -> int:
    """Leave at once once everything is stopped: a handler that overran its timeout may still be running (its
    thread must not keep the process alive), and the interpreter's own clean-up of moto's and botocore's module
    state takes seconds (every test gateway would pay them)."""
    if local.runtime.running:
        log.warning("%d timed-out handler(s) still running; exiting anyway", local.runtime.running)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(main())
