"""labelchain operator CLI: prepare batches, start and follow jobs, report a chain's figures."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("labelchain")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
