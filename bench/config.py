"""What the benchmarks measure against: the budgets of the performance issue, the run sizes (full and ``--quick``)
and the public prices the cost model uses."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "bench" / "child.py"
REPORTS = ROOT / "reports"


@dataclass(frozen=True)
class Budgets:
    cold_start_ratio: float = 1.20  # P1: import + init over `import boto3` + a DynamoDB client
    # P1 for the GraphQL function, which builds its schema from schema.graphql at init (graphql-core, issue 15)
    graphql_cold_start_ratio: float = 1.50
    # P2: a restaurant with its menu over GraphQL / GET restaurant + GET menu over REST, handler CPU only, p50
    graphql_warm_ratio: float = 1.5
    # P2, ratios to yardsticks measured in the same processes (an absolute time is the machine's, not the code's):
    warm_own_ratio: float = 1.5  # handler only (outside botocore) / the reference Powertools handler, p50
    warm_sdk_ratio: float = 2.0  # botocore time per round trip / one small stubbed PutItem, p50
    layer_mb: float = 20.0  # P4: the layer unzipped, without boto3
    function_zip_kb: float = 16.0
    rss_mb: float = 64.0
    app_cost_per_million: float = 0.60  # P5: Lambda + DynamoDB + logs, per million requests
    log_bytes_per_request: int = 256
    gateway_added_ratio: float = 3.0  # P6: p50 added by the local gateway / the bare server's round trip p50


BUDGETS = Budgets()


@dataclass(frozen=True)
class RunSize:
    """How much each part repeats; ``quick`` is for smoke runs (CI, the perf-guard test)."""

    quick: bool
    cold_repeats: int  # P1: fresh processes per function (and for the baseline)
    # P1: of those, how many also make the first request ((b), RSS after it); the others stop after init, (a)
    cold_first_request_repeats: int
    warm_calls: int  # P2: timed in-process calls
    warm_warmup: int
    table_sizes: tuple[int, int]  # P3
    gateway_latency_requests: int  # P6
    gateway_load_requests: int
    gateway_load_clients: int = 8
    gateway_load_cap_s: float = 30.0

    @classmethod
    def full(cls) -> RunSize:
        return cls(
            quick=False,
            cold_repeats=20,
            cold_first_request_repeats=5,
            warm_calls=10_000,
            warm_warmup=200,
            table_sizes=(1_000, 100_000),
            gateway_latency_requests=500,
            gateway_load_requests=2_000,
        )

    @classmethod
    def smoke(cls) -> RunSize:
        return cls(
            quick=True,
            cold_repeats=5,
            cold_first_request_repeats=5,
            warm_calls=1_000,
            warm_warmup=50,
            table_sizes=(1_000, 10_000),
            gateway_latency_requests=100,
            gateway_load_requests=400,
            gateway_load_cap_s=10.0,
        )


@dataclass(frozen=True)
class Prices:
    """us-east-1 public list prices (see /work/shared/FACTS.md and docs/performance.md)."""

    lambda_per_million_requests: float = 0.20
    lambda_per_gb_second_arm64: float = 0.0000133334
    rest_api_per_million: float = 3.50
    websocket_per_million_messages: float = 1.00
    websocket_per_million_connection_minutes: float = 0.25
    dynamodb_per_million_wru: float = 0.625
    dynamodb_per_million_rru: float = 0.125
    logs_per_gb_ingested: float = 0.50
    sqs_per_million_requests: float = 0.40  # standard queues, per 64 KB request


PRICES = Prices()


def python() -> str:
    """The interpreter the children run: this one (the project's 3.13 virtual environment)."""
    return sys.executable
