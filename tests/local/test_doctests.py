"""The examples in the local gateway's docstrings hold (pytest collects doctests under tests/ only)."""

from __future__ import annotations

import doctest
import importlib
from types import ModuleType

import pytest

MODULES = [
    "local.template",
    "local.gateway.intrinsics",
    "local.gateway.routing",
    "local.gateway.events",
    "local.gateway.gateway_responses",
    "local.gateway.functions",
    "local.gateway.resources",
    "local.gateway.authorizers",
    "local.gateway.usage_plans",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module: ModuleType = importlib.import_module(name)

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 0
    assert result.failed == 0
