"""Python Lambda runtime stand-in, executed as a script in a fresh interpreter.

Two modes, standard library only (the function's own code and layers are the only other imports):

* one invocation (``--cold-starts``): ``python -P bootstrap.py <result-file> <request-id> <invoked-arn>``
  with the event JSON on stdin; it imports the handler, calls it with a Lambda-like context and writes
  ``{"errored", "payload"}`` to the result file, then exits;
* a warm execution environment: ``python -P bootstrap.py --serve <response-fd>`` reads one request per line
  on stdin (``{"event", "requestId", "invokedArn", "traceId"}``), imports the handler at the first one and
  answers each with one ``{"errored", "payload"}`` line on ``<response-fd>`` (with ``"exit": true`` when
  the process ends after answering); module state (clients,
  caches) survives between invocations, as in a warm Lambda environment. It exits when stdin closes, after
  a timeout (the runtime is reset, as Lambda does) and after an import failure (the next invocation
  initialises again).

In both modes the handler's output goes to stdout/stderr, the function timeout is enforced in the process
(``Sandbox.Timedout``, then exit 124) and ``_HANDLER``/``AWS_LAMBDA_*`` come from the environment.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

Deliver = Callable[[dict[str, Any]], None]


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


def _arm_timeout(seconds: float, request_id: str, deliver: Deliver) -> None:
    """Stop the process when the function runs out of time, reporting ``Sandbox.Timedout``."""

    def on_alarm(_signum: int, _frame: Any) -> None:
        message = f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
        sys.stdout.flush()
        sys.stderr.flush()
        deliver({**_error("Sandbox.Timedout", message, request_id), "exit": True})
        os._exit(124)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _call(handler: Any, event: Any, request_id: str, invoked_arn: str, deliver: Deliver) -> dict[str, Any]:
    """Call ``handler`` within the function timeout; returns the result document."""
    timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))
    context = LambdaContext(request_id, invoked_arn, timeout)
    _arm_timeout(timeout, request_id, deliver)
    try:
        result = handler(event, context)
    except Exception as error:
        frames = traceback.format_list(
            traceback.extract_tb(error.__traceback__.tb_next if error.__traceback__ else None)
        )
        traceback.print_exc()
        return _error(type(error).__name__, str(error), request_id, frames)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        return {"errored": False, "payload": json.dumps(result)}
    except (TypeError, ValueError) as error:
        return _error("Runtime.MarshalError", f"Unable to marshal response: {error}", request_id)


def run(event: Any, request_id: str, invoked_arn: str, result_path: str) -> dict[str, Any]:
    """Import ``$_HANDLER``, call it within the timeout and return the result document."""
    handler, failure = _load_handler(os.environ["_HANDLER"], request_id)
    if failure is not None:
        return failure
    return _call(handler, event, request_id, invoked_arn, lambda document: _write(result_path, document))


def serve(response_fd: int) -> int:
    """The warm environment's loop (see the module docstring); returns the exit status."""
    responses = os.fdopen(response_fd, "w", encoding="utf-8")

    def deliver(document: dict[str, Any]) -> None:
        responses.write(json.dumps(document) + "\n")
        responses.flush()

    handler = None
    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["requestId"]
        os.environ["_X_AMZN_TRACE_ID"] = request.get("traceId", "")
        if handler is None:
            handler, failure = _load_handler(os.environ["_HANDLER"], request_id)
            if failure is not None:  # an init failure: report it and let the next invocation start afresh
                sys.stdout.flush()
                sys.stderr.flush()
                deliver({**failure, "exit": True})
                return 1
        document = _call(
            handler, json.loads(request["event"] or "null"), request_id, request["invokedArn"], deliver
        )
        sys.stdout.flush()
        sys.stderr.flush()
        deliver(document)
    return 0


def main(argv: list[str]) -> int:
    """Entry point: one invocation (read the event, run, write the result file) or ``--serve``."""
    if argv[1] == "--serve":
        return serve(int(argv[2]))
    result_path, request_id, invoked_arn = argv[1], argv[2], argv[3]
    event = json.loads(sys.stdin.read() or "null")
    document = run(event, request_id, invoked_arn, result_path)
    sys.stdout.flush()
    sys.stderr.flush()
    _write(result_path, document)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
