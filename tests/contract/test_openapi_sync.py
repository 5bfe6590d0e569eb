"""openapi.json (served by ApiDocsFunction and committed for clients) is exactly what the handlers generate."""

from __future__ import annotations

import json

from local.openapi import DOCUMENT, SERVED, generate, rendered


def test_committed_openapi_documents_match_what_the_handlers_generate() -> None:
    expected = rendered(generate())
    stale = [str(path) for path, text in expected.items() if not path.exists() or path.read_text("utf-8") != text]
    assert stale == [], "run `make openapi` and commit the result"


def test_the_function_serves_the_committed_document_without_its_indentation() -> None:
    served, committed = SERVED.read_text("utf-8"), DOCUMENT.read_text("utf-8")

    assert json.loads(served) == json.loads(committed)
    assert len(served) < len(committed) * 0.6
