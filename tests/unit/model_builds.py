"""Every pydantic model of the layer, built. The models defer their build to first use (``waiter.model_base``), so
a model that cannot build (an unresolvable annotation) would otherwise fail on a request, not at import."""

from __future__ import annotations

import importlib
import pkgutil

import waiter
from waiter.model_base import InputModel, WireModel


def layer_models() -> list[type[WireModel | InputModel]]:
    """Every subclass of the two base models, once every module of the ``waiter`` package is imported."""
    for module in pkgutil.walk_packages(waiter.__path__, "waiter."):
        importlib.import_module(module.name)
    found: list[type[WireModel | InputModel]] = []
    pending: list[type[WireModel | InputModel]] = [WireModel, InputModel]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.append(subclass)
                pending.append(subclass)
    return found


def build_every_model() -> list[str]:
    """Build each layer model now; the names of those that could not be built."""
    return [model.__qualname__ for model in layer_models() if model.model_rebuild(raise_errors=False) is False]
