"""Run deployed Lambda handlers without Docker: in a subprocess (the sandbox) or in-process (fast tests)."""

from .invocation import Invocation, InvocationResult, error_payload

__all__ = ["Invocation", "InvocationResult", "error_payload"]
