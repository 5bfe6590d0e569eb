"""The capacity model behind P3's hottest-partition gate (bench/peak.py): how a partition label is read, and that a
key shared by every request is loaded with all of them while per-restaurant and per-customer keys get their share."""

from __future__ import annotations

from typing import Any

import pytest

from bench import peak
from bench.harness import AwsCall, RouteRun, TourRun

IDS = {"restaurant": "8bfec4ba64c64cbf9f3695fbf8828be2"}


@pytest.mark.parametrize(
    ("label", "template", "kind"),
    [
        ("table IDEMPOTENCY#checkout", "table IDEMPOTENCY#checkout", "shared"),
        ("table IDEMPOTENCY#checkout#fn#6e090af5ce7ca575d4", "table IDEMPOTENCY#checkout#fn#<hash>", "per customer"),
        ("table LIST#berlin#*", "table LIST#*#* (any listing page)", "shared"),
        (f"GSI2 REST#{IDS['restaurant']}#ORDERS", "GSI2 REST#<restaurant>#ORDERS", "restaurant"),
        ("table CUST#customer-8865d1d39c", "table CUST#<customer>", "per customer"),
    ],
)  # fmt: skip
def test_partition_labels_become_key_templates(label: str, template: str, kind: str) -> None:
    assert peak.template_of(label, IDS) == (template, kind)


def _tour(partitions: dict[str, list[float]]) -> TourRun:
    call = AwsCall("dynamodb", "PutItem", {}, None, partitions=partitions)
    route = RouteRun("POST /v1/orders", "CheckoutFunction", {}, 201, [call])
    snapshot: list[dict[str, Any]] = []
    return TourRun({"POST /v1/orders": route}, 0, snapshot, IDS)


def test_a_key_every_checkout_shares_takes_the_whole_checkout_load() -> None:
    [load] = peak.partition_loads(_tour({"table IDEMPOTENCY#checkout": [0.0, 2.0]}), peak_rps=10_000)

    assert load.write_units_per_s == pytest.approx(10_000 * 0.05 * 2.0)
    assert load.utilisation == pytest.approx(1.0)


def test_keys_of_one_restaurant_or_one_customer_take_only_their_share() -> None:
    loads = peak.partition_loads(
        _tour({f"GSI2 REST#{IDS['restaurant']}#ORDERS": [0.0, 1.0], "table ORDER#abc": [0.0, 2.0]}), peak_rps=10_000
    )

    by_kind = {load.kind: load for load in loads}
    assert by_kind["restaurant"].write_units_per_s == pytest.approx(500 * peak.HOT_RESTAURANT_SHARE)
    assert by_kind["per customer"].write_units_per_s == pytest.approx(500 * 2.0 / peak.ACTIVE_CUSTOMERS_AT_PEAK)
    assert loads[0].kind == "restaurant"  # hottest first
