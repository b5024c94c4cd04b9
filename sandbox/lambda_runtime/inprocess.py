"""Run handlers as in-process callables: the fast variant for workflow tests in ``mock_aws`` mode.

A registry maps function names to callables ``handler(event, context)``. Results and errors have the same
shape as the subprocess runner's (``errorType`` is the exception class name), so Step Functions
``Retry``/``Catch`` behave identically. The function's environment variables are applied to ``os.environ``
for the duration of the call (invocations are serialised for that reason). A handler that raises one of the
simulated faults of :mod:`~sandbox.lambda_runtime.invocation` (``SimulatedCrash``, ``SimulatedTimeout``,
``SimulatedServiceError``) ends the way AWS reports that fault.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .invocation import (
    Invocation,
    InvocationResult,
    SimulatedCrash,
    SimulatedServiceError,
    SimulatedTimeout,
    error_payload,
    exception_payload,
    simulated_fault_payload,
    timeout_payload,
)

Handler = Callable[[Any, Any], Any]


@dataclass
class InProcessContext:
    """The Lambda context attributes handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    timeout_seconds: float
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "in-process"
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function's timeout (never negative)."""
        return max(0, int((self._started + self.timeout_seconds - time.monotonic()) * 1000))


@dataclass
class InProcessRunner:
    """Registry-based runner.

    Attributes
    ----------
    resolve_handlers : when true, a function with no registered callable runs the handler its
        configuration names (``module.function``) imported in this process. Default false: unregistered
        functions fail with ``Runtime.HandlerNotFound``.
    apply_environment : set the function's environment variables while it runs (default true).
    """

    resolve_handlers: bool = False
    apply_environment: bool = True
    _handlers: dict[str, Handler] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def register(self, function_name: str, handler: Handler) -> None:
        """Run ``handler`` whenever the function named ``function_name`` is invoked."""
        self._handlers[function_name] = handler

    def unregister(self, function_name: str) -> None:
        """Forget one function (no error if unknown)."""
        self._handlers.pop(function_name, None)

    def clear(self) -> None:
        """Forget every registration."""
        self._handlers.clear()

    @contextlib.contextmanager
    def registered(self, handlers: Mapping[str, Handler]) -> Iterator[InProcessRunner]:
        """Register ``handlers`` for the duration of a ``with`` block."""
        for name, handler in handlers.items():
            self.register(name, handler)
        try:
            yield self
        finally:
            for name in handlers:
                self.unregister(name)

    def handles(self, invocation: Invocation) -> bool:
        """Whether this runner takes the invocation (registered, or resolvable when allowed)."""
        return invocation.function_name in self._handlers or self.resolve_handlers

    def _handler_for(self, invocation: Invocation) -> Handler:
        if invocation.function_name in self._handlers:
            return self._handlers[invocation.function_name]
        if not self.resolve_handlers:
            raise LookupError(f"no in-process handler registered for {invocation.function_name}")
        module_name, _, attribute = invocation.handler.rpartition(".")
        handler: Handler = getattr(importlib.import_module(module_name), attribute)
        return handler

    def run(self, invocation: Invocation, event_json: str) -> InvocationResult:
        """Call the handler (in a worker thread, so the timeout can be reported)."""
        request_id = invocation.request_id
        try:
            handler = self._handler_for(invocation)
        except (LookupError, ImportError, AttributeError) as error:
            return InvocationResult(error_payload("Runtime.HandlerNotFound", str(error), request_id), True)
        context = InProcessContext(
            invocation.function_name,
            invocation.function_arn,
            invocation.memory_mb,
            request_id,
            invocation.timeout_seconds,
            log_group_name=invocation.log_group_name,
        )
        outcome: dict[str, InvocationResult] = {}

        def call() -> None:
            try:
                result = handler(json.loads(event_json), context)
            except (SimulatedCrash, SimulatedTimeout, SimulatedServiceError) as fault:
                payload = simulated_fault_payload(fault, request_id, invocation.timeout_seconds)
                outcome["result"] = InvocationResult(payload or exception_payload(fault, request_id), True)
                return
            except Exception as error:
                outcome["result"] = InvocationResult(exception_payload(error, request_id), True)
                return
            try:
                outcome["result"] = InvocationResult(json.dumps(result), False)
            except (TypeError, ValueError) as error:
                message = f"Unable to marshal response: {error}"
                outcome["result"] = InvocationResult(
                    error_payload("Runtime.MarshalError", message, request_id), True
                )

        with self._lock, _environment(invocation.environment if self.apply_environment else {}):
            worker = threading.Thread(target=call, name=f"lambda-{invocation.function_name}", daemon=True)
            worker.start()
            worker.join(invocation.timeout_seconds)
        if "result" not in outcome:
            return InvocationResult(timeout_payload(request_id, invocation.timeout_seconds), True)
        return outcome["result"]


@contextlib.contextmanager
def _environment(variables: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
