"""AWS clients for the repositories and adapters that call AWS: botocore's low-level clients, created on first use.

botocore rather than boto3: Waiter uses clients only (no resources, no S3 transfers), and building them from
botocore's session skips importing boto3's resource and transfer machinery, which cost every function's first
request about 20 ms and 2-3 MB of memory for nothing (docs/performance.md, P1 (b) and P4).

One botocore session per process, so clients of different services share its loaded configuration. Region,
credentials and ``AWS_ENDPOINT_URL`` (how the local gateway points handlers at moto) come from the environment,
exactly as boto3 would read them.

DynamoDB clients use the regional endpoint (``dynamodb.<region>.amazonaws.com``), not the account-based one
(``<account>.ddb.<region>.amazonaws.com``): ``account_id_endpoint_mode="disabled"``. In the default mode botocore
evaluates, on every call, a JMESPath expression over the whole request to collect the table ARNs an account-based
endpoint would be chosen from (for a transaction it walks every item), and the endpoint rules cannot be served from
botocore's cache because that list changes per call: together about half of the time botocore spends on a
stubbed TransactWriteItems (docs/performance.md, P2). The regional endpoint is DynamoDB's documented, fully
supported endpoint (the only one before account-based endpoints existed), signing and IAM are unchanged, and with
the mode disabled the endpoint rules never read those ARNs, so the collecting is dropped from the service model as
it loads (``_regional_service_model``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.session import Session

# Services whose clients use their regional endpoint rather than an account-based one (see the module docstring).
REGIONAL_ENDPOINT_SERVICES = frozenset({"dynamodb"})
# Services whose request bodies are dumped directly (``_direct_json_body``): JSON protocol, no renamed members.
DIRECT_JSON_BODY_SERVICES = frozenset({"dynamodb"})


@cache
def _session() -> Session:
    import botocore.session  # noqa: PLC0415 - deferred: importing a handler costs no AWS set-up

    return botocore.session.get_session()


@cache
def _regional_service_model(service_name: str) -> None:
    """Drops, from the service model this process's session has loaded (and caches: clients are built from that
    copy), the operation context parameters - the table ARNs of each request, gathered by JMESPath - that only
    account-based endpoint rules read. Clients of these services are always created with the account-based mode
    disabled (``client``), so the rules never look at them."""
    loader = _session().get_component("data_loader")
    # the same arguments botocore's client creator passes, so this is the cached copy clients are built from
    model = loader.load_service_model(service_name, "service-2", api_version=None)
    for operation in model.get("operations", {}).values():
        operation.pop("operationContextParams", None)


def _not_json_native(value: object) -> object:
    raise TypeError(type(value).__name__)


def _direct_json_body(serializer: Any) -> Any:
    """botocore's JSON-protocol serializer with the request body written by ``json.dumps`` directly.

    botocore builds a JSON body by walking the request beside the service model, member by member, and then dumps the
    copy it built: for a DynamoDB transaction of seven items that walk is most of the time botocore spends on a call
    (docs/performance.md, P2). For a request of JSON-native values only (strings, numbers, booleans, lists, maps),
    which is every request the repositories build, the walk changes nothing - DynamoDB's input shapes rename no
    member - so the body is byte for byte what botocore would send (a test compares them). Anything else (bytes,
    which botocore base64-encodes, dates, non-finite numbers) falls back to botocore's own serializer. Headers, method
    and URL still come from botocore. Client-side validation, when on, still runs first (it wraps this serializer).
    """
    from botocore.serialize import JSONSerializer  # noqa: PLC0415

    class DirectJSONBody(type(serializer)):  # type: ignore[misc]
        def serialize_to_request(self, parameters: dict[str, Any], operation_model: Any) -> dict[str, Any]:
            try:
                # check_circular=False: the encoder otherwise records every map and list it enters to detect a cycle,
                # which was half of the time to dump a restaurant's 7.7 KB transaction (72 us against 41 us); the
                # output is the same. A request is built from dumped models and literals, so it has no cycle; one
                # would end in a RecursionError, and go to botocore's serializer as before.
                body = json.dumps(parameters, allow_nan=False, default=_not_json_native, check_circular=False).encode(
                    "utf-8"
                )
            except (TypeError, ValueError, RecursionError):
                return super().serialize_to_request(parameters, operation_model)  # type: ignore[no-any-return]
            request: dict[str, Any] = super().serialize_to_request({}, operation_model)
            request["body"] = body
            return request

    if type(serializer) is not JSONSerializer:
        return serializer  # another protocol: leave botocore's serializer alone
    direct = DirectJSONBody.__new__(DirectJSONBody)
    direct.__dict__.update(serializer.__dict__)
    return direct


def _with_direct_json_body(service_client: Any) -> Any:
    """Installs ``_direct_json_body`` on a client, inside botocore's validation wrapper when there is one."""
    outer = service_client._serializer
    inner = getattr(outer, "_serializer", None)
    if inner is not None:  # botocore.validate.ParamValidationDecorator around the serializer
        outer._serializer = _direct_json_body(inner)
    else:
        service_client._serializer = _direct_json_body(outer)
    return service_client


def client(service_name: str, *, validate_parameters: bool = True) -> Any:
    """A new low-level client for ``service_name`` (callers cache it).

    ``validate_parameters=False`` skips botocore's client-side check of each request against the service model: for
    DynamoDB, whose requests the repositories build and the test suite validates (tests/conftest.py turns the check
    back on), it is a third of the time botocore spends per call.
    """
    from botocore.config import Config  # noqa: PLC0415

    options: dict[str, Any] = {"parameter_validation": validate_parameters}
    if service_name in REGIONAL_ENDPOINT_SERVICES:
        options["account_id_endpoint_mode"] = "disabled"
        _regional_service_model(service_name)
    created = _session().create_client(service_name, config=Config(**options))
    return _with_direct_json_body(created) if service_name in DIRECT_JSON_BODY_SERVICES else created
