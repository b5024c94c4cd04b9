"""Fixtures of the pure-core tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from core_builders import build_chain
from labelchain_fn.core.config import ChainConfig


@pytest.fixture
def make_chain() -> Callable[..., ChainConfig]:
    """Factory: ``make_chain(task_type="BoundingBox", name="birds", **camelCaseOverrides)``."""
    return build_chain
