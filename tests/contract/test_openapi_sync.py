"""openapi.json (served by ApiDocsFunction and committed for clients) is exactly what the handlers generate."""

from __future__ import annotations

from local.openapi import OUTPUTS, generate, render


def test_committed_openapi_documents_match_what_the_handlers_generate() -> None:
    expected = render(generate())
    stale = [str(path) for path in OUTPUTS if not path.exists() or path.read_text(encoding="utf-8") != expected]
    assert stale == [], "run `make openapi` and commit the result"
