"""The order routes through their handlers, on moto: a customer's orders (newest first), one order, cancelling, the
kitchen view (oldest first) and the state machine's transitions with their history and ETags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.handlers import api
from tests.handlers import ordering_fixtures as o
from tests.handlers.ordering_fixtures import Shop
from tests.support import ADMIN

DELIVERY_PATH = ["ACCEPTED", "PREPARING", "READY", "OUT_FOR_DELIVERY", "DELIVERED"]
PICKUP_PATH = ["ACCEPTED", "PREPARING", "READY", "PICKED_UP"]


def _ids(reply: api.Reply) -> list[str]:
    return [order["id"] for order in reply.body["items"]]


# ---- GET /v1/orders ----------------------------------------------------------------------------------------------


def test_my_orders_come_newest_first_a_page_at_a_time(shop: Shop, other_shop: Shop) -> None:
    placed = [o.place_order(shop)["id"], o.place_order(other_shop)["id"], o.place_order(shop)["id"]]
    o.place_order(shop, claims=o.customer(2))

    first = o.list_my_orders(query={"limit": "2"})

    assert first.status == 200
    assert _ids(first) == [placed[2], placed[1]]
    assert first.body["nextCursor"]
    second = o.list_my_orders(query={"limit": "2", "cursor": first.body["nextCursor"]})
    assert _ids(second) == [placed[0]]
    assert second.body["nextCursor"] is None
    assert _ids(o.list_my_orders()) == placed[::-1]
    assert all(order["customerId"] == "customer-1" for order in first.body["items"] + second.body["items"])


def test_a_customer_without_orders_gets_an_empty_page(services: None) -> None:
    assert o.list_my_orders().body == {"items": [], "nextCursor": None}


def _forged(cursor: str) -> str:
    payload, signature = cursor.split(".")
    return f"{payload}.{'A' * len(signature)}"


@pytest.mark.parametrize(
    "make_cursor",
    [
        pytest.param(lambda _: "not-a-cursor", id="garbage"),
        pytest.param(_forged, id="forged-signature"),
        pytest.param(lambda real: real[:-2], id="truncated"),
    ],
)
def test_a_forged_cursor_is_a_400(shop: Shop, make_cursor: Any) -> None:
    o.place_order(shop)
    o.place_order(shop)
    real = o.list_my_orders(query={"limit": "1"}).body["nextCursor"]

    reply = o.list_my_orders(query={"cursor": make_cursor(real)})

    assert reply.status == 400
    assert reply.field_errors() == ["query.cursor"]


def test_a_cursor_of_another_listing_is_a_400(shop: Shop) -> None:
    o.place_order(shop)
    o.place_order(shop)
    kitchen_cursor = o.kitchen_orders(shop.id, claims=o.staff(shop.id), query={"limit": "1"}).body["nextCursor"]
    their_cursor = o.list_my_orders(query={"limit": "1"}).body["nextCursor"]

    assert o.list_my_orders(query={"cursor": kitchen_cursor}).status == 400
    assert o.list_my_orders(claims=o.customer(2), query={"cursor": their_cursor}).status == 400


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_a_bad_limit_is_a_400(services: None, limit: str) -> None:
    reply = o.list_my_orders(query={"limit": limit})

    assert (reply.status, reply.field_errors()) == (400, ["query.limit"])


# ---- GET /v1/orders/{orderId} ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("owner", 200, id="its-customer"),
        pytest.param("staff", 200, id="staff-of-its-restaurant"),
        pytest.param("admin", 200, id="an-admin"),
        pytest.param("other-customer", 404, id="another-customer"),
        pytest.param("other-staff", 404, id="staff-of-another-restaurant"),
    ],
)
def test_an_order_is_seen_by_its_customer_and_its_restaurant_only(shop: Shop, who: str, status: int) -> None:
    order = o.place_order(shop)
    claims = {
        "owner": o.customer(),
        "staff": o.staff(shop.id),
        "admin": ADMIN,
        "other-customer": o.customer(2),
        "other-staff": o.staff("another-restaurant"),
    }[who]

    reply = o.get_order(order["id"], claims=claims)

    assert reply.status == status
    if status == 200:
        # the same order; only what this caller may do next differs (the customer may cancel, the kitchen more)
        mine = who == "owner"
        assert reply.body == {**order, "allowedTransitions": reply.body["allowedTransitions"]}
        assert reply.body["allowedTransitions"] == (["CANCELLED"] if mine else ["ACCEPTED", "REJECTED", "CANCELLED"])
        assert reply.etag == '"1"' == f'"{reply.body["version"]}"'
    else:
        assert reply.body["detail"] == f"order {order['id']} does not exist"  # the same as for an unknown id
        assert o.get_order("no-such-order", claims=claims).body["detail"] == "order no-such-order does not exist"


# ---- POST /v1/orders/{orderId}/cancel --------------------------------------------------------------------------------


def test_a_customer_cancels_an_order_while_it_is_placed(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.cancel_order(order["id"])

    assert reply.status == 200
    assert reply.body["status"] == "CANCELLED"
    assert reply.etag == '"2"'
    entry = reply.body["history"][-1]
    assert (entry["from"], entry["to"], entry["actor"]) == (
        "PLACED",
        "CANCELLED",
        {"type": "customer", "id": "customer-1"},
    )
    assert entry["at"] == reply.body["updatedAt"]
    fetched = o.get_order(order["id"])
    assert (fetched.body, fetched.etag) == (reply.body, '"2"')


def test_a_customer_cannot_cancel_once_the_restaurant_accepted(shop: Shop) -> None:
    order = o.place_order(shop)
    assert o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id)).status == 200

    reply = o.cancel_order(order["id"])

    assert reply.status == 409
    assert (reply.body["currentStatus"], reply.body["allowed"]) == ("ACCEPTED", [])
    assert reply.body["detail"] == "the order is ACCEPTED and you cannot change it any more"
    assert o.get_order(order["id"]).body["status"] == "ACCEPTED"


def test_another_customer_cannot_cancel_my_order(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.cancel_order(order["id"], claims=o.customer(2))

    assert reply.status == 404
    assert o.get_order(order["id"]).body["status"] == "PLACED"


def test_a_cancelled_order_cannot_be_cancelled_again(shop: Shop) -> None:
    order = o.place_order(shop)
    o.cancel_order(order["id"])

    reply = o.cancel_order(order["id"])

    assert (reply.status, reply.body["currentStatus"], reply.body["allowed"]) == (409, "CANCELLED", [])


# ---- the kitchen view -----------------------------------------------------------------------------------------------


def test_the_kitchen_sees_its_orders_oldest_first(shop: Shop, other_shop: Shop) -> None:
    placed = [o.place_order(shop)["id"], o.place_order(shop, claims=o.customer(2))["id"], o.place_order(shop)["id"]]
    o.place_order(other_shop)

    reply = o.kitchen_orders(shop.id, claims=o.staff(shop.id))

    assert reply.status == 200
    assert _ids(reply) == placed
    first = o.kitchen_orders(shop.id, claims=o.staff(shop.id), query={"limit": "2"})
    assert _ids(first) == placed[:2]
    rest = o.kitchen_orders(shop.id, claims=o.staff(shop.id), query={"limit": "2", "cursor": first.body["nextCursor"]})
    assert (_ids(rest), rest.body["nextCursor"]) == (placed[2:], None)
    assert _ids(o.kitchen_orders(shop.id, claims=ADMIN)) == placed


def test_the_kitchen_view_filters_by_status(shop: Shop) -> None:
    staff = o.staff(shop.id)
    first, second, third = (o.place_order(shop)["id"] for _ in range(3))
    o.transition(shop.id, first, "ACCEPTED", claims=staff)
    o.transition(shop.id, third, "ACCEPTED", claims=staff)
    o.transition(shop.id, third, "PREPARING", claims=staff)

    def with_status(status: str) -> list[str]:
        reply = o.kitchen_orders(shop.id, claims=staff, query={"status": status})
        assert reply.status == 200
        assert {order["status"] for order in reply.body["items"]} <= {status}
        return _ids(reply)

    assert with_status("PLACED") == [second]
    assert with_status("ACCEPTED") == [first]
    assert with_status("PREPARING") == [third]
    assert with_status("DELIVERED") == []
    bad = o.kitchen_orders(shop.id, claims=staff, query={"status": "LOST"})
    assert (bad.status, bad.field_errors()) == (400, ["query.status"])


@pytest.mark.parametrize(
    "claims",
    [pytest.param(o.customer(), id="customer"), pytest.param(o.staff("another-restaurant"), id="staff-of-another")],
)
def test_others_may_not_see_the_kitchen_view(shop: Shop, claims: api.Claims) -> None:
    o.place_order(shop)

    reply = o.kitchen_orders(shop.id, claims=claims)

    assert reply.status == 403


# ---- transitions ---------------------------------------------------------------------------------------------------


def _walk(shop: Shop, order: dict[str, Any], path: list[str]) -> list[api.Reply]:
    staff = o.staff(shop.id)
    replies = []
    for status in path:
        reply = o.transition(shop.id, order["id"], status, claims=staff)
        assert reply.status == 200, reply.body
        replies.append(reply)
    return replies


def _assert_history(order: dict[str, Any], path: list[str]) -> None:
    history = order["history"]
    statuses = ["PLACED", *path]
    assert [(e["from"], e["to"]) for e in history] == list(zip([None, *statuses[:-1]], statuses, strict=True))
    assert history[0]["actor"] == {"type": "customer", "id": "customer-1"}
    assert all(e["actor"] == {"type": "staff", "id": "staff-1"} for e in history[1:])
    stamps = [e["at"] for e in history]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert history[-1]["at"] == order["updatedAt"]


def test_a_delivery_order_goes_all_the_way_with_a_history_entry_and_an_etag_per_step(shop: Shop) -> None:
    order = o.place_order(shop)

    replies = _walk(shop, order, DELIVERY_PATH)

    assert [r.body["status"] for r in replies] == DELIVERY_PATH
    assert [r.etag for r in replies] == ['"2"', '"3"', '"4"', '"5"', '"6"']
    delivered = replies[-1].body
    _assert_history(delivered, DELIVERY_PATH)
    assert delivered["paymentStatus"] == "UNPAID"  # transitions never touch payment
    fetched = o.get_order(order["id"])
    assert (fetched.body, fetched.etag) == (delivered, '"6"')
    assert o.get_order(order["id"], claims=o.staff(shop.id)).body == delivered


def test_a_pickup_order_goes_all_the_way_and_is_never_out_for_delivery(shop: Shop) -> None:
    order = o.place_order(shop, fulfilment="pickup")
    staff = o.staff(shop.id)
    _walk(shop, order, PICKUP_PATH[:-1])

    wrong = o.transition(shop.id, order["id"], "OUT_FOR_DELIVERY", claims=staff)
    assert wrong.status == 409
    assert (wrong.body["currentStatus"], wrong.body["allowed"]) == ("READY", ["PICKED_UP"])

    picked_up = o.transition(shop.id, order["id"], "PICKED_UP", claims=staff)
    assert (picked_up.status, picked_up.etag) == (200, '"5"')
    _assert_history(picked_up.body, PICKUP_PATH)


def test_a_delivery_order_is_never_picked_up(shop: Shop) -> None:
    order = o.place_order(shop)
    _walk(shop, order, DELIVERY_PATH[:3])

    reply = o.transition(shop.id, order["id"], "PICKED_UP", claims=o.staff(shop.id))

    assert (reply.status, reply.body["allowed"]) == (409, ["OUT_FOR_DELIVERY"])


def test_an_illegal_transition_is_a_409_listing_what_is_allowed(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "READY", claims=o.staff(shop.id))

    assert reply.status == 409
    assert reply.body["type"] == "https://waiter.dev/problems/conflict"
    assert reply.body["currentStatus"] == "PLACED"
    assert reply.body["allowed"] == ["ACCEPTED", "REJECTED", "CANCELLED"]
    assert reply.body["detail"] == (
        "the order is PLACED and cannot move to READY; you may move it to ACCEPTED, REJECTED, CANCELLED"
    )
    unchanged = o.get_order(order["id"])
    assert (unchanged.body["status"], unchanged.etag, len(unchanged.body["history"])) == ("PLACED", '"1"', 1)


def test_nothing_leaves_a_terminal_status(shop: Shop) -> None:
    order = o.place_order(shop)
    _walk(shop, order, ["REJECTED"])

    for status in ["PLACED", "ACCEPTED", "CANCELLED"]:
        reply = o.transition(shop.id, order["id"], status, claims=o.staff(shop.id))
        assert (reply.status, reply.body["currentStatus"], reply.body["allowed"]) == (409, "REJECTED", [])


def test_the_restaurant_may_cancel_until_the_order_is_ready(shop: Shop) -> None:
    for steps in ([], ["ACCEPTED"], ["ACCEPTED", "PREPARING"]):
        order = o.place_order(shop)
        _walk(shop, order, steps)
        assert o.transition(shop.id, order["id"], "CANCELLED", claims=o.staff(shop.id)).status == 200
    ready = o.place_order(shop)
    _walk(shop, ready, ["ACCEPTED", "PREPARING", "READY"])
    assert o.transition(shop.id, ready["id"], "CANCELLED", claims=o.staff(shop.id)).status == 409


def test_the_kitchen_route_is_for_the_restaurant_only_even_for_the_orders_customer(shop: Shop) -> None:
    order = o.place_order(shop)

    for to in ("ACCEPTED", "CANCELLED"):
        reply = o.transition(shop.id, order["id"], to, claims=o.customer())
        assert reply.status == 403
    assert o.get_order(order["id"]).body["status"] == "PLACED"


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(o.staff("another-restaurant"), id="staff-of-another"),
        pytest.param(o.customer(2), id="another-customer"),
    ],
)
def test_others_cannot_move_an_order_and_learn_nothing_of_it(shop: Shop, claims: api.Claims) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "ACCEPTED", claims=claims)
    unknown = o.transition(shop.id, "no-such-order", "ACCEPTED", claims=claims)

    # Refused for not working there, before the order is read: the answer is the same whether it exists or not.
    assert reply.status == unknown.status == 403
    assert reply.body["detail"] == unknown.body["detail"]
    assert o.get_order(order["id"]).etag == '"1"'


def test_an_order_is_moved_only_through_its_own_restaurants_route(shop: Shop, other_shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.transition(other_shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id, other_shop.id))

    assert reply.status == 404
    assert o.get_order(order["id"]).body["status"] == "PLACED"


def test_an_unknown_status_is_a_400(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "EATEN", claims=o.staff(shop.id))

    assert (reply.status, reply.field_errors()) == (400, ["body.to"])


# ---- the order contract: version and If-Match, reasons, what the caller may do next --------------------------------


def test_every_order_view_states_its_version_and_the_etag_is_that_version(shop: Shop) -> None:
    order = o.place_order(shop)
    assert order["version"] == 1

    moved = o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id))

    assert (moved.body["version"], moved.etag) == (2, '"2"')
    listed = o.kitchen_orders(shop.id, claims=o.staff(shop.id)).body["items"]
    assert [(item["id"], item["version"]) for item in listed] == [(order["id"], 2)]
    assert o.list_my_orders().body["items"][0]["version"] == 2


def test_a_transition_with_a_stale_if_match_is_a_412_and_changes_nothing(shop: Shop) -> None:
    order = o.place_order(shop)
    staff = o.staff(shop.id)
    assert o.transition(shop.id, order["id"], "ACCEPTED", claims=staff, if_match='"1"').status == 200

    stale = o.transition(shop.id, order["id"], "CANCELLED", claims=staff, if_match='"1"')

    assert stale.status == 412
    assert stale.body["type"] == "https://waiter.dev/problems/precondition-failed"
    assert (stale.body["currentStatus"], stale.body["currentVersion"]) == ("ACCEPTED", 2)
    assert stale.body["allowed"] == ["PREPARING", "CANCELLED"]
    unchanged = o.get_order(order["id"])
    assert (unchanged.body["status"], unchanged.etag) == ("ACCEPTED", '"2"')


def test_a_transition_with_the_current_if_match_or_none_moves_the_order(shop: Shop) -> None:
    order = o.place_order(shop)
    staff = o.staff(shop.id)

    weak = o.transition(shop.id, order["id"], "ACCEPTED", claims=staff, if_match='W/"1"')
    listed = o.transition(shop.id, order["id"], "PREPARING", claims=staff, if_match='"1", "2"')
    anything = o.transition(shop.id, order["id"], "READY", claims=staff, if_match="*")
    without = o.transition(shop.id, order["id"], "OUT_FOR_DELIVERY", claims=staff)

    assert [r.status for r in (weak, listed, anything, without)] == [200, 200, 200, 200]
    assert without.etag == '"5"'


def test_a_customer_cancel_with_a_stale_if_match_is_a_412(shop: Shop) -> None:
    order = o.place_order(shop)
    assert o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id)).status == 200

    reply = o.cancel_order(order["id"], if_match='"1"')

    assert (reply.status, reply.body["currentStatus"]) == (412, "ACCEPTED")


def test_an_if_match_that_names_no_version_is_a_412(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id), if_match='"abc"')

    assert reply.status == 412
    assert o.get_order(order["id"]).body["status"] == "PLACED"


def test_rejecting_an_order_needs_a_reason_and_its_customer_reads_it(shop: Shop) -> None:
    order = o.place_order(shop)
    staff = o.staff(shop.id)

    for missing in (None, "   "):
        refused = o.transition(shop.id, order["id"], "REJECTED", claims=staff, reason=missing)
        assert (refused.status, refused.field_errors()) == (400, ["body.reason"])
    rejected = o.transition(shop.id, order["id"], "REJECTED", claims=staff, reason="  The oven is broken today ")

    assert rejected.status == 200
    seen = o.get_order(order["id"]).body
    assert (seen["status"], seen["statusReason"]) == ("REJECTED", "The oven is broken today")
    assert seen["history"][-1]["reason"] == "The oven is broken today"
    assert seen["allowedTransitions"] == []


def test_a_customer_may_say_why_they_cancel_and_need_not(shop: Shop) -> None:
    with_reason, without = o.place_order(shop), o.place_order(shop)

    said = o.cancel_order(with_reason["id"], reason="ordered by mistake")
    silent = o.cancel_order(without["id"])

    assert (said.status, said.body["statusReason"], said.body["history"][-1]["reason"]) == (
        200,
        "ordered by mistake",
        "ordered by mistake",
    )
    assert (silent.status, silent.body["statusReason"], silent.body["history"][-1]["reason"]) == (200, None, None)


def test_a_reason_on_a_move_that_is_not_a_refusal_is_a_400(shop: Shop) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id), reason="on it")

    assert (reply.status, reply.field_errors()) == (400, ["body.reason"])
    assert o.get_order(order["id"]).etag == '"1"'


@pytest.mark.parametrize(
    "reason",
    [pytest.param("x" * 281, id="longer-than-280"), pytest.param("line\nbreak", id="control-character"),
     pytest.param(42, id="not-a-string")],
)  # fmt: skip
def test_a_reason_that_is_too_long_or_not_plain_text_is_a_400(shop: Shop, reason: Any) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], "REJECTED", claims=o.staff(shop.id), reason=reason)

    assert (reply.status, reply.field_errors()) == (400, ["body.reason"])


def test_allowed_transitions_are_what_this_caller_may_do_now(shop: Shop) -> None:
    order = o.place_order(shop, fulfilment="pickup")
    staff = o.staff(shop.id)

    def allowed(claims: api.Claims) -> list[str]:
        return list(o.get_order(order["id"], claims=claims).body["allowedTransitions"])

    assert allowed(o.customer()) == ["CANCELLED"]
    assert allowed(staff) == ["ACCEPTED", "REJECTED", "CANCELLED"]
    accepted = o.transition(shop.id, order["id"], "ACCEPTED", claims=staff)
    assert accepted.body["allowedTransitions"] == ["PREPARING", "CANCELLED"]
    assert allowed(o.customer()) == []
    _walk(shop, order, ["PREPARING", "READY"])
    assert allowed(staff) == ["PICKED_UP"]  # a pickup order is never OUT_FOR_DELIVERY


# ---- ready-time estimates ------------------------------------------------------------------------------------------


def _minutes_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds() / 60


def test_an_order_is_estimated_from_the_restaurants_times_then_from_the_kitchens(services: None) -> None:
    shop = o.open_shop(defaultPrepMinutes=25, deliveryMinutes=40)
    order = o.place_order(shop)
    assert _minutes_between(order["createdAt"], order["estimatedReadyAt"]) == 25
    assert _minutes_between(order["estimatedReadyAt"], order["estimatedDeliveredAt"]) == 40

    accepted = o.transition(shop.id, order["id"], "ACCEPTED", claims=o.staff(shop.id), prepMinutes=50)

    assert accepted.status == 200, accepted.body
    assert (accepted.body["prepMinutes"], accepted.body["deliveryMinutes"]) == (50, 40)
    assert _minutes_between(accepted.body["updatedAt"], accepted.body["estimatedReadyAt"]) == 50
    assert _minutes_between(accepted.body["estimatedReadyAt"], accepted.body["estimatedDeliveredAt"]) == 40
    assert o.get_order(order["id"]).body["estimatedReadyAt"] == accepted.body["estimatedReadyAt"]  # the customer's
    _walk(shop, order, ["PREPARING"])
    ready = o.transition(shop.id, order["id"], "READY", claims=o.staff(shop.id)).body
    assert ready["estimatedReadyAt"] is None
    assert _minutes_between(ready["updatedAt"], ready["estimatedDeliveredAt"]) == 40
    done = _walk(shop, order, ["OUT_FOR_DELIVERY", "DELIVERED"])[-1].body
    assert (done["estimatedReadyAt"], done["estimatedDeliveredAt"]) == (None, None)


def test_a_pickup_order_has_no_delivery_estimate_and_a_partner_may_estimate_too(services: None) -> None:
    shop = o.open_shop(defaultPrepMinutes=15)
    order = o.place_order(shop, fulfilment="pickup")
    assert (order["estimatedDeliveredAt"], order["deliveryMinutes"]) == (None, None)

    accepted = o.partner_transition(order["id"], "ACCEPTED", partner=o.Partner("k1", shop.id), prepMinutes=5)

    assert _minutes_between(accepted.body["updatedAt"], accepted.body["estimatedReadyAt"]) == 5
    assert accepted.body["estimatedDeliveredAt"] is None


@pytest.mark.parametrize(
    ("to", "minutes", "field"),
    [("ACCEPTED", 0, "body.prepMinutes"), ("ACCEPTED", 241, "body.prepMinutes"), ("ACCEPTED", "10", "body.prepMinutes"),
     ("CANCELLED", 10, "body.prepMinutes")],
)  # fmt: skip
def test_a_preparation_estimate_out_of_range_or_not_on_accepting_is_a_400(
    shop: Shop, to: str, minutes: Any, field: str
) -> None:
    order = o.place_order(shop)

    reply = o.transition(shop.id, order["id"], to, claims=o.staff(shop.id), prepMinutes=minutes)

    assert (reply.status, reply.field_errors()) == (400, [field])
    assert o.get_order(order["id"]).etag == '"1"'
