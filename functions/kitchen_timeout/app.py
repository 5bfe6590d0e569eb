"""Scheduled: rejects the orders restaurants have not accepted in time (KITCHEN_TIMEOUT_MINUTES), as the system,
with the reason; the customer sees it on the order and by e-mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from waiter.compose import ordering_service
from waiter.observability import logger
from waiter.settings import get_settings


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    timeout = timedelta(minutes=get_settings().kitchen_timeout_minutes)
    rejected = ordering_service().reject_unaccepted(timeout=timeout)
    logger.info("kitchen timeout", rejected=len(rejected), timeoutMinutes=timeout.total_seconds() / 60)
    return {"rejected": [order.id for order in rejected]}
