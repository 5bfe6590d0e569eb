"""How the bench finds the AWS clients a handler uses, the same way in the tour (``bench.harness``) and in the
probe's fresh interpreter (``bench/child.py``, which imports this file as ``accessors``): nothing but importlib."""

from __future__ import annotations

import importlib
from typing import Any


def client_of(accessor: str) -> Any:
    """The client behind ``accessor``: ``module:function`` (a process-wide client, e.g.
    ``waiter.repository.dynamo:dynamodb_client``) or ``module:function().attribute...`` (a client held by the object
    the function returns, e.g. the live notifier's poster)."""
    module, _, path = accessor.partition(":")
    name, _, attributes = path.partition("().")
    found = getattr(importlib.import_module(module), name.removesuffix("()"))()
    for attribute in filter(None, attributes.split(".")):
        found = getattr(found, attribute)
    return found
