"""Run deployed Lambda handlers without Docker: in a subprocess (the sandbox) or in-process (fast tests)."""

from .invocation import (
    Invocation,
    InvocationResult,
    SimulatedCrash,
    SimulatedServiceError,
    SimulatedTimeout,
    error_payload,
)

__all__ = [
    "Invocation",
    "InvocationResult",
    "SimulatedCrash",
    "SimulatedServiceError",
    "SimulatedTimeout",
    "error_payload",
]
