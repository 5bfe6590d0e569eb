"""Structured logs and business metrics (Powertools): JSON logs with the request id as correlation id, EMF
metrics in the ``Waiter`` namespace. The log level comes from POWERTOOLS_LOG_LEVEL."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics

# Most routes publish only the cold-start metric; Powertools warns on every such flush, which is noise.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)

SERVICE = "waiter"
NAMESPACE = "Waiter"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
