"""The queue between the webhook and its consumer (SQS): the only SQS code. The webhook answers the provider only
once the event is on it."""

from __future__ import annotations

from functools import cache
from typing import Any

from waiter.errors import ServiceUnavailable

RETRY_AFTER_S = 5


@cache
def sqs_client() -> Any:
    from waiter.aws import client  # noqa: PLC0415 - botocore on first use

    return client("sqs")


class PaymentEventQueue:
    def __init__(self, queue_url: str) -> None:
        self._queue_url = queue_url

    def send(self, body: str) -> None:
        """Put one verified webhook body on the queue; ``ServiceUnavailable`` (503, the provider retries) when SQS
        does not take it, so an event is never acknowledged and lost."""
        try:
            sqs_client().send_message(QueueUrl=self._queue_url, MessageBody=body)
        except Exception as error:  # botocore's ClientError, EndpointConnectionError...: all mean "not queued"
            from waiter.observability import logger  # noqa: PLC0415

            logger.error("the payment event queue refused a webhook event", error=type(error).__name__)
            raise ServiceUnavailable(
                "the event could not be queued; retry later", headers={"Retry-After": str(RETRY_AFTER_S)}
            ) from None
