"""``python -m local.fuzz`` (``make fuzz``): Schemathesis against the local gateway with the committed openapi.json.

One gateway on a free port, the demo accounts signed in once each (the gateway counts 30 failed sign-ins per IP per
15 minutes: the fuzzer's wrong passwords for ``DELETE /v1/me`` are some), then one Schemathesis run per caller,
each with a fixed seed and a bounded number of examples:

- ``customer``: every operation, as the demo customer (Bearer) and the demo partner key (``X-Api-Key``);
- ``staff``: every operation behind the Cognito authorizer, as the demo staff;
- ``anonymous``: the public operations, with no credentials.

The checks are ``CHECKS``: no 5xx; every response's status, media type, headers and body as the document says;
invalid input refused with a 4xx; no operation that declares auth answering 2xx without it. What they find gets
fixed in the code or the document, not excluded.

The gateway runs with the partner usage plan raised (``GATEWAY_PARAMETERS``): at the template's defaults (10 rps,
burst 20, 10,000 a day) most partner requests of a fuzz run would be the usage plan's 429, and the run would test
the throttle (which tests/local/test_usage_plans.py and the e2e tests cover) instead of the partner routes. The
application's own rate limits (sign-in, password reset, sign-up, checkout: ``waiter.ratelimit``) stay as they
are; their 429 is documented on those routes.

Reports land in ``reports/fuzz/<caller>/`` (JUnit XML); every distinct error body seen is written to
``reports/fuzz/error-bodies.json`` and must not reveal internals (``leaks``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from local.gateway import spawn
from local.seed import DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.json"
REPORTS = ROOT / "reports" / "fuzz"

CHECKS = (
    # no 5xx, documented bodies hold, invalid input refused, declared auth enforced
    "not_a_server_error",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    # every status, media type and documented header is one the document names
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)
# examples: the document has none, so it is instant; coverage: boundary and invalid values of every parameter,
# deterministic; fuzzing: random valid and invalid requests. No stateful phase: the document declares no links.
PHASES = "examples,coverage,fuzzing"
SEED = 20_251_125
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
TABLES = re.compile(r"\(tables: ([^)]*)\)")  # the banner's moto line names the tables
GATEWAY_PARAMETERS = ("PartnerRateLimit=100000", "PartnerBurstLimit=100000", "PartnerDailyQuota=100000000")


@dataclass(frozen=True)
class Caller:
    name: str
    email: str | None  # None: no credentials
    include_by: str | None  # a Schemathesis --include-by expression; None: every operation
    max_examples: int


# About 4 minutes in all on 2 cores (CI's machine): the examples per operation bound it, whatever the machine.
CALLERS = (
    Caller("customer", DEMO_CUSTOMER.email, None, 200),
    Caller("staff", DEMO_STAFF.email, "/security/0/cognito == []", 200),
    Caller("anonymous", None, "/security == []", 300),
)

# What no error body may contain: a traceback or a stack frame, an AWS resource name, the SDK's name.
LEAK_PATTERNS = (
    re.compile(r"Traceback"),
    re.compile(r'File "'),
    re.compile(r"arn:aws"),
    re.compile(r"botocore"),
    re.compile(r"\bline \d+"),
)


def leaks(body: str, table_names: Iterable[str] = ()) -> list[str]:
    """What ``body`` reveals that it must not: each leak pattern found, and any of ``table_names``.

    >>> leaks('{"detail": "no such restaurant"}', ["waiter-local-Table"])
    []
    >>> leaks('Traceback (most recent call last): File "/var/task/app.py", line 3', ["waiter-local-Table"])
    ['Traceback', 'File "', '\\\\bline \\\\d+']
    >>> leaks("table waiter-local-Table not found", ["waiter-local-Table"])
    ['waiter-local-Table']
    """
    found = [pattern.pattern for pattern in LEAK_PATTERNS if pattern.search(body)]
    return found + [name for name in table_names if name and name in body]


# ---- one run ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Ids that exist in the gateway's demo data. The fuzzer draws path and body ids from them half the time, so
    requests also get past "no such restaurant" to the routes' own rules; staff get the restaurants they staff."""

    restaurant_ids: list[str]
    menu_item_ids: list[str]

    @classmethod
    def read(cls, api: httpx.Client, token: str | None) -> Known:
        restaurants = [str(r["id"]) for r in api.get("/v1/restaurants", params={"limit": 100}).json()["items"]]
        items = [
            str(item["id"])
            for restaurant_id in restaurants
            for category in api.get(f"/v1/restaurants/{restaurant_id}/menu").json()["categories"]
            for item in category["items"]
        ]
        if token is not None:
            me = api.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
            restaurants = [str(r) for r in me["restaurants"]] or restaurants
        return cls(restaurants, items)


def config(caller: Caller, known: Known) -> str:
    """The Schemathesis configuration of one run. Credentials are ``${...}`` references to the environment, so no
    token is written to disk."""
    lines = []
    if caller.email is not None:
        lines += [
            "[auth.openapi.cognito]",
            'bearer = "${WAITER_FUZZ_TOKEN}"',
            "[auth.openapi.partnerKey]",
            'api_key = "${WAITER_FUZZ_PARTNER_KEY}"',
        ]
    # Schemathesis' default statuses for refused invalid data, plus 413: an over-long value can make the body
    # larger than the API's limit, which refuses it before it is even parsed.
    lines += [
        "[checks.negative_data_rejection]",
        f"expected-statuses = {json.dumps(REFUSALS)}",
    ]
    lines += [
        "[dictionaries.restaurants]",
        f"values = {json.dumps(known.restaurant_ids)}",
        "[dictionaries.menuItems]",
        f"values = {json.dumps(known.menu_item_ids)}",
    ]
    for parameter, dictionary in (
        ("path.restaurantId", "restaurants"),
        ("body.restaurantId", "restaurants"),
        ("body.menuItemId", "menuItems"),
    ):
        lines += [f'[parameters."{parameter}"]', f'dictionary = "{dictionary}"', "probability = 0.5"]
    return "\n".join(lines) + "\n"


def run(caller: Caller, url: str, known: Known, env: dict[str, str], *, examples_scale: float = 1.0) -> bool:
    """One Schemathesis run; True when it found nothing. Its output goes to the console as it comes."""
    out = REPORTS / caller.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "schemathesis.toml").write_text(config(caller, known), encoding="utf-8")
    examples = max(1, round(caller.max_examples * examples_scale))
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(out / "schemathesis.toml"),
        "run",
        str(SPEC),
        "--url",
        url,
        "--checks",
        ",".join(CHECKS),
        "--phases",
        PHASES,
        "--seed",
        str(SEED),
        "--max-examples",
        str(examples),
        "--generation-database",
        "none",  # the same requests every run, whatever ran before on this machine
        "--report",
        "junit,har",
        "--report-dir",
        str(out),
        "--no-color",
        *(["--include-by", caller.include_by] if caller.include_by else []),
    ]
    print(f"\n==> fuzz as {caller.name} ({examples} examples per operation)", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=out, env=env, check=False)  # noqa: S603 - our interpreter's schemathesis
    verdict = "passed" if done.returncode == 0 else "FAILED"
    print(f"==> fuzz as {caller.name}: {verdict} in {time.monotonic() - started:.0f} s", flush=True)
    return done.returncode == 0


# ---- the error bodies -----------------------------------------------------------------------------------------


def error_bodies(har_files: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Every distinct non-2xx body in the HAR files, with the first request that got it."""
    found: dict[str, dict[str, Any]] = {}
    for har in har_files:
        for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
            response = entry["response"]
            if 200 <= response["status"] < 300:
                continue
            text = str(response.get("content", {}).get("text") or "")
            skeleton = re.sub(r'"requestId": "[^"]*"', "", text)
            found.setdefault(
                skeleton,
                {
                    "status": response["status"],
                    "request": f"{entry['request']['method']} {entry['request']['url']}",
                    "body": text,
                },
            )
    return found


def check_error_bodies(table_names: Sequence[str]) -> bool:
    """Collect the runs' error bodies into ``error-bodies.json`` (the HAR files, large, are removed) and check
    that none reveals internals."""
    hars = sorted(REPORTS.glob("*/har-*.json"))
    bodies = list(error_bodies(hars).values())
    for har in hars:
        har.unlink()
    (REPORTS / "error-bodies.json").write_text(json.dumps(bodies, indent=1) + "\n", encoding="utf-8")
    leaking = [(b, leaks(b["body"], table_names)) for b in bodies if leaks(b["body"], table_names)]
    for body, found in leaking:
        print(f"LEAK {found}: {body['status']} for {body['request']}: {body['body'][:300]}", file=sys.stderr)
    print(
        f"==> {len(bodies)} distinct error bodies, {len(leaking)} revealing internals (reports/fuzz/error-bodies.json)"
    )
    return not leaking


# ---- all of it ------------------------------------------------------------------------------------------------


def sign_in(api: httpx.Client, email: str) -> str:
    response = api.post("/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    response.raise_for_status()
    return str(response.json()["idToken"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=[c.name for c in CALLERS], action="append", help="run only these callers")
    parser.add_argument(
        "--examples-scale", type=float, default=1.0, help="multiply each caller's examples per operation (default 1)"
    )
    args = parser.parse_args(argv)
    callers = [c for c in CALLERS if not args.only or c.name in args.only]
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)

    started = time.monotonic()
    banner: list[str] = []
    # The HTTP contract is what is fuzzed: the event sources (stream, queues, schedules; tests/e2e/test_event_chain.py)
    # would only take turns with the fuzzer's requests in the gateway's one-at-a-time runtime.
    url, stop = spawn(
        port=0, args=["--no-reload", "--no-event-sources", "--parameter-overrides", *GATEWAY_PARAMETERS], banner=banner
    )
    try:
        partner_key = next(line.split("X-Api-Key:", 1)[1].strip() for line in banner if "X-Api-Key: wtr_" in line)
        table_names = [t.strip() for line in banner for found in TABLES.findall(line) for t in found.split(",")]
        with httpx.Client(base_url=url, timeout=30) as api:
            tokens = {c.name: sign_in(api, c.email) for c in callers if c.email is not None}
            known = {c.name: Known.read(api, tokens.get(c.name)) for c in callers}
        results = []
        for caller in callers:
            env = {
                **os.environ,
                "WAITER_FUZZ_TOKEN": tokens.get(caller.name, ""),
                "WAITER_FUZZ_PARTNER_KEY": partner_key,
            }
            results.append(run(caller, url, known[caller.name], env, examples_scale=args.examples_scale))
    finally:
        stop()
    results.append(check_error_bodies(table_names))
    print(f"==> fuzz {'passed' if all(results) else 'FAILED'} in {time.monotonic() - started:.0f} s")
    # A plain closing line (one per caller's run, plus the error-body check), so a CI log reader that looks for a
    # test runner's last line sees this one and not Schemathesis' pytest-like summary of the last run.
    print(f"fuzz: {sum(results)} passed, {len(results) - sum(results)} failed", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
