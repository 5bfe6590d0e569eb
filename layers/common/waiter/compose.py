"""Composition root: builds each service with its repository from the settings, once per process.

Adapters (REST handlers now; GraphQL, WebSocket and SOAP later) ask here for services instead of wiring
repositories themselves, so every protocol runs the same rules over the same storage.
"""

from __future__ import annotations

from functools import cache

from waiter.catalog.service import CatalogService
from waiter.settings import get_settings


@cache
def catalog_service() -> CatalogService:
    from waiter.repository.catalog import CatalogRepository  # noqa: PLC0415 - keeps domain imports storage-free

    settings = get_settings()
    return CatalogService(CatalogRepository(settings.table_name, settings.cursor_secret))
