"""POST, GET, PATCH and DELETE /v1/restaurants[/{restaurantId}] through their Lambda handlers, on moto."""

from __future__ import annotations

from typing import Any

import pytest

from local import samples
from tests.handlers import api
from tests.handlers.api import staff_claims
from tests.support import ADMIN, CUSTOMER
from tests.unit.builders import restaurant_body

RESTAURANT_FIELDS = {
    "id",
    "name",
    "description",
    "cuisines",
    "address",
    "openingHours",
    "currency",
    "taxRateBps",
    "deliveryFee",
    "minimumOrder",
    "active",
    "createdAt",
    "updatedAt",
    "defaultPrepMinutes",
    "deliveryMinutes",
    "timeZone",
    # computed as it is read (docs/hours.md)
    "openNow",
    "nextOpensAt",
    "acceptingOrders",
    "pausedUntil",
    "pauseReason",
}


# ---- POST /v1/restaurants -------------------------------------------------------------------------------------


def test_an_admin_creates_a_restaurant(table: str) -> None:
    reply = api.create_restaurant(restaurant_body())

    assert reply.status == 201
    assert set(reply.body) == RESTAURANT_FIELDS
    assert reply.body["name"] == "Pizza Roma"
    assert reply.body["address"]["city"] == "Berlin"
    assert reply.body["openingHours"] == {**samples.AROUND_THE_CLOCK, "exceptions": []}
    assert (reply.body["timeZone"], reply.body["openNow"], reply.body["acceptingOrders"]) == (
        "Europe/Berlin",
        True,
        True,
    )
    assert (reply.body["taxRateBps"], reply.body["deliveryFee"], reply.body["minimumOrder"]) == (700, 250, 1000)
    assert reply.body["active"] is True
    assert reply.body["createdAt"] == reply.body["updatedAt"]
    assert reply.etag == '"1"'
    assert reply.headers["Location"] == f"/v1/restaurants/{reply.body['id']}"
    assert reply.headers["Content-Type"] == "application/json"

    fetched = api.get_restaurant(reply.body["id"])
    assert (fetched.status, fetched.body) == (200, reply.body)
    assert str(fetched.etag).startswith('"1-')  # a public read: the version and a digest of the body


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(staff_claims("any"), id="staff"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_only_admins_create_restaurants(table: str, claims: api.Claims | None) -> None:
    reply = api.create_restaurant(restaurant_body(), claims=claims)

    assert reply.status == 403
    assert reply.body["type"] == "https://waiter.dev/problems/forbidden"
    assert api.table_snapshot() == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param("{not json", ["body"], id="malformed-json"),
        pytest.param("", ["body"], id="empty-body"),
        pytest.param([restaurant_body()], ["body"], id="array-not-object"),
        pytest.param(restaurant_body(active=False), ["body.active"], id="unknown-field-active"),
        pytest.param(restaurant_body(id="chosen"), ["body.id"], id="unknown-field-id"),
        pytest.param(restaurant_body(taxRateBps="700"), ["body.taxRateBps"], id="string-for-integer"),
        pytest.param(restaurant_body(deliveryFee=2.5), ["body.deliveryFee"], id="float-for-integer"),
        pytest.param(restaurant_body(currency="EURO"), ["body.currency"], id="unknown-currency"),
        pytest.param(restaurant_body(cuisines="pizza"), ["body.cuisines"], id="string-for-list"),
        pytest.param(
            restaurant_body(address={"line1": "1 Main St", "city": "Berlin", "postcode": "10115"}),
            ["body.address.country"],
            id="missing-nested-field",
        ),
        pytest.param({k: v for k, v in restaurant_body().items() if k != "name"}, ["body.name"], id="missing-required"),
        pytest.param(
            restaurant_body(openingHours={"weekly": {"mon": [{"opens": "25:00", "closes": "22:00"}]}}),
            ["body.openingHours.weekly.mon.0.opens"],
            id="bad-time",
        ),
        pytest.param(
            restaurant_body(
                openingHours={
                    "weekly": {"mon": [{"opens": "11:00", "closes": "15:00"}, {"opens": "14:00", "closes": "22:00"}]}
                }
            ),
            ["body.openingHours.weekly.mon"],
            id="overlapping-ranges",
        ),
        pytest.param(
            restaurant_body(
                openingHours={"weekly": {}, "exceptions": [{"date": "2026-12-25"}, {"date": "2026-12-25"}]}
            ),
            ["body.openingHours"],
            id="two-exceptions-for-a-date",
        ),
        pytest.param(
            restaurant_body(openingHours={"weekly": {"someday": []}}),
            ["body.openingHours.weekly.someday"],
            id="unknown-day",
        ),
        pytest.param(restaurant_body(timeZone="Mars/Olympus_Mons"), ["body.timeZone"], id="unknown-time-zone"),
        pytest.param(restaurant_body(timeZone="/etc/localtime"), ["body.timeZone"], id="path-as-time-zone"),
        pytest.param(
            {k: v for k, v in restaurant_body().items() if k != "timeZone"}, ["body.timeZone"], id="missing-time-zone"
        ),
    ],
)
def test_a_bad_restaurant_is_rejected_naming_the_field(table: str, body: Any, fields: list[str]) -> None:
    reply = api.create_restaurant(body)

    assert reply.status == 400
    assert reply.field_errors() == fields
    assert reply.body["type"] == "https://waiter.dev/problems/validation-failed"
    assert fields[0] in reply.body["detail"]
    assert api.table_snapshot() == []


def test_a_restaurant_body_over_64_kb_is_rejected_unread(table: str) -> None:
    reply = api.create_restaurant(api.oversized_body())

    assert reply.status == 413
    assert reply.field_errors() == ["body"]
    assert api.table_snapshot() == []


def test_a_body_of_exactly_64_kb_is_not_too_large(table: str) -> None:
    reply = api.create_restaurant(api.oversized_body(64 * 1024))

    assert reply.status == 400  # read and validated (it lacks every required field), not refused for its size


# ---- GET /v1/restaurants/{restaurantId} ---------------------------------------------------------------------------


def test_anyone_reads_an_active_restaurant(restaurant: dict[str, Any]) -> None:
    for claims in [None, CUSTOMER, ADMIN]:
        reply = api.get_restaurant(restaurant["id"], claims=claims)
        assert (reply.status, reply.body) == (200, restaurant)
        # anonymous: the public tag (version and body digest); signed in: private, the plain version
        assert str(reply.etag).startswith('"1-') if claims is None else reply.etag == '"1"'


def test_an_unknown_restaurant_is_not_found(table: str) -> None:
    reply = api.get_restaurant("does-not-exist")

    assert reply.status == 404
    assert reply.body["type"] == "https://waiter.dev/problems/not-found"
    assert "does-not-exist" in reply.body["detail"]


# ---- PATCH /v1/restaurants/{restaurantId} -------------------------------------------------------------------------


def test_an_admin_updates_a_restaurant_and_gets_the_new_etag(restaurant: dict[str, Any]) -> None:
    reply = api.update_restaurant(restaurant["id"], {"name": "Roma Nuova", "deliveryFee": 0})

    assert reply.status == 200
    assert set(reply.body) == RESTAURANT_FIELDS
    assert (reply.body["name"], reply.body["deliveryFee"], reply.body["cuisines"]) == (
        "Roma Nuova",
        0,
        ["pizza", "italian"],
    )
    assert reply.body["createdAt"] == restaurant["createdAt"]
    assert reply.etag == '"2"'
    assert api.get_restaurant(restaurant["id"]).body == reply.body


def test_staff_of_the_restaurant_update_it(restaurant: dict[str, Any]) -> None:
    reply = api.update_restaurant(
        restaurant["id"], {"description": "Now with delivery"}, claims=staff_claims(restaurant["id"])
    )

    assert (reply.status, reply.body["description"], reply.etag) == (200, "Now with delivery", '"2"')


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(staff_claims("another-restaurant"), id="staff-of-another"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_others_may_not_update_a_restaurant(restaurant: dict[str, Any], claims: api.Claims | None) -> None:
    before = api.table_snapshot()

    reply = api.update_restaurant(restaurant["id"], {"name": "Hijacked"}, claims=claims)

    assert reply.status == 403
    assert api.table_snapshot() == before


def test_staff_may_not_change_whether_their_restaurant_is_active(restaurant: dict[str, Any]) -> None:
    before = api.table_snapshot()

    reply = api.update_restaurant(restaurant["id"], {"active": False}, claims=staff_claims(restaurant["id"]))

    assert reply.status == 403
    assert api.table_snapshot() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param("{", ["body"], id="malformed-json"),
        pytest.param({"id": "other"}, ["body.id"], id="id-is-not-patchable"),
        pytest.param({"version": 9}, ["body.version"], id="version-is-not-patchable"),
        pytest.param({"currency": "USD"}, ["body.currency"], id="currency-is-not-patchable"),
        pytest.param({"name": None}, ["body.name"], id="null"),
        pytest.param({"name": ""}, ["body.name"], id="empty-name"),
        pytest.param({"taxRateBps": 5001}, ["body.taxRateBps"], id="out-of-range"),
        pytest.param({"active": "no"}, ["body.active"], id="string-for-boolean"),
        pytest.param({"cuisines": []}, ["body.cuisines"], id="empty-cuisines"),
    ],
)
def test_a_bad_patch_is_rejected_and_changes_nothing(restaurant: dict[str, Any], body: Any, fields: list[str]) -> None:
    before = api.table_snapshot()

    reply = api.update_restaurant(restaurant["id"], body)

    assert reply.status == 400
    assert reply.field_errors() == fields
    assert api.table_snapshot() == before


def test_an_oversized_patch_is_rejected_and_changes_nothing(restaurant: dict[str, Any]) -> None:
    before = api.table_snapshot()

    reply = api.update_restaurant(restaurant["id"], api.oversized_body())

    assert reply.status == 413
    assert api.table_snapshot() == before


def test_patching_an_unknown_restaurant_is_not_found(table: str) -> None:
    reply = api.update_restaurant("does-not-exist", {"name": "X"})

    assert reply.status == 404
    assert api.table_snapshot() == []


def test_a_patch_with_the_current_etag_succeeds(restaurant: dict[str, Any]) -> None:
    current = api.get_restaurant(restaurant["id"]).etag
    assert current is not None

    reply = api.update_restaurant(restaurant["id"], {"name": "B"}, headers={"If-Match": current})

    assert (reply.status, reply.etag) == (200, '"2"')


def test_a_patch_with_a_stale_etag_fails_the_precondition_and_writes_nothing(restaurant: dict[str, Any]) -> None:
    assert api.update_restaurant(restaurant["id"], {"name": "B"}).etag == '"2"'
    before = api.table_snapshot()

    reply = api.update_restaurant(restaurant["id"], {"name": "C"}, headers={"If-Match": '"1"'})

    assert reply.status == 412
    assert reply.body["type"] == "https://waiter.dev/problems/precondition-failed"
    assert api.table_snapshot() == before
    assert api.get_restaurant(restaurant["id"]).body["name"] == "B"


def test_renaming_a_restaurant_moves_it_in_the_listing(restaurant: dict[str, Any]) -> None:
    api.create_restaurant(restaurant_body(name="Mango Tree"))

    api.update_restaurant(restaurant["id"], {"name": "Zucca", "cuisines": ["vegan"]})

    assert [s["name"] for s in api.list_restaurants().body["items"]] == ["Mango Tree", "Zucca"]
    assert [s["name"] for s in api.list_restaurants({"cuisine": "vegan"}).body["items"]] == ["Zucca"]
    assert api.list_restaurants({"cuisine": "pizza"}).body["items"][0]["name"] == "Mango Tree"


# ---- DELETE /v1/restaurants/{restaurantId} ------------------------------------------------------------------------


def test_deleting_a_restaurant_deactivates_it(restaurant: dict[str, Any]) -> None:
    rid = restaurant["id"]

    reply = api.delete_restaurant(rid)

    assert (reply.status, reply.body) == (204, None)
    assert api.get_restaurant(rid).status == 404
    assert api.get_restaurant(rid, claims=CUSTOMER).status == 404
    assert api.get_menu(rid).status == 404
    assert api.list_restaurants().body["items"] == []
    assert api.list_restaurants({"city": "berlin", "cuisine": "pizza"}).body["items"] == []

    seen_by_admin = api.get_restaurant(rid, claims=ADMIN)
    assert seen_by_admin.status == 200
    assert seen_by_admin.body["active"] is False
    assert seen_by_admin.etag == '"2"'
    seen_by_staff = api.get_restaurant(rid, claims=staff_claims(rid))
    assert (seen_by_staff.status, seen_by_staff.body["active"]) == (200, False)


def test_deleting_twice_is_harmless(restaurant: dict[str, Any]) -> None:
    assert api.delete_restaurant(restaurant["id"]).status == 204
    before = api.table_snapshot()

    assert api.delete_restaurant(restaurant["id"]).status == 204
    assert api.table_snapshot() == before


def test_an_admin_reactivates_a_deleted_restaurant(restaurant: dict[str, Any]) -> None:
    api.delete_restaurant(restaurant["id"])

    reply = api.update_restaurant(restaurant["id"], {"active": True})

    assert (reply.status, reply.body["active"], reply.etag) == (200, True, '"3"')
    assert [s["id"] for s in api.list_restaurants().body["items"]] == [restaurant["id"]]


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(CUSTOMER, id="customer"),
        pytest.param(staff_claims("SELF"), id="staff-of-the-restaurant"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_only_admins_delete_restaurants(restaurant: dict[str, Any], claims: api.Claims | None) -> None:
    if claims is not None and claims.get("custom:restaurants") == "SELF":
        claims = staff_claims(restaurant["id"])
    before = api.table_snapshot()

    reply = api.delete_restaurant(restaurant["id"], claims=claims)

    assert reply.status == 403
    assert api.table_snapshot() == before


def test_deleting_an_unknown_restaurant_is_not_found(table: str) -> None:
    assert api.delete_restaurant("does-not-exist").status == 404


def test_a_delete_with_the_current_etag_succeeds(restaurant: dict[str, Any]) -> None:
    reply = api.delete_restaurant(restaurant["id"], headers={"If-Match": '"1"'})

    assert reply.status == 204
    assert api.get_restaurant(restaurant["id"], claims=ADMIN).etag == '"2"'


def test_a_delete_with_a_stale_etag_fails_the_precondition_and_writes_nothing(restaurant: dict[str, Any]) -> None:
    api.update_restaurant(restaurant["id"], {"name": "B"})
    before = api.table_snapshot()

    reply = api.delete_restaurant(restaurant["id"], headers={"if-match": 'W/"1"'})

    assert reply.status == 412
    assert api.table_snapshot() == before
    assert api.get_restaurant(restaurant["id"]).status == 200


# ---- ready-time estimates -------------------------------------------------------------------------------------------


def test_a_restaurant_states_its_preparation_and_delivery_times(table: str) -> None:
    given = api.create_restaurant(restaurant_body(defaultPrepMinutes=25, deliveryMinutes=40))
    without = {k: v for k, v in restaurant_body().items() if k not in ("defaultPrepMinutes", "deliveryMinutes")}
    defaults = api.create_restaurant(without)

    assert (given.body["defaultPrepMinutes"], given.body["deliveryMinutes"]) == (25, 40)
    assert (defaults.body["defaultPrepMinutes"], defaults.body["deliveryMinutes"]) == (20, 30)
    patched = api.update_restaurant(given.body["id"], {"defaultPrepMinutes": 15})
    assert (patched.status, patched.body["defaultPrepMinutes"], patched.body["deliveryMinutes"]) == (200, 15, 40)


@pytest.mark.parametrize(
    ("field", "value"),
    [("defaultPrepMinutes", 0), ("defaultPrepMinutes", 241), ("deliveryMinutes", 0), ("deliveryMinutes", 181),
     ("deliveryMinutes", "30"), ("defaultPrepMinutes", 12.5)],
)  # fmt: skip
def test_preparation_and_delivery_times_outside_their_range_are_a_400(table: str, field: str, value: object) -> None:
    created = api.create_restaurant(restaurant_body(**{field: value}))
    ok = api.create_restaurant(restaurant_body())
    patched = api.update_restaurant(ok.body["id"], {field: value})

    assert (created.status, created.field_errors()) == (400, [f"body.{field}"])
    assert (patched.status, patched.field_errors()) == (400, [f"body.{field}"])
