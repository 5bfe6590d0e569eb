"""GraphiQL for ``make dev``, offline: ``GET /v1/graphql`` with ``Accept: text/html`` answers the GraphiQL page, whose
scripts and styles are served by the gateway at ``/_local/graphiql/``. They come from npm packages (``graphiql``
and the React it is built for), fetched with ``npm pack`` once (``python -m local.graphiql``, run by ``make dev``)
into ``local/.graphiql/`` (not committed); no CDN is ever asked. The deployed API never serves HTML: this is the
local gateway's, beside the GraphQL function.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGES = {  # npm package -> {file in its tarball: name served}
    "graphiql@3.9.0": {"package/graphiql.min.js": "graphiql.min.js", "package/graphiql.min.css": "graphiql.min.css"},
    "react@18.3.1": {"package/umd/react.production.min.js": "react.production.min.js"},
    "react-dom@18.3.1": {"package/umd/react-dom.production.min.js": "react-dom.production.min.js"},
}
ASSETS = Path(__file__).resolve().parent / ".graphiql"
PATH = "/_local/graphiql/"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waiter GraphQL</title>
<link rel="stylesheet" href="{path}graphiql.min.css">
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head><body><div id="graphiql">Loading GraphiQL...</div>
<script src="{path}react.production.min.js"></script>
<script src="{path}react-dom.production.min.js"></script>
<script src="{path}graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({{ url: "/v1/graphql" }});
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true,
    defaultHeaders: '{{"Authorization": "Bearer <idToken from POST /v1/auth/login>"}}' }}));
</script></body></html>
"""


def available() -> bool:
    return all((ASSETS / name).is_file() for files in PACKAGES.values() for name in files.values())


def page() -> bytes:
    """The GraphiQL page (its assets from this gateway)."""
    return _PAGE.format(path=PATH).encode()


def asset(name: str) -> tuple[bytes, str] | None:
    """A vendored file and its media type; None for anything else."""
    if "/" in name or name not in {n for files in PACKAGES.values() for n in files.values()}:
        return None
    found = ASSETS / name
    return (found.read_bytes(), _TYPES[found.suffix]) if found.is_file() else None


def vendor() -> None:
    """Fetch the packages with ``npm pack`` (the npm registry, no CDN) and keep the files GraphiQL needs."""
    ASSETS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="graphiql-") as scratch:
        subprocess.run(  # noqa: S603 - npm with pinned package names
            ["npm", "pack", "--silent", *PACKAGES],  # noqa: S607 - the npm on PATH
            cwd=scratch,
            check=True,
            capture_output=True,
            timeout=300,
        )
        for spec, files in PACKAGES.items():
            name, version = spec.rsplit("@", 1)
            with tarfile.open(Path(scratch) / f"{name}-{version}.tgz") as archive:
                for member, target in files.items():
                    extracted = archive.extractfile(member)
                    if extracted is None:
                        raise RuntimeError(f"{spec} has no {member}")
                    (ASSETS / target).write_bytes(io.BytesIO(extracted.read()).getvalue())


def main() -> int:
    if available():
        return 0
    try:
        vendor()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        print(f"GraphiQL not vendored ({error}); GET /v1/graphql with text/html will say so", file=sys.stderr)
        return 0  # make dev runs without it
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
