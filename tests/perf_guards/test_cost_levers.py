"""P5's levers not built (bench/cost.py): each is priced on the recorded work as the lever would change it, so the
report can say what the mix would cost with every one of them."""

from __future__ import annotations

import pytest

from bench import cost
from bench.config import PRICES
from bench.harness import AwsCall, RouteRun


def _route(function: str, *, trips: int, rru: float, wru: float) -> RouteRun:
    calls = [AwsCall("dynamodb", "GetItem", {}, None) for _ in range(trips)]
    calls[0].read_units, calls[0].write_units = rru, wru
    return RouteRun("route", function, {}, 200, calls)


def _runs() -> dict[str, RouteRun]:
    runs = {name: _route(name, trips=1, rru=0.5, wru=0.0) for name in cost.MIX}
    runs["AddCartItemFunction"] = _route("AddCartItemFunction", trips=3, rru=2.0, wru=1.0)
    runs["CheckoutFunction"] = _route("CheckoutFunction", trips=5, rru=6.5, wru=14.0)
    return runs


def _warm() -> dict[str, dict[str, float]]:
    return {name: {"p50_ms": 0.3, "cold_s": 0.3, "log_bytes": 0.0} for name in cost.MIX}


def test_a_cached_catalog_read_leaves_only_the_misses_in_the_app_share() -> None:
    runs, warm = _runs(), _warm()
    levers = cost._levers(runs, warm)
    catalog_share = sum(cost.MIX[name] for name in cost.CATALOG_READS)
    per_catalog_request = cost._mix_cost({n: runs[n] for n in cost.CATALOG_READS}, warm)["app_share"]

    saving = levers["levers"][cost.CACHE_LEVER]["saving"]

    assert saving == pytest.approx(catalog_share * cost.CACHE_HIT_RATE * per_catalog_request)


def test_a_small_order_saves_three_write_units_of_each_checkout() -> None:
    levers = cost._levers(_runs(), _warm())

    saving = levers["levers"][cost.SMALL_ORDER_LEVER]["saving"]

    assert saving == pytest.approx(cost.MIX["CheckoutFunction"] * 3 * PRICES.dynamodb_per_million_wru)


def test_every_lever_together_saves_what_each_saves_alone() -> None:
    levers = cost._levers(_runs(), _warm())

    together = levers["before"]["app_share"] - levers["all"]["app_share"]

    assert together == pytest.approx(sum(lever["saving"] for lever in levers["levers"].values()))
    assert levers["all_floor"]["app_share"] < levers["all"]["app_share"]
