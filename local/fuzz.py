"""``python -m local.fuzz`` (``make fuzz``): Schemathesis against the local gateway with the committed openapi.json.

One gateway on a free port, the demo accounts signed in once each (the gateway counts 30 failed sign-ins per IP per
15 minutes: the fuzzer's wrong passwords for ``DELETE /v1/me`` are some), then one Schemathesis run per caller,
each over the operations that caller may use (``Caller.covers``, from each operation's tags and security in the
document), with a fixed seed and a bounded number of examples:

- ``customer``: carts, orders and the profile as the demo customer (Bearer), the partner routes with the demo
  partner key (``X-Api-Key``);
- ``staff``: menus, discounts, the kitchen and API keys, as the demo staff of the first restaurant;
- ``anonymous``: the public operations, with no credentials;
- ``admin``: what only an admin may do (create and deactivate restaurants, assign and remove staff), last, as it
  deactivates demo restaurants the other runs read.

An operation no caller may ever succeed at would only ever be refused, which says nothing about the contract:
every operation of the document is in one run (``check_coverage``), and the authorization matrix (who is refused
where) is tests/e2e/test_auth_matrix.py's.

Each run has every phase: examples, coverage, fuzzing and the stateful phase, which follows the document's links
(generated from what each handler says it creates) from the operations that create things to those that use them.
Before the runs, the demo customer fills a cart and places orders, and the demo staff makes an API key and a
discount code, through the API (``Known.prepare``); their ids are the runs' dictionaries, drawn half the time for
the parameters that take them, so requests also get past "no such order" to the routes' own rules. The operations
that use things up (``CONSUMING``) draw no ids from the run's responses, so none reaches another's cart or order.

The checks are ``CHECKS``: no 5xx; every response's status, media type, headers and body as the document says;
invalid input refused with a 4xx; no operation that declares auth answering 2xx without it. Two of Schemathesis'
warnings fail the run too (``FAILING_WARNINGS``): "schema validation mismatch" (valid data by the document, refused
by the API: the document does not say what the API enforces) and "missing test data" (an operation that only ever
answered 404). What they find gets fixed in the code or the document, not excluded.

The gateway runs with the partner usage plan raised (``GATEWAY_PARAMETERS``): at the template's defaults (10 rps,
burst 20, 10,000 a day) most partner requests of a fuzz run would be the usage plan's 429, and the run would test
the throttle (which tests/local/test_usage_plans.py and the e2e tests cover) instead of the partner routes. The
application's own rate limits (sign-in, password reset, sign-up, checkout: ``waiter.ratelimit``) stay as they
are; their 429 is documented on those routes.

Reports land in ``reports/fuzz/<caller>/`` (JUnit XML); every distinct error body seen is written to
``reports/fuzz/error-bodies.json`` and must not reveal internals (``leaks``); the gateway's own log (a handler's
traceback behind a 5xx, a timeout) is ``reports/fuzz/gateway.log``.
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
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from local.gateway import spawn
from local.seed import DEMO_ADMIN, DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF

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
# deterministic; fuzzing: random valid and invalid requests; stateful: sequences along the document's links.
PHASES = "examples,coverage,fuzzing,stateful"
# Warnings that say the document and the API disagree, or that a run never reached an operation's rules.
FAILING_WARNINGS = ("validation_mismatch", "missing_test_data")
SEED = 20_251_125
# Two requests in flight: the gateway runs one handler at a time, but while it serves one request Schemathesis
# generates the next (hypothesis is most of the client's time): on two cores the two overlap.
WORKERS = 2

# The operations whose every valid request of a phase may rightly be refused, and why. Each is run with its warnings
# off (``[[operations]] warnings = false``): Schemathesis 4.32 reads an operation's own ``warnings`` to decide
# whether to look, but the project's ``fail-on`` to decide whether a warning fails the run, so switching off one
# warning for one operation is not possible, only all of them for that operation. Every other check still runs on
# these operations (no 5xx, the documented statuses and bodies, invalid input refused). See docs/api-contract.md.
EXPECTED_REFUSALS: dict[str, str] = {
    "confirmSignUp": "the local stack confirms a sign-up at once, so every code is of an account already confirmed "
    "(or unknown): 400 'is wrong or has expired'",
    "createMenuItem": "an option group's minChoices must not exceed its maxChoices nor its number of choices, and "
    "group and choice ids are unique: comparisons of two values, which JSON Schema cannot state",
    "updateMenuItem": "the same option-group rules as createMenuItem",
    "createDiscount": "validFrom must be before validUntil: a comparison of two values, which JSON Schema cannot state",
    "checkout": "the tip is at most the cart's subtotal: a bound that depends on the stored cart, not the request",
    "paymentWebhook": "the provider signs each event (Stripe-Signature: an HMAC of the timestamp and the raw body with "
    "the endpoint's secret, within 300 s): no request built from the document carries a valid one, so every body is "
    "400 (tests/handlers and tests/e2e send signed events)",
    "resetPassword": "the code is the one e-mailed (in the local stack, printed in the gateway's log): no request "
    "built from the document can know it, so every code is 400 'is wrong or has expired'",
}
# The operations that use up what they act on (a cart emptied, checked out or losing its lines; an order cancelled or
# moved on; an item, key, restaurant, membership or account deleted). Each draws ids only from its own dictionaries
# (``Known``) and from random values, never from what the run's responses showed (Schemathesis' extra data source,
# on by default): with it, emptyCart once emptied the cart that only updateCartItem draws, an id it had seen in an
# answer, and updateCartItem then only ever answered 404 ("missing test data"). Whether that happened
# depended on the order in which the two workers reached the operations, so the gate failed on some runs only.
CONSUMING = frozenset(
    {
        "emptyCart",
        "removeCartItem",
        "checkout",
        "cancelOrder",
        "transitionOrder",
        "partnerTransitionOrder",
        "deleteMenuItem",
        "revokeApiKey",
        "deleteRestaurant",
        "removeStaff",
        "deleteMe",
    }
)
DATA_PHASES = ("examples", "coverage", "fuzzing")  # the phases that can draw values from responses
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
TABLES = re.compile(r"\(tables: ([^)]*)\)")  # the banner's moto line names the tables
# what the gateway logs when a handler fails or runs out of time (local/gateway/server.py, runtime.py)
GATEWAY_TROUBLE = re.compile(r"timed out after|returned a malformed proxy response| failed: ")
GATEWAY_PARAMETERS = ("PartnerRateLimit=100000", "PartnerBurstLimit=100000", "PartnerDailyQuota=100000000")

# What only an admin may do (``waiter.catalog.service``, ``waiter.accounts.service``): staff are refused these.
ADMIN_OPERATIONS = frozenset({"createRestaurant", "deleteRestaurant", "assignStaff", "removeStaff"})
CUSTOMER_TAGS = frozenset({"Auth", "Carts", "Orders", "Payments"})
STAFF_TAGS = frozenset({"Catalog management", "Kitchen", "Partners"})


def _schemes(operation: dict[str, Any]) -> set[str]:
    return {scheme for requirement in operation.get("security", []) for scheme in requirement}


@dataclass(frozen=True)
class Caller:
    name: str
    email: str | None  # None: no credentials
    max_examples: int

    def covers(self, operation: dict[str, Any]) -> bool:
        """Whether this caller's run includes ``operation`` (one of the document's)."""
        schemes, tags = _schemes(operation), set(operation.get("tags", []))
        admin_only = operation["operationId"] in ADMIN_OPERATIONS
        match self.name:
            case "anonymous":
                return not schemes
            case "customer":
                return "partnerKey" in schemes or ("cognito" in schemes and bool(tags & CUSTOMER_TAGS))
            case "staff":
                return "cognito" in schemes and bool(tags & STAFF_TAGS) and not admin_only
            case _:
                return "cognito" in schemes and admin_only


# The examples per operation bound a run's length whatever the machine (the coverage phase excepted); figures in
# docs/api-contract.md.
CALLERS = (
    Caller("customer", DEMO_CUSTOMER.email, 50),
    Caller("staff", DEMO_STAFF.email, 50),
    Caller("anonymous", None, 75),
    Caller("admin", DEMO_ADMIN.email, 50),
)


def check_coverage(spec: dict[str, Any], callers: Sequence[Caller] = CALLERS) -> list[str]:
    """The operations of ``spec`` no caller's run covers (each must be in one, or nothing fuzzes it).

    >>> check_coverage({"paths": {"/v1/me": {"get": {"operationId": "getMe", "tags": ["Auth"],
    ...     "security": [{"cognito": []}]}}, "/v1/x": {"get": {"operationId": "x", "security": [{"cognito": []}]}}}})
    ['x']
    """
    return [
        operation["operationId"]
        for path_item in spec["paths"].values()
        for operation in path_item.values()
        if not any(caller.covers(operation) for caller in callers)
    ]


def operations_of(caller: Caller, spec: dict[str, Any]) -> list[str]:
    return sorted(
        operation["operationId"]
        for path_item in spec["paths"].values()
        for operation in path_item.values()
        if caller.covers(operation)
    )


# What no error body may contain: a traceback or a stack frame, an AWS resource name, the SDK's name.
LEAK_PATTERNS = (
    re.compile(r"Traceback"),
    re.compile(r'File "'),
    re.compile(r"arn:aws"),
    re.compile(r"botocore"),
    re.compile(r'", line \d+'),  # a stack frame's line (not "line 4b72... is not in this cart": cart lines)
)


def leaks(body: str, table_names: Iterable[str] = ()) -> list[str]:
    """What ``body`` reveals that it must not: each leak pattern found, and any of ``table_names``.

    >>> leaks('{"detail": "no such restaurant"}', ["waiter-local-Table"])
    []
    >>> leaks('Traceback (most recent call last): File "/var/task/app.py", line 3', ["waiter-local-Table"])
    ['Traceback', 'File "', '", line \\\\d+']
    >>> leaks('{"detail": "line 537147839578 is not in this cart"}')
    []
    >>> leaks("table waiter-local-Table not found", ["waiter-local-Table"])
    ['waiter-local-Table']
    """
    found = [pattern.pattern for pattern in LEAK_PATTERNS if pattern.search(body)]
    return found + [name for name in table_names if name and name in body]


# ---- one run ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Ids that exist in the gateway's data, by the parameter that takes them (``path.orderId``, ``body.code``).
    The fuzzer draws those parameters from them half the time, so requests also get past "no such restaurant" to
    the routes' own rules; staff get the restaurants they staff."""

    ids: dict[str, list[str]]
    # ids only one operation draws, by its operation id (an account's e-mail for confirmSignUp, say)
    by_operation: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def prepare(cls, api: httpx.Client, tokens: dict[str, str]) -> dict[str, Known]:
        """What each caller's run draws from: the demo data as it is, plus what the demo customer and staff make
        through the API now (cart lines, orders, an API key, a discount code) at the staff's restaurant."""
        listed = api.get("/v1/restaurants", params={"limit": 100}).json()["items"]
        restaurants = [str(r["id"]) for r in listed]
        open_now = [str(r["id"]) for r in listed if r.get("openNow") and r.get("acceptingOrders", True)]
        menus = {r: api.get(f"/v1/restaurants/{r}/menu").json() for r in restaurants}
        items = [str(i["id"]) for menu in menus.values() for c in menu["categories"] for i in c["items"]]
        staff = _as(tokens["staff"])
        staff_me = api.get("/v1/me", headers=staff).json()
        home = str(staff_me["restaurants"][0])
        home_items = [str(i["id"]) for c in menus[home]["categories"] for i in c["items"]]
        customer = _as(tokens["customer"])
        orders = [str(_place_order(api, customer, home, menus[home])["id"]) for _ in range(3)]
        lines = [_add_line(api, customer, home, menus[home], n) for n in range(3)]
        # A cart is one per customer and restaurant, and some operations use it up (emptying it, checking it out,
        # removing its lines; the examples and coverage phases empty the example restaurant's, ``home``): each of
        # those and each that needs a line to change gets a cart of its own at another restaurant, which no other
        # operation draws (else they only ever answer 404 "you have no cart here": "missing test data").
        consumed = next(r for r in open_now if r != home)  # checked out: open now
        # lines removed, lines changed, emptied (a cart needs no open restaurant)
        spare, kept, emptied = [r for r in restaurants if r not in (home, consumed)][:3]
        spare_lines = [_add_line(api, customer, spare, menus[spare], n) for n in range(3)]
        kept_lines = [_add_line(api, customer, kept, menus[kept], n) for n in range(2)]
        for restaurant in (consumed, emptied):
            for n in range(2):
                _add_line(api, customer, restaurant, menus[restaurant], n)
        # Orders too: a cancelled or rejected order takes no more moves, so the customer's cancelling, the kitchen's
        # and the partner's moves each get orders of their own (the kitchen's and the partner's placed by another
        # customer: one customer may check out 10 times a minute).
        other = _as(sign_in(api, _sign_up(api)))
        own = {
            "removeCartItem": {"path.restaurantId": [spare], "path.lineId": spare_lines},
            "updateCartItem": {"path.restaurantId": [kept], "path.lineId": kept_lines},
            "emptyCart": {"path.restaurantId": [emptied]},
            "checkout": {"body.restaurantId": [consumed]},
            "cancelOrder": {
                "path.orderId": [str(_place_order(api, customer, home, menus[home])["id"]) for _ in range(3)]
            },
            # a payment is started for a card order awaiting it (a cash order's is a 409)
            "startPayment": {
                "path.orderId": [str(_place_order(api, customer, home, menus[home], "card")["id"]) for _ in range(2)]
            },
        }
        kitchen = {
            operation: {"path.orderId": [str(_place_order(api, other, home, menus[home])["id"]) for _ in range(4)]}
            for operation in ("transitionOrder", "partnerTransitionOrder")
        }
        key = api.post(f"/v1/restaurants/{home}/api-keys", json={"name": "fuzz"}, headers=staff)
        code = api.post(f"/v1/restaurants/{home}/discounts", json=_discount(), headers=staff)
        for made in (key, code):
            made.raise_for_status()
        shared = {
            "path.restaurantId": restaurants,
            "body.restaurantId": restaurants,
            "body.menuItemId": items,
            "path.itemId": items,
            "path.orderId": orders,
            "path.lineId": lines,
            "path.keyId": [str(key.json()["id"])],
            "body.code": [str(code.json()["code"])],
            "path.userId": [str(staff_me["id"])],
        }
        # carts, orders, the key and the code are at ``home``: the signed-in callers draw it, and its items
        at_home = {**shared, "path.restaurantId": [home], "body.restaurantId": [home], "path.itemId": home_items}
        at_home["body.menuItemId"] = home_items
        return {
            "customer": cls(at_home, {**own, "partnerTransitionOrder": kitchen["partnerTransitionOrder"]}),
            "staff": cls(at_home, {"transitionOrder": kitchen["transitionOrder"]}),
            "anonymous": cls(
                {k: v for k, v in shared.items() if k in PUBLIC_IDS},
                {"confirmSignUp": {"body.email": [_sign_up(api)]}},
            ),
            # staff are assigned by the e-mail of an account that exists
            "admin": cls(shared, {"assignStaff": {"body.email": [DEMO_STAFF.email, DEMO_CUSTOMER.email]}}),
        }


PUBLIC_IDS = frozenset({"path.restaurantId", "path.itemId"})


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _add_line(api: httpx.Client, caller: dict[str, str], restaurant_id: str, menu: dict[str, Any], n: int) -> str:
    """Add the ``n``-th available item of ``menu`` (its required choices taken), enough of it to reach the minimum
    order; the id of its line."""
    item = [i for c in menu["categories"] for i in c["items"] if i["available"]][n]
    options = [
        {"groupId": g["id"], "choiceIds": [c["id"] for c in g["choices"][: g["minChoices"]]]}
        for g in item["optionGroups"]
        if g["minChoices"] > 0
    ]
    body = {"menuItemId": item["id"], "quantity": 20, "options": options}
    added = api.post(f"/v1/carts/{restaurant_id}/items", json=body, headers=caller)
    added.raise_for_status()
    return str(next(line["lineId"] for line in added.json()["lines"] if line["menuItemId"] == item["id"]))


def _place_order(
    api: httpx.Client, caller: dict[str, str], restaurant_id: str, menu: dict[str, Any], payment: str = "cash"
) -> Any:
    _add_line(api, caller, restaurant_id, menu, 0)
    cart = api.get(f"/v1/carts/{restaurant_id}", params={"fulfilment": "pickup"}, headers=caller)
    cart.raise_for_status()
    body = {
        "restaurantId": restaurant_id,
        "fulfilment": "pickup",
        "expectedTotal": cart.json()["total"],
        "paymentMethod": payment,
    }
    placed = api.post("/v1/orders", json=body, headers={**caller, "Idempotency-Key": uuid.uuid4().hex})
    placed.raise_for_status()
    return placed.json()


def _sign_up(api: httpx.Client) -> str:
    """A new account's e-mail, for sign-up confirmation to find. (The local stack confirms sign-ups at once, so
    confirming it still answers 400: see docs/api-contract.md.)"""
    email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": DEMO_PASSWORD, "name": "Fuzz"}
    api.post("/v1/auth/signup", json=body).raise_for_status()
    return email


def _discount() -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "code": "FUZZ-10",
        "kind": "percent",
        "percentBps": 1000,
        "validFrom": (now - timedelta(days=1)).isoformat(),
        "validUntil": (now + timedelta(days=30)).isoformat(),
        "oncePerCustomer": False,
    }


def config(caller: Caller, known: Known) -> str:
    """The Schemathesis configuration of one run. Credentials are ``${...}`` references to the environment, so no
    token is written to disk."""
    lines = [f"[warnings]\nfail-on = {json.dumps(list(FAILING_WARNINGS))}"]
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
    for parameter, values in sorted(known.ids.items()):
        lines += [f'[dictionaries."{parameter}"]', f"values = {json.dumps(values)}"]
    for parameter in sorted(known.ids):
        lines += [f'[parameters."{parameter}"]', f'dictionary = "{parameter}"', "probability = 0.5"]
    for operation in sorted(set(known.by_operation) | set(EXPECTED_REFUSALS) | CONSUMING):
        ids = known.by_operation.get(operation, {})
        for parameter, values in sorted(ids.items()):
            name = f"{operation}.{parameter}"
            lines += [f'[dictionaries."{name}"]', f"values = {json.dumps(values)}"]
        lines += ["[[operations]]", f'include-operation-id = "{operation}"']
        if operation in EXPECTED_REFUSALS:
            lines += ["warnings = false"]
        for parameter in sorted(ids):
            name = f"{operation}.{parameter}"
            lines += [f'[operations.parameters."{parameter}"]', f'dictionary = "{name}"', "probability = 0.5"]
        if operation in CONSUMING:
            for phase in DATA_PHASES:
                lines += [f"[operations.phases.{phase}.extra-data-sources]", "responses = false"]
    return "\n".join(lines) + "\n"


def command(spec: Path, url: str, out: Path, operations: Sequence[str], examples: int) -> list[str]:
    """The Schemathesis command line of one run of ``operations`` of ``spec``, its configuration and reports in
    ``out``."""
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(out / "schemathesis.toml"),
        "run",
        str(spec),
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
        "--workers",
        str(WORKERS),
        # how fast it answers is make bench's to judge; on busy shared cores a request may wait behind the other
        # worker's and other work (Schemathesis' 10 s default once failed a run at load 5)
        "--request-timeout",
        "30",
        "--generation-database",
        "none",  # the same requests every run, whatever ran before on this machine
        "--report",
        os.environ.get("WAITER_FUZZ_REPORT_FORMATS", "junit,har"),
        "--report-dir",
        str(out),
        "--no-color",
        "--include-operation-id-regex",
        f"^({'|'.join(map(re.escape, operations))})$",
    ]


def run(
    caller: Caller,
    url: str,
    known: Known,
    env: dict[str, str],
    operations: Sequence[str],
    *,
    examples_scale: float = 1.0,
) -> str | None:
    """One Schemathesis run over ``operations`` (operation ids): None when it found nothing and raised none of
    ``FAILING_WARNINGS``, else what it found in one line (``digest``). Its output goes to the console as it
    comes."""
    out = REPORTS / caller.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "schemathesis.toml").write_text(config(caller, known), encoding="utf-8")
    examples = max(1, round(caller.max_examples * examples_scale))
    print(f"\n==> fuzz as {caller.name}: {len(operations)} operations, {examples} examples each", flush=True)
    started = time.monotonic()
    line = command(SPEC, url, out, operations, examples)
    printed: list[str] = []
    with subprocess.Popen(  # noqa: S603 - our interpreter's schemathesis
        line, cwd=out, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    ) as done:
        for text in done.stdout or ():  # to the console as it comes, and kept for the digest
            sys.stdout.write(text)
            sys.stdout.flush()
            printed.append(text.rstrip("\n"))
    verdict = "passed" if done.returncode == 0 else "FAILED"
    print(f"==> fuzz as {caller.name}: {verdict} in {time.monotonic() - started:.0f} s", flush=True)
    if done.returncode == 0:
        return None
    return f"{caller.name}: " + " | ".join(digest(printed) or [f"schemathesis exited {done.returncode}"])


# What a failed run found, in a line or two: a CI log that keeps only its last lines shows the callers' runs'
# closing summary, not the FAILURES section of a run that finished before the last one.
_SECTION = re.compile(r"^=+ ([A-Z ]+?) =+$")
_OPERATION = re.compile(r"^_{3,} (.+?) _{3,}$")
_NOT_FAILING = ("Unmatched filters",)  # the excused operations' filters, in every run: see EXPECTED_REFUSALS


def digest(printed: Sequence[str]) -> list[str]:
    """The operations a Schemathesis run failed on with their checks (``GET /v1/x: ST101 Server error``), its
    errors, the warnings that fail a run with the operations they name, and its closing line."""
    found: dict[str, list[str]] = {}
    section = operation = ""
    warning: list[str] | None = None
    closing = ""
    for text in printed:
        if heading := _SECTION.match(text):
            section, operation, warning = heading.group(1), "", None
            continue
        if text.startswith("====") and text.endswith("===="):
            closing = text.strip("= ")
            continue
        if section in ("FAILURES", "ERRORS") and (header := _OPERATION.match(text)):
            operation = header.group(1)
            found.setdefault(operation, [])
        elif section == "FAILURES" and operation and text.startswith("- "):
            found[operation].append(text[2:].strip())
        elif section == "ERRORS" and operation and text.strip() and not found[operation]:
            found[operation].append(text.strip())
        elif section == "WARNINGS" and text and not text.startswith((" ", "💡")):
            title = text.split(":", 1)[0]
            warning = None if title in _NOT_FAILING else found.setdefault(f"warning {title}", [])
        elif section == "WARNINGS" and warning is not None and text.startswith("  - "):
            warning.append(text[4:].strip())
    lines = [f"{name}: {'; '.join(checks)}" if checks else name for name, checks in found.items()]
    return [*lines, closing] if closing else lines


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
    parser.add_argument("--operation", action="append", help="run only these operation ids (while developing)")
    args = parser.parse_args(argv)
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    uncovered = check_coverage(spec)
    if uncovered:
        print(f"no caller's run covers {', '.join(uncovered)}: add it to Caller.covers", file=sys.stderr)
        return 1
    callers = [c for c in CALLERS if not args.only or c.name in args.only]
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)

    started = time.monotonic()
    banner: list[str] = []
    gateway_log: list[str] = []  # what the gateway printed (a 5xx's cause is there), kept in reports/fuzz/gateway.log
    # The HTTP contract is what is fuzzed: the event sources (stream, queues, schedules; tests/e2e/test_event_chain.py)
    # would only take turns with the fuzzer's requests in the gateway's one-at-a-time runtime.
    url, stop = spawn(
        port=0,
        args=["--no-reload", "--no-event-sources", "--parameter-overrides", *GATEWAY_PARAMETERS],
        banner=banner,
        log=gateway_log,
    )
    try:
        partner_key = next(line.split("X-Api-Key:", 1)[1].strip() for line in banner if "X-Api-Key: wtr_" in line)
        table_names = [t.strip() for line in banner for found in TABLES.findall(line) for t in found.split(",")]
        with httpx.Client(base_url=url, timeout=30) as api:
            tokens = {c.name: sign_in(api, c.email) for c in CALLERS if c.email is not None}
            known = Known.prepare(api, tokens)
        results = []
        digests: list[str] = []
        for caller in callers:
            operations = [o for o in operations_of(caller, spec) if not args.operation or o in args.operation]
            if not operations:
                continue
            env = {
                **os.environ,
                "WAITER_FUZZ_TOKEN": tokens.get(caller.name, ""),
                "WAITER_FUZZ_PARTNER_KEY": partner_key,
            }
            found = run(caller, url, known[caller.name], env, operations, examples_scale=args.examples_scale)
            results.append(found is None)
            digests += [found] if found else []
    finally:
        stop()
        (REPORTS / "gateway.log").write_text("\n".join(gateway_log) + "\n", encoding="utf-8")
    results.append(check_error_bodies(table_names))
    print(f"==> fuzz {'passed' if all(results) else 'FAILED'} in {time.monotonic() - started:.0f} s")
    for line in digests:
        print(f"==> failed: {line}")
    if digests:  # a 5xx's or a 504's cause, as the gateway logged it (the whole log: reports/fuzz/gateway.log)
        for line in [text for text in gateway_log if GATEWAY_TROUBLE.search(text)][:3]:
            print(f"==> gateway: {line[:300]}")
    # A plain closing line (one per caller's run, plus the error-body check), so a CI log reader that looks for a
    # test runner's last line sees this one and not Schemathesis' pytest-like summary of the last run.
    print(f"fuzz: {sum(results)} passed, {len(results) - sum(results)} failed", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
