"""Configuration mistakes fail synthesis, naming the key, before anything is deployed or paid for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from labelchain_fn.core.config import ConfigError
from reliability_stack import reliability_context

from stacks.app_builder import build_app

Edit = Callable[[dict[str, Any]], None]


def _birds(**values: Any) -> Edit:
    return lambda config: config["chains"]["birds"].update(values)


def _notes(**values: Any) -> Edit:
    return lambda config: config["chains"]["notes"].update(values)


@pytest.mark.parametrize(
    ("edit", "key", "received"),
    [
        pytest.param(_birds(labels=[]), "labelchain.chains.birds.labels", "[]", id="no-label-categories"),
        pytest.param(
            _birds(labels=["Bird", "Bird"]), "labelchain.chains.birds.labels", "'Bird'", id="duplicate-labels"
        ),
        pytest.param(
            _birds(labels=["x" * 257]), "labelchain.chains.birds.labels", "xxx", id="label-too-long"
        ),
        pytest.param(
            _birds(labels="Bird"), "labelchain.chains.birds.labels", "'Bird'", id="labels-not-a-list"
        ),
        pytest.param(
            _birds(labels=["Bird", 3]), "labelchain.chains.birds.labels", "3", id="label-not-a-string"
        ),
        pytest.param(
            _notes(labels=["positive"]), "labelchain.chains.notes.labels", "positive", id="too-few-for-text"
        ),
        pytest.param(
            _birds(workforce={"type": "public", "taskPriceUsd": "0.05"}),
            "labelchain.chains.birds.workforce.taskPriceUsd",
            "0.05",
            id="price-not-allowed",
        ),
        pytest.param(
            _birds(workforce={"type": "public", "taskPriceUsd": "cheap"}),
            "labelchain.chains.birds.workforce.taskPriceUsd",
            "cheap",
            id="price-not-a-number",
        ),
        pytest.param(
            _birds(workforce={"type": "public"}),
            "labelchain.chains.birds.workforce.taskPriceUsd",
            "None",
            id="public-workforce-without-price",
        ),
    ],
)
def test_rejects_a_configuration_at_synth_naming_the_key(edit: Edit, key: str, received: str) -> None:
    # GIVEN the configuration with one wrong value
    context = reliability_context()
    edit(context["labelchain"])
    # WHEN the app is built (what `cdk synth` runs first) THEN synthesis fails naming the key and value
    with pytest.raises(ConfigError) as caught:
        build_app(context, nag=False)
    named = [p for p in caught.value.problems if p.startswith(f"{key}:")]
    assert named, caught.value.problems
    assert received in named[0]
