"""asyncapi.yaml is what the domain event models generate (``make asyncapi``), and names every event type."""

from __future__ import annotations

import yaml

from local.asyncapi import OUTPUT, render
from waiter.events.models import EVENT_TYPES


def test_committed_asyncapi_document_matches_what_the_event_models_generate() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(), "run `make asyncapi`"


def test_asyncapi_document_is_version_3_and_describes_every_domain_event() -> None:
    document = yaml.safe_load(OUTPUT.read_text(encoding="utf-8"))
    assert document["asyncapi"].startswith("3.")
    assert set(document["components"]["messages"]) == {e.DETAIL_TYPE for e in EVENT_TYPES}
    for event in EVENT_TYPES:
        detail = document["components"]["schemas"][event.__name__]
        assert {"eventId", "occurredAt", "schemaVersion"} <= set(detail["properties"])


def test_asyncapi_document_describes_every_websocket_action_and_frame() -> None:
    from tests.contract.template_facts import websocket_routes
    from waiter.adapters.websocket import ACTIONS

    live = yaml.safe_load(OUTPUT.read_text(encoding="utf-8"))["channels"]["live"]["messages"]
    assert set(ACTIONS) == set(websocket_routes()) - {"$connect", "$disconnect", "$default"}
    assert {"subscribe", "unsubscribe", "ping", "subscribed", "order", "unsubscribed", "pong", "error"} == set(live)
    assert live["order"]["payload"]["properties"]["order"] == {"$ref": "#/components/schemas/OrderView"}
