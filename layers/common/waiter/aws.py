"""AWS clients for the repositories and adapters that call AWS: botocore's low-level clients, created on first use.

botocore rather than boto3: Waiter uses clients only (no resources, no S3 transfers), and building them from
botocore's session skips importing boto3's resource and transfer machinery, which cost every function's first
request about 20 ms and 2-3 MB of memory for nothing (docs/performance.md, P1 (b) and P4).

One botocore session per process, so clients of different services share its loaded configuration. Region,
credentials and ``AWS_ENDPOINT_URL`` (how the local gateway points handlers at moto) come from the environment,
exactly as boto3 would read them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.session import Session


@cache
def _session() -> Session:
    import botocore.session  # noqa: PLC0415 - deferred: importing a handler costs no AWS set-up

    return botocore.session.get_session()


def client(service_name: str, *, validate_parameters: bool = True) -> Any:
    """A new low-level client for ``service_name`` (callers cache it).

    ``validate_parameters=False`` skips botocore's client-side check of each request against the service model: for
    DynamoDB, whose requests the repositories build and the test suite validates (tests/conftest.py turns the check
    back on), it is a third of the time botocore spends per call.
    """
    from botocore.config import Config  # noqa: PLC0415

    return _session().create_client(service_name, config=Config(parameter_validation=validate_parameters))
