"""The capacity model at the modelled peak (docs/capacity.md): every DynamoDB partition the documented request mix
touches, loaded with the units P3 measured per request, against DynamoDB's per-partition limits.

P3's tour makes each request once, for one restaurant and one customer, and the recorder splits each call's units
by the partition that pays them (``table <PK>`` or ``<index> <key>``). Here each partition label becomes a key
*template* (ids replaced by what they stand for) and gets the share of the mix's requests its hottest instance
receives:

- a key with no id in it (one partition for everybody: ``IDEMPOTENCY#checkout`` as Powertools lays its records
  out by default, a listing page) takes every request of the routes that touch it;
- a restaurant's keys (its profile and menu, its order indexes) take ``HOT_RESTAURANT_SHARE`` of them: the most
  popular restaurant at the peak;
- a customer's, an order's or a hashed per-request key (carts, rate-limit windows, idempotency records laid out
  one partition each) take one customer's share: ``1 / ACTIVE_CUSTOMERS_AT_PEAK``.

Listing pages are modelled at their worst: every listing request reads the same partition (the unfiltered first
page, ``LIST#*#*``), whatever filter the tour used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bench.harness import TourRun

PEAK_RPS = 10_000  # requests per second at the peak (docs/capacity.md)
DAILY_CUSTOMERS = 1_000_000
PARTITION_READ_UNITS = 3_000  # per second, per partition (table or index): DynamoDB's hard limit
PARTITION_WRITE_UNITS = 1_000
HOT_RESTAURANT_SHARE = 0.02  # assumed: the most popular restaurant gets 2 % of restaurant-specific requests
ACTIVE_CUSTOMERS_AT_PEAK = 10_000  # assumed lower bound: no customer is more than 1/10,000 of the peak
HEADROOM = 0.8  # the gate: the hottest partition at most 80 % of its limit (bursts, uneven seconds)

# The documented mix (bench/cost.py keeps the same one for P5).
MIX: Mapping[str, float] = {
    "ListRestaurantsFunction": 0.15,
    "GetRestaurantFunction": 0.10,
    "GetMenuFunction": 0.25,
    "AddCartItemFunction": 0.10,
    "GetCartFunction": 0.06,
    "UpdateCartItemFunction": 0.02,
    "RemoveCartItemFunction": 0.02,
    "CheckoutFunction": 0.05,
    "GetOrderFunction": 0.20,
    "ListMyOrdersFunction": 0.05,
}


@dataclass(frozen=True)
class PartitionLoad:
    template: str  # e.g. "GSI2 REST#<restaurant>#ORDERS"
    kind: str  # shared | restaurant | per customer
    share: float  # of the routes' requests its hottest instance takes
    read_units_per_s: float
    write_units_per_s: float
    routes: tuple[str, ...]

    @property
    def utilisation(self) -> float:
        return max(self.read_units_per_s / PARTITION_READ_UNITS, self.write_units_per_s / PARTITION_WRITE_UNITS)


def template_of(label: str, ids: Mapping[str, str]) -> tuple[str, str]:
    """A partition label with its ids replaced by what they stand for, and the kind of key it is."""
    text = label
    if ids.get("restaurant"):
        text = text.replace(ids["restaurant"], "<restaurant>")
    text = re.sub(r"LIST#[^ ]*", "LIST#*#* (any listing page)", text)
    text = re.sub(r"CUST#[^#\s]+", "CUST#<customer>", text)
    text = re.sub(r"ORDER#\w+", "ORDER#<order>", text)
    text = re.sub(r"ORDERS#PLACED#\d+", "ORDERS#PLACED#<shard>", text)
    text = re.sub(r"#[0-9a-f]{16,}", "#<hash>", text)
    if "<customer>" in text or "<order>" in text or "<hash>" in text:
        return text, "per customer"
    if "<restaurant>" in text:
        return text, "restaurant"
    if "<shard>" in text:
        return text, "one shard"
    return text, "shared"


def share_of(kind: str) -> float:
    from waiter.repository.keys import PLACED_ORDER_SHARDS  # noqa: PLC0415 - the layer is on the path only once bench runs

    shares = {
        "shared": 1.0,
        "one shard": 1 / PLACED_ORDER_SHARDS,  # a key written evenly over its shards (GSI4's placed orders)
        "restaurant": HOT_RESTAURANT_SHARE,
        "per customer": 1 / ACTIVE_CUSTOMERS_AT_PEAK,
    }
    return shares[kind]


def partition_loads(tour: TourRun, peak_rps: float = PEAK_RPS) -> list[PartitionLoad]:
    """Every partition template the mix touches, hottest first."""
    totals: dict[str, list[float]] = {}
    kinds: dict[str, str] = {}
    routes: dict[str, set[str]] = {}
    by_function = {run.function: run for run in tour.routes.values()}
    for function, mix_share in MIX.items():
        run = by_function.get(function)
        if run is None:
            continue
        for call in run.calls:
            for label, (reads, writes) in call.partitions.items():
                template, kind = template_of(label, tour.ids)
                kinds[template] = kind
                rate = peak_rps * mix_share * share_of(kind)
                total = totals.setdefault(template, [0.0, 0.0])
                total[0] += rate * reads
                total[1] += rate * writes
                routes.setdefault(template, set()).add(function.removesuffix("Function"))
    loads = [
        PartitionLoad(t, kinds[t], share_of(kinds[t]), r, w, tuple(sorted(routes[t]))) for t, (r, w) in totals.items()
    ]
    return sorted(loads, key=lambda load: -load.utilisation)
