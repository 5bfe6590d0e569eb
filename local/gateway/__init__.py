"""The Docker-free local API Gateway: template.yaml's REST API served over HTTP, its functions run in-process
against an embedded moto with the template's resources and demo data, every route guarded as the template declares
(Cognito and Lambda authorizers, API keys, usage plans: ``local.gateway.security``).

    python -m local.gateway [--port 3000]      # what `make dev` runs

For tests: ``serve_in_background()`` runs it in this process, ``spawn()`` as a subprocess; both return
``(base_url, stop)``; ``websocket_url(banner)`` reads the WebSocket API's URL from a spawned gateway's banner.
"""

from __future__ import annotations

from local.gateway.process import spawn, websocket_url
from local.gateway.server import serve_in_background

__all__ = ["serve_in_background", "spawn", "websocket_url"]
