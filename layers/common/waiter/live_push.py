"""The API Gateway Management API (``apigatewaymanagementapi``): posting frames to WebSocket connections.

botocore's standard retry mode retries throttled posts (``LimitExceededException``, 429) with backoff; short
timeouts keep one slow connection from holding up the others for long. A ``GoneException`` (410) means the client
went away without ``$disconnect`` having run yet: the caller deletes the connection.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from waiter.realtime.notifier import StillThrottled

MAX_ATTEMPTS = 3  # the first try and two retries of a throttled post
CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 2.0
_THROTTLED = frozenset({"LimitExceededException", "TooManyRequestsException", "ThrottlingException"})


class ConnectionPoster:
    """Posts to the connections of the API at ``endpoint_url`` (``https://<api>.execute-api.<region>.amazonaws.com/
    <stage>``, or the local gateway's)."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url

    @cached_property
    def _client(self) -> Any:
        from botocore.config import Config  # noqa: PLC0415 - deferred: importing a handler costs no AWS set-up

        from waiter.aws import _session  # noqa: PLC0415

        config = Config(
            retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
        )
        return _session().create_client("apigatewaymanagementapi", endpoint_url=self.endpoint_url, config=config)

    def post(self, connection_id: str, data: str) -> bool:
        """Send ``data`` to the connection: True when sent, False when it is gone (410)."""
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data.encode())
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
            if code == "GoneException":
                return False
            if code in _THROTTLED:
                raise StillThrottled(f"posting to {connection_id} stayed throttled") from error
            raise
        return True
