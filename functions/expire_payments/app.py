"""Scheduled: expires the card orders left unpaid for PAYMENT_EXPIRY_MINUTES (as the system, with the reason);
their intents are cancelled by SettlePaymentsFunction from the OrderStatusChanged this publishes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from waiter.compose import ordering_service
from waiter.observability import logger
from waiter.settings import get_settings


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    timeout = timedelta(minutes=get_settings().payment_expiry_minutes)
    expired = ordering_service().expire_unpaid(timeout=timeout)
    logger.info("payment expiry", expired=len(expired), timeoutMinutes=timeout.total_seconds() / 60)
    return {"expired": [order.id for order in expired]}
