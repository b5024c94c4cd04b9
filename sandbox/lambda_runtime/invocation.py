"""What a runner needs to know about one Lambda invocation, and the error shape it returns.

Fault-injection tests can make an in-process invocation end the way AWS ends a broken one, at once and
whatever the handler catches (the exceptions derive from ``BaseException``, so ``except Exception`` in a
handler cannot swallow them): :class:`SimulatedCrash` (the container died: ``Lambda.Unknown``),
:class:`SimulatedTimeout` (it ran out of time: ``Sandbox.Timedout``) and :class:`SimulatedServiceError`
(the Lambda service refused the invocation before the handler ran, e.g. ``Lambda.ServiceException``).
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Invocation:
    """One function's configuration, detached from moto's model.

    Attributes
    ----------
    function_name, function_arn, handler, runtime : as configured (``handler`` is ``module.function``).
    timeout_seconds, memory_mb : the function's limits (AWS defaults 3 s and 128 MB).
    environment : the function's own environment variables.
    code : the deployment package (zip bytes); empty for functions without code.
    layers : the layer packages (zip bytes), in attach order.
    request_id : the invocation's request id.
    """

    function_name: str
    function_arn: str
    handler: str
    runtime: str
    region: str
    version: str = "$LATEST"
    timeout_seconds: float = 3.0
    memory_mb: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    code: bytes = b""
    layers: tuple[bytes, ...] = ()
    request_id: str = ""

    @property
    def log_group_name(self) -> str:
        """``/aws/lambda/<function name>``."""
        return f"/aws/lambda/{self.function_name}"


@dataclass(frozen=True)
class InvocationResult:
    """What moto's ``_invoke_lambda`` returns: the payload text, whether it is an error, and the logs."""

    payload: str
    errored: bool
    logs: str = ""

    def json(self) -> Any:
        """The payload parsed as JSON."""
        return json.loads(self.payload)


def error_payload(error_type: str, message: str, request_id: str = "", stack: list[str] | None = None) -> str:
    """The Lambda error document ``{errorMessage, errorType, requestId, stackTrace}`` as JSON text.

    Step Functions takes ``errorType`` as the error name, so ``Retry``/``Catch`` match on it.
    """
    body: dict[str, Any] = {"errorMessage": message, "errorType": error_type}
    if request_id:
        body["requestId"] = request_id
    body["stackTrace"] = stack or []
    return json.dumps(body)


def exception_payload(error: BaseException, request_id: str = "") -> str:
    """The error document for an exception raised by a handler (Python runtime layout)."""
    frames = traceback.format_list(
        traceback.extract_tb(error.__traceback__.tb_next if error.__traceback__ else None)
    )
    return error_payload(type(error).__name__, str(error), request_id, frames)


def timeout_payload(request_id: str, timeout_seconds: float) -> str:
    """The document Lambda returns when the function runs out of time (``Sandbox.Timedout``)."""
    message = f"RequestId: {request_id} Error: Task timed out after {timeout_seconds:.2f} seconds"
    return error_payload("Sandbox.Timedout", message, request_id)


class SimulatedCrash(BaseException):
    """Raised inside an in-process handler: the execution environment dies (out of memory, a killed
    process) without answering. The runner reports ``Lambda.Unknown``, the name Step Functions gives to
    unhandled Lambda errors."""


class SimulatedTimeout(BaseException):
    """Raised inside an in-process handler: the function runs out of time now (no real waiting). The
    runner reports :func:`timeout_payload` (``Sandbox.Timedout``)."""


class SimulatedServiceError(BaseException):
    """The Lambda service fails the invocation before the handler runs (``Lambda.ServiceException``,
    ``Lambda.TooManyRequestsException`` ...); the runner reports ``error_type`` as the error name.

    Parameters
    ----------
    error_type : the error name Step Functions sees (default ``Lambda.ServiceException``).
    message : the error message.
    """

    def __init__(self, error_type: str = "Lambda.ServiceException", message: str = "") -> None:
        super().__init__(message or f"{error_type}: the Lambda service could not run the function")
        self.error_type = error_type


def crash_payload(request_id: str, reason: str = "") -> str:
    """The document of an invocation whose environment died without answering (``Lambda.Unknown``)."""
    message = f"RequestId: {request_id} Error: the execution environment exited without a response"
    return error_payload("Lambda.Unknown", f"{message} ({reason})" if reason else message, request_id)


def simulated_fault_payload(error: BaseException, request_id: str, timeout_seconds: float) -> str | None:
    """The error document for a simulated fault (see the module docstring); ``None`` for anything else."""
    if isinstance(error, SimulatedServiceError):
        return error_payload(error.error_type, str(error), request_id)
    if isinstance(error, SimulatedCrash):
        return crash_payload(request_id, str(error))
    if isinstance(error, SimulatedTimeout):
        return timeout_payload(request_id, timeout_seconds)
    return None
