"""Local AWS for labelchain: a patched moto server, real Lambda handlers and a simulated Ground Truth.

``from sandbox import Sandbox`` (server mode), ``from sandbox import mock_sandbox`` (``mock_aws`` mode), or
use the pieces: :mod:`sandbox.patches` (moto gap fixes,
also usable with ``mock_aws``), :mod:`sandbox.groundtruth` (labeling jobs), :mod:`sandbox.deploy`.
Attributes are imported lazily so that ``import sandbox.groundtruth`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DeployError", "Sandbox", "SandboxSettings", "SimClock", "deploy", "mock_sandbox"]

_EXPORTS = {
    "Sandbox": "sandbox.server",
    "SandboxSettings": "sandbox.settings",
    "SimClock": "sandbox.clock",
    "deploy": "sandbox.deploy",
    "DeployError": "sandbox.deploy_checks",
    "mock_sandbox": "sandbox.mock",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
