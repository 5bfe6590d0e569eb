"""The layer's models, deferred to their first use, all build: none waits for a request to fail."""

from __future__ import annotations

from tests.unit.model_builds import build_every_model, layer_models
from waiter.ordering.models import OrderView


def test_every_model_of_the_layer_builds() -> None:
    assert OrderView in layer_models()
    assert build_every_model() == []
