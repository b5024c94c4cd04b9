"""Python Lambda runtime stand-in, executed as a script in a fresh interpreter.

Usage: ``python -P bootstrap.py <result-file> <request-id> <invoked-function-arn>`` with the event JSON on
stdin and the Lambda environment (``_HANDLER``, ``AWS_LAMBDA_*``...) set. It imports the handler the way
the AWS Python runtime does, calls it with a Lambda-like context and writes ``{"errored", "payload"}`` to
the result file. Standard library only: the function's own code and layers are the only other imports.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
import traceback
from typing import Any


class LambdaContext:
    """The attributes and method of the AWS Python runtime's context object."""

    def __init__(self, request_id: str, invoked_function_arn: str, timeout_seconds: float) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function's timeout (never negative)."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(error_type: str, message: str, request_id: str, stack: list[str] | None = None) -> dict[str, Any]:
    body = {"errorMessage": message, "errorType": error_type, "requestId": request_id}
    return {"errored": True, "payload": json.dumps({**body, "stackTrace": stack or []})}


def _load_handler(spec: str, request_id: str) -> tuple[Any, dict[str, Any] | None]:
    module_name, _, function_name = spec.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the runtime reports any import-time failure this way
        return None, _error(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}", request_id
        )
    handler = getattr(module, function_name, None)
    if handler is None:
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        return None, _error("Runtime.HandlerNotFound", message, request_id)
    return handler, None


def _write(result_path: str, document: dict[str, Any]) -> None:
    with open(result_path, "w", encoding="utf-8") as result_file:  # noqa: PTH123 - stdlib-only script
        json.dump(document, result_file)


def _arm_timeout(seconds: float, result_path: str, request_id: str) -> None:
    """Stop the process when the function runs out of time, reporting ``Sandbox.Timedout``."""

    def on_alarm(_signum: int, _frame: Any) -> None:
        message = f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
        _write(result_path, _error("Sandbox.Timedout", message, request_id))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(124)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def run(event: Any, request_id: str, invoked_arn: str, result_path: str) -> dict[str, Any]:
    """Import ``$_HANDLER``, call it within the timeout and return the result document."""
    handler, failure = _load_handler(os.environ["_HANDLER"], request_id)
    if failure is not None:
        return failure
    timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))
    context = LambdaContext(request_id, invoked_arn, timeout)
    _arm_timeout(timeout, result_path, request_id)
    try:
        result = handler(event, context)
    except Exception as error:
        frames = traceback.format_list(
            traceback.extract_tb(error.__traceback__.tb_next if error.__traceback__ else None)
        )
        traceback.print_exc()
        return _error(type(error).__name__, str(error), request_id, frames)
    try:
        return {"errored": False, "payload": json.dumps(result)}
    except (TypeError, ValueError) as error:
        return _error("Runtime.MarshalError", f"Unable to marshal response: {error}", request_id)


def main(argv: list[str]) -> int:
    """Entry point: read the event, run, write the result file."""
    result_path, request_id, invoked_arn = argv[1], argv[2], argv[3]
    event = json.loads(sys.stdin.read() or "null")
    document = run(event, request_id, invoked_arn, result_path)
    signal.setitimer(signal.ITIMER_REAL, 0)
    sys.stdout.flush()
    sys.stderr.flush()
    _write(result_path, document)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
