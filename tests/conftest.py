"""Test-wide set-up: the environment a function gets from the template, and a moto DynamoDB table created from
the template's own definition (keys, indexes, stream) for each test that asks for ``table``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "TABLE_NAME": "waiter-test",
        "CURSOR_SECRET": "test-cursor-secret-0123456789abcdef",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "true",
        # production skips botocore's request validation for DynamoDB; every test keeps it, so a malformed request
        # built by a repository still fails here
        "VALIDATE_AWS_REQUESTS": "true",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def table() -> Iterator[str]:
    """An empty table shaped as template.yaml declares it, inside moto's in-process mock."""
    from moto import mock_aws

    from local.template import table_definition
    from waiter.repository.dynamo import dynamodb_client

    with mock_aws():
        dynamodb_client.cache_clear()
        client = dynamodb_client()
        client.create_table(TableName=os.environ["TABLE_NAME"], **table_definition())
        yield os.environ["TABLE_NAME"]
        dynamodb_client.cache_clear()
