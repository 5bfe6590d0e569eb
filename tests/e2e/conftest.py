"""End-to-end fixtures: the API under test over HTTP.

By default the local gateway runs as a subprocess (``python -m local.gateway --port 0``) with its demo data.
Set ``WAITER_BASE_URL`` (e.g. ``https://abc123.execute-api.us-east-1.amazonaws.com/dev``) to run the same
tests, unchanged, against a deployed stage seeded with ``python -m local.seed``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from local.gateway import spawn


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The deployed stage named by WAITER_BASE_URL, or else a local gateway started for this session."""
    deployed = os.environ.get("WAITER_BASE_URL")
    if deployed:
        yield deployed.rstrip("/")
        return
    url, stop = spawn(port=0)
    try:
        yield url
    finally:
        stop()


@pytest.fixture(scope="session")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def listing(api: httpx.Client) -> list[dict[str, Any]]:
    """Every restaurant of the public listing (one page of up to 100)."""
    response = api.get("/v1/restaurants", params={"limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture(scope="session")
def restaurant_id(listing: list[dict[str, Any]]) -> str:
    return str(listing[0]["id"])
