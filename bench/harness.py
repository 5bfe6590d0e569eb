"""The handlers in this process over moto's in-process mock: the template's table, user pool, app client, groups and
usage plan; a recorder of every AWS call the handlers make (round trips, capacity and the responses themselves);
and seeding the table with copies of real items.

Only P3 and the recording of fixtures run here: moto patches botocore for the whole process, so anything timed runs
in a fresh child process instead (``bench/child.py``).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.util
import io
import json
import os
import re
import secrets
import sys
import types
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from bench import capacity
from bench.accessors import client_of
from bench.config import ROOT
from bench.events import decoded
from bench.lambdas import REGION, functions
from bench.scenario import Tour

TABLE = "bench-Table"  # what the template's `!Ref Table` resolves to in bench.lambdas (fixtures name it)
# How a fresh process gets each client the handlers use (the layer's process-wide, cached accessors).
ACCESSORS: Mapping[str, str] = {
    "dynamodb": "waiter.repository.dynamo:dynamodb_client",
    "cognito-idp": "waiter.accounts.cognito:cognito_client",
    "apigateway": "waiter.partners.usage_plans:apigateway_client",
    # the Management API client the live notifier posts with (created with the notifier, on first use)
    "apigatewaymanagementapi": "waiter.compose:live_notifier().poster._client",
}
CAPACITY_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


@dataclass
class AwsCall:
    service: str
    operation: str
    response: dict[str, Any] | None  # as the handler received it (without ConsumedCapacity and metadata)
    error: tuple[str, str, int] | None  # (code, message, HTTP status) of a failed call
    moto_units: float = 0.0
    read_units: float = 0.0
    write_units: float = 0.0
    # the units above split by the partition that pays them: label ("table <PK>", "<index> <key>") -> [RRU, WRU]
    partitions: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class RouteRun:
    """One measured request: its function, event, status and every AWS call it made, in order."""

    route: str
    function: str
    event: dict[str, Any]
    status: int | None
    calls: list[AwsCall] = field(default_factory=list)

    def operations(self, service: str = "dynamodb") -> list[str]:
        return [c.operation for c in self.calls if c.service == service]

    @property
    def read_units(self) -> float:
        return sum(c.read_units for c in self.calls)

    @property
    def write_units(self) -> float:
        return sum(c.write_units for c in self.calls)

    @property
    def moto_units(self) -> float:
        return sum(c.moto_units for c in self.calls)

    def fixture(self) -> dict[str, Any]:
        """What a child process replays: the event, the status to expect and the responses in call order."""
        return {
            "event": self.event,
            "status": self.status,
            "calls": [(c.service, c.operation, c.response, c.error) for c in self.calls],
        }

    def services(self) -> str:
        """``service=module:function`` of every client the route uses (child.py's SERVICES argument)."""
        used = dict.fromkeys(c.service for c in self.calls)
        return ",".join(f"{service}={ACCESSORS[service]}" for service in used)


# ---- the process environment ----------------------------------------------------------------------------------


@contextmanager
def handler_process(overrides: Mapping[str, str]) -> Iterator[None]:
    """os.environ as every function sees it (all functions' variables: they share Globals and do not conflict),
    quiet logs, and the layer importable; restored afterwards."""
    saved = dict(os.environ)
    layer = str(ROOT / "layers" / "common")
    added_path = layer not in sys.path
    if added_path:
        sys.path.insert(0, layer)
    env: dict[str, str] = {}
    for function in functions().values():
        env.update(function.template_env)
    env.update(
        {
            "TABLE_NAME": TABLE,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
            **overrides,
        }
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if added_path:
            sys.path.remove(layer)


def clear_caches() -> None:
    """Forget every process-wide cached client, service and setting of the layer (``functools.cache``)."""
    for name, module in list(sys.modules.items()):
        if name != "waiter" and not name.startswith("waiter."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()


_modules: dict[str, ModuleType] = {}


def load_handler(logical_id: str) -> Callable[[dict[str, Any], Any], Any]:
    """The function's handler, its module imported once under a unique name (every function's file is app.py)."""
    function = functions()[logical_id]
    module = _modules.get(logical_id)
    if module is None:
        name = f"bench_fn_{logical_id}"
        spec = importlib.util.spec_from_file_location(name, function.module_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {function.module_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _modules[logical_id] = module
    handler: Callable[[dict[str, Any], Any], Any] = getattr(module, function.handler.rsplit(".", 1)[1])
    return handler


class Context:
    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"
    identity = None
    client_context = None

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


# ---- moto -----------------------------------------------------------------------------------------------------


@dataclass
class Cloud:
    """The template's resources in moto, and a client of each kind that records nothing (for set-up and looks)."""

    dynamodb: Any
    overrides: dict[str, str]
    table_definition: dict[str, Any]


@contextmanager
def mocked_cloud() -> Iterator[Cloud]:
    from moto import mock_aws  # noqa: PLC0415 - patches botocore: only ever imported here

    from local import template as tpl  # noqa: PLC0415

    os.environ.update({"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})
    with mock_aws():
        import boto3  # noqa: PLC0415

        definition = tpl.table_definition()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(TableName=TABLE, **definition)
        overrides = {**_user_pool(boto3.client("cognito-idp", region_name=REGION)), **_usage_plan(boto3)}
        yield Cloud(dynamodb, overrides, definition)


def _literal(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Template properties without intrinsic functions (those are deploy-time)."""
    return {
        k: v
        for k, v in properties.items()
        if not (isinstance(v, dict) and any(key == "Ref" or key.startswith("Fn::") for key in v))
    }


def _user_pool(client: Any) -> dict[str, str]:
    from local import template as tpl  # noqa: PLC0415

    resources = tpl.load_template()["Resources"]
    pool_id = client.create_user_pool(PoolName="waiter-bench", **_literal(resources["UserPool"]["Properties"]))[
        "UserPool"
    ]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="waiter-bench", **_literal(resources["UserPoolClient"]["Properties"])
    )["UserPoolClient"]["ClientId"]
    for group in ("CustomersGroup", "StaffGroup", "AdminsGroup"):
        client.create_group(UserPoolId=pool_id, **_literal(resources[group]["Properties"]))
    return {"USER_POOL_ID": pool_id, "USER_POOL_CLIENT_ID": client_id}


def _usage_plan(boto3: Any) -> dict[str, str]:
    client = boto3.client("apigateway", region_name=REGION)
    api_id = client.create_rest_api(name="waiter-bench")["id"]
    plan = client.create_usage_plan(name="waiter-bench-partners", apiStages=[{"apiId": api_id, "stage": "dev"}])
    return {"USAGE_PLAN_ID": str(plan["id"])}


# ---- recording ------------------------------------------------------------------------------------------------


class Recorder:
    """Hooks on the handlers' clients: counts round trips, injects ``ReturnConsumedCapacity=TOTAL``, models
    capacity from the items touched (read through ``looks``, a client without hooks) and keeps every response."""

    def __init__(self, looks: Any, indexes: list[capacity.Index]) -> None:
        self.looks = looks
        self.indexes = indexes
        self.current: RouteRun | None = None

    def attach(self, service: str, client: Any) -> None:
        events = client.meta.events

        def before(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            if service == "dynamodb" and model.name in CAPACITY_OPERATIONS:
                params.setdefault("ReturnConsumedCapacity", "TOTAL")
            if self.current is not None and service == "dynamodb":
                context["bench"] = (copy.deepcopy(params), self._old_items(model.name, params))

        def after(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            if self.current is not None:
                self.current.calls.append(self._call(service, model.name, http_response, parsed, context))

        events.register("before-parameter-build", before, unique_id=f"bench-before-{service}")
        events.register("after-call", after, unique_id=f"bench-after-{service}")

    def _call(
        self, service: str, operation: str, http_response: Any, parsed: dict[str, Any], context: dict[str, Any]
    ) -> AwsCall:
        status = int(getattr(http_response, "status_code", 200))
        if status >= 300:
            error = parsed.get("Error") or {}
            return AwsCall(
                service, operation, None, (str(error.get("Code", "")), str(error.get("Message", "")), status)
            )
        kept = {k: copy.deepcopy(v) for k, v in parsed.items() if k not in ("ResponseMetadata", "ConsumedCapacity")}
        call = AwsCall(service, operation, kept, None)
        if service == "dynamodb":
            params, old = context.get("bench") or ({}, {})
            call.moto_units = _moto_units(parsed.get("ConsumedCapacity"))
            parts: dict[str, list[float]] = {}
            call.read_units, call.write_units = self._units(operation, parsed, params, old, parts)
            call.partitions = parts
        return call

    # -- capacity

    def _old_items(self, operation: str, params: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
        """Before a write: the items it may replace, by their key."""
        keys: list[dict[str, Any]] = []
        if operation == "PutItem":
            keys.append(_key_of(params["Item"]))
        elif operation in ("UpdateItem", "DeleteItem"):
            keys.append(params["Key"])
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                keys.append(_key_of(body["Item"]) if kind == "Put" else body["Key"])
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    put = request.get("PutRequest")
                    keys.append(_key_of(put["Item"]) if put else request["DeleteRequest"]["Key"])
        return {_key_text(key): self._look(key) for key in keys}

    def _units(
        self,
        operation: str,
        parsed: dict[str, Any],
        params: dict[str, Any],
        old: dict[str, dict[str, Any] | None],
        parts: dict[str, list[float]],
    ) -> tuple[float, float]:
        consistent = bool(params.get("ConsistentRead"))

        def read(label: str, units: float) -> float:
            parts.setdefault(label, [0.0, 0.0])[0] += units
            return units

        if operation == "GetItem":
            units = capacity.read_units(capacity.item_size(parsed.get("Item")), consistent=consistent)
            return read(capacity.table_partition(params["Key"]), units), 0.0
        if operation in ("Query", "Scan"):
            items = parsed.get("Items")
            if items is None:  # Select=COUNT reads the same items; look at them without it
                looked = {k: v for k, v in params.items() if k not in ("Select", "ReturnConsumedCapacity")}
                items = getattr(self.looks, operation.lower())(**looked).get("Items", [])
            return read(_queried_partition(params), capacity.query_units(items, consistent=consistent)), 0.0
        if operation == "BatchGetItem":
            units = 0.0
            for table, request in params.get("RequestItems", {}).items():
                returned = {_key_text(_key_of(i)): i for i in parsed.get("Responses", {}).get(table, [])}
                for key in request["Keys"]:
                    size = capacity.item_size(returned.get(_key_text(key)))
                    one = capacity.read_units(size, consistent=bool(request.get("ConsistentRead")))
                    units += read(capacity.table_partition(key), one)
            return units, 0.0
        return self._write_units(operation, params, old, parts)

    def _write_units(
        self,
        operation: str,
        params: dict[str, Any],
        old: dict[str, dict[str, Any] | None],
        parts: dict[str, list[float]],
    ) -> tuple[float, float]:
        def before(key: Mapping[str, Any]) -> dict[str, Any] | None:
            return old.get(_key_text(key))

        def write(
            old_item: dict[str, Any] | None, new_item: Mapping[str, Any] | None, *, transactional: bool = False
        ) -> float:
            total = 0.0
            for label, units in capacity.write_parts(old_item, new_item, self.indexes, transactional=transactional):
                parts.setdefault(label, [0.0, 0.0])[1] += units
                total += units
            return total

        if operation == "PutItem":
            return 0.0, write(before(_key_of(params["Item"])), params["Item"])
        if operation == "UpdateItem":
            key = params["Key"]
            return 0.0, write(before(key), self._look(key))
        if operation == "DeleteItem":
            return 0.0, write(before(params["Key"]), None) if before(params["Key"]) else _empty_delete(params, parts)
        reads = writes = 0.0
        if operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                key = _key_of(body["Item"]) if kind == "Put" else body["Key"]
                if kind == "ConditionCheck":
                    units = capacity.read_units(capacity.item_size(before(key)), transactional=True)
                    parts.setdefault(capacity.table_partition(key), [0.0, 0.0])[0] += units
                    reads += units
                    continue
                after = body["Item"] if kind == "Put" else (self._look(key) if kind == "Update" else None)
                writes += write(before(key), after, transactional=True)
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    put = request.get("PutRequest")
                    key = _key_of(put["Item"]) if put else request["DeleteRequest"]["Key"]
                    writes += write(before(key), put["Item"] if put else None)
        return reads, writes

    def _look(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self.looks.get_item(TableName=TABLE, Key=dict(key), ConsistentRead=True).get("Item")
        return dict(item) if item else None


def _empty_delete(params: Mapping[str, Any], parts: dict[str, list[float]]) -> float:
    """A delete of an absent item still costs the minimum write, in the key's partition."""
    parts.setdefault(capacity.table_partition(params["Key"]), [0.0, 0.0])[1] += 1.0
    return 1.0


def _queried_partition(params: Mapping[str, Any]) -> str:
    """``table <pk>`` or ``<index> <pk>`` of a Query, from its ``<key> = :placeholder`` condition."""
    condition = str(params.get("KeyConditionExpression", ""))
    match = re.match(r"\s*#?(\w+)\s*=\s*(:\w+)", condition)
    value = (params.get("ExpressionAttributeValues") or {}).get(match.group(2)) if match else None
    text = next(iter(value.values())) if isinstance(value, dict) and value else "?"
    return f"{params.get('IndexName') or 'table'} {text}"


def _key_of(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in ("PK", "SK") if name in item}


def _key_text(key: Mapping[str, Any]) -> str:
    return json.dumps(key, sort_keys=True, default=str)


def _moto_units(consumed: Any) -> float:
    if isinstance(consumed, dict):
        return float(consumed.get("CapacityUnits", 0.0))
    if isinstance(consumed, list):
        return sum(float(c.get("CapacityUnits", 0.0)) for c in consumed)
    return 0.0


# ---- running the tour -----------------------------------------------------------------------------------------


@dataclass
class TourRun:
    routes: dict[str, RouteRun]
    seeded: int
    snapshot: list[dict[str, Any]]  # the table's items at the tour's checkpoint (the templates of seeding)
    ids: dict[str, str]  # the ids the tour created, by role


def run_tour(cloud: Cloud, *, seed_templates: TourRun | None = None, seed_items: int = 0) -> TourRun:
    """Seed the table (copies of ``seed_templates``' items under fresh ids), then run the tour with the recorder on.
    An unseeded run also keeps a snapshot of the table at the tour's checkpoint (the templates of seeding)."""
    seeded = seed(cloud.dynamodb, seed_templates, seed_items) if seed_templates and seed_items else 0
    routes: dict[str, RouteRun] = {}
    snapshot: list[dict[str, Any]] = []
    with handler_process(cloud.overrides):
        clear_caches()
        recorder = Recorder(cloud.dynamodb, capacity.indexes_of(cloud.table_definition))
        for service, accessor in ACCESSORS.items():
            recorder.attach(service, client_of(accessor))

        def invoke(function: str, event: dict[str, Any], route: str | None) -> tuple[int | None, Any]:
            handler = load_handler(function)
            run = RouteRun(route or "", function, copy.deepcopy(event), None)
            recorder.current = run if route else None
            try:
                result = handler(event, Context())
            finally:
                recorder.current = None
            status, body = decoded(result)
            run.status = status
            if route:
                if route in routes:
                    raise RuntimeError(f"the tour measures {route} twice")
                routes[route] = run
            return status, body

        tour = Tour(invoke, checkpoint=lambda: None if seeded else snapshot.extend(_scan(cloud.dynamodb)))
        # the handlers' log lines and metrics are not wanted here
        with contextlib.redirect_stdout(io.StringIO()), _cheap_transaction_snapshots():
            tour.run()
        clear_caches()
    return TourRun(routes, seeded, snapshot, dict(tour.ids))


@contextlib.contextmanager
def _cheap_transaction_snapshots() -> Iterator[None]:
    """moto deep-copies the whole table before every TransactWriteItems, to roll a failed one back: at 100,000
    items that is minutes per call. While the tour runs, the snapshot copies the table's item index two levels deep
    instead and shares the items: a failed transaction's puts and deletes are still undone, in-place updates are
    not. The tour's transactions all succeed (a failure fails the tour), so nothing it measures depends on it."""
    from collections import defaultdict  # noqa: PLC0415

    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    models: Any = importlib.import_module("moto.dynamodb.models")
    real = models.copy

    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            snapshot = copy.copy(value)
            snapshot.items = defaultdict(
                dict, {k: dict(v) if isinstance(v, dict) else v for k, v in value.items.items()}
            )
            return snapshot
        return copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)
    try:
        yield
    finally:
        models.copy = real


def _scan(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": TABLE}
    while True:
        page = client.scan(**params)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# ---- seeding --------------------------------------------------------------------------------------------------

ORDER_COPIES = 8  # per seeded restaurant: orders of other customers (GSI1, GSI2 and GSI3 entries)
MENU_COPIES = 5  # per seeded restaurant: copies of each menu item
_PER_COPY = {"order": ("order", "tag"), "menu": ("pizza", "drink")}  # ids that differ between copies


def seed(client: Any, templates: TourRun, count: int) -> int:
    """Write ``count`` items: restaurants like the tour's (profile, listing entries, menu, discount code, API key)
    and orders of other customers, each a copy of an item the tour wrote with every id replaced by a fresh one of
    the same length (so sizes stay those of real items). The listing entries land in the partitions the listing
    route reads; the tour's own restaurant, customer and orders are new in every run, so its work must not grow."""
    items = [i for i in templates.snapshot if not str(i["PK"]["S"]).startswith(("RATE#", "IDEMPOTENCY#"))]
    ids = dict(sorted(templates.ids.items(), key=lambda kv: -len(kv[1])))  # longest first: no partial overlaps
    batch: list[dict[str, Any]] = []
    written = 0
    while written + len(batch) < count:
        unit = {name: _same_length_id(value) for name, value in ids.items()}
        for item in items:
            kind = "order" if str(item["PK"]["S"]).startswith("ORDER#") else "menu"
            copies = ORDER_COPIES if kind == "order" else MENU_COPIES if str(item["SK"]["S"]).startswith("ITEM#") else 1
            for n in range(copies):
                fresh = {**unit, **({k: _same_length_id(ids[k]) for k in _PER_COPY[kind] if k in ids} if n else {})}
                batch.append(_rewrite(item, ids, fresh))
                if len(batch) == 25:
                    _write(client, batch)
                    written += len(batch)
                    batch = []
                if written + len(batch) >= count:
                    break
            if written + len(batch) >= count:
                break
    if batch:
        _write(client, batch)
        written += len(batch)
    return written


def _rewrite(item: Mapping[str, Any], old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, Any]:
    text = json.dumps(item)
    for name, value in old.items():
        text = text.replace(value, new[name])
    rewritten: dict[str, Any] = json.loads(text)
    return rewritten


def _same_length_id(value: str) -> str:
    hexadecimal = "0123456789abcdef"
    if all(c in hexadecimal + "-" for c in value.lower()):
        return "".join(c if c == "-" else secrets.choice(hexadecimal) for c in value.lower())
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" if value.isupper() else hexadecimal
    return "".join(secrets.choice(alphabet) for _ in value)


def _write(client: Any, batch: list[dict[str, Any]]) -> None:
    request: dict[str, Any] = {TABLE: [{"PutRequest": {"Item": item}} for item in batch]}
    while request:
        result = client.batch_write_item(RequestItems=request)
        request = result.get("UnprocessedItems") or {}
