"""Idempotency records for checkout, kept in the single table by Powertools' idempotency utility.

Powertools does the hard parts (an atomic in-progress marker, payload validation by hash, replaying the stored
result, expiry); this module only points it at Waiter's table (``PK``/``SK``, TTL attribute ``expiresAt``) and
turns its exceptions into domain errors. Each key holds the Lambda function's name, so keys are scoped per function
as well as per customer: a protocol adapter that checks out from another function keeps its own records.

Every record is its own partition (``PK = IDEMPOTENCY#<function>#<hash>``, ``SK = RECORD``). Powertools' DynamoDB
store, given a table with a sort key, puts every record under one partition key (its ``static_pk_value``) and the
hash in the sort key: every checkout's two writes (in progress, completed) would land in that one partition, whose
limit of 1,000 write units a second is reached at 500 checkouts a second - the first thing that breaks at the
modelled peak (docs/capacity.md). The store's key layout is one method, ``_get_key``, overridden below; nothing
else of the utility changes (the same conditional writes, hashes, expiry and replay).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from waiter.errors import Conflict, UnprocessableContent

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

KEPT_SECONDS = 24 * 3600
RECORD_SK = "RECORD"


def record_key(idempotency_key: str) -> dict[str, str]:
    """The table key of the record Powertools keeps for ``idempotency_key`` (its ``<prefix>#<hash>`` string).

    >>> record_key("IDEMPOTENCY#fn#0a1b")
    {'PK': 'IDEMPOTENCY#fn#0a1b', 'SK': 'RECORD'}
    """
    return {"PK": idempotency_key, "SK": RECORD_SK}


class PowertoolsIdempotency:
    def __init__(self, table_name: str, scope: str = "IDEMPOTENCY#checkout") -> None:
        self._table = table_name
        self._scope = scope

    @property
    def key_prefix(self) -> str:
        """What Powertools puts before each key's hash: the scope and the Lambda function's name."""
        return f"{self._scope}#{os.environ.get('AWS_LAMBDA_FUNCTION_NAME', '')}"

    @cached_property
    def _store(self) -> DynamoDBPersistenceLayer:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # noqa: PLC0415

        from waiter.repository.dynamo import dynamodb_client  # noqa: PLC0415

        class PartitionPerRecord(DynamoDBPersistenceLayer):
            """Powertools' store with each record in a partition of its own (see the module docstring)."""

            def _get_key(self, idempotency_key: str) -> dict[str, Any]:
                return {name: {"S": value} for name, value in record_key(idempotency_key).items()}

        return PartitionPerRecord(
            table_name=self._table,
            key_attr="PK",
            sort_key_attr="SK",
            expiry_attr="expiresAt",
            in_progress_expiry_attr="inProgressExpiresAt",
            status_attr="idempotencyStatus",
            data_attr="response",
            validation_key_attr="payloadHash",
            boto3_client=dynamodb_client(),
        )

    @cached_property
    def _config(self) -> IdempotencyConfig:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig  # noqa: PLC0415

        return IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=KEPT_SECONDS,
            use_local_cache=False,  # another instance may have finished the first call: always ask the table
        )

    def register_context(self, context: LambdaContext) -> None:
        """Lets an in-progress record expire with the invocation, so a crashed call does not block its key."""
        self._config.register_lambda_context(context)

    def run(self, *, key: str, payload: dict[str, Any], operation: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.idempotency import idempotent_function  # noqa: PLC0415
        from aws_lambda_powertools.utilities.idempotency.exceptions import (  # noqa: PLC0415
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        def once(request: dict[str, Any]) -> dict[str, Any]:  # noqa: ARG001 - Powertools hashes it
            return operation()

        guarded = idempotent_function(
            data_keyword_argument="request",
            persistence_store=self._store,
            config=self._config,
            key_prefix=self.key_prefix,
        )(once)
        try:
            result: dict[str, Any] = guarded(request={"key": key, "payload": payload})
        except IdempotencyValidationError:
            raise UnprocessableContent(
                "this Idempotency-Key was already used with a different request; use a new key"
            ) from None
        except IdempotencyAlreadyInProgressError:
            raise Conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly",
                headers={"Retry-After": "1"},
            ) from None
        return result
