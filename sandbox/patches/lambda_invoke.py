"""Run the real Lambda handler instead of Docker: one patch for every invoke path.

``LambdaFunction._invoke_lambda`` is what Step Functions ``lambda:invoke`` tasks, direct ``Invoke``, S3
notifications, CloudFormation custom resources and EventBridge targets all reach. The replacement hands the
call to a runner: an :class:`~sandbox.lambda_runtime.inprocess.InProcessRunner` when it has the function
registered (or ``mode="inprocess"``), else the
:class:`~sandbox.lambda_runtime.subprocess_runner.SubprocessRunner`.
``InvocationType=Event`` invocations return at once (HTTP 202) and run in a background thread, as in AWS.
Every failed invocation logs one line (:mod:`~sandbox.lambda_runtime.failure_log`, which also keeps moto's
dump of the pipeline's named errors out of the default log level).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, Literal

from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend

from ..lambda_runtime import failure_log
from ..lambda_runtime.inprocess import InProcessRunner
from ..lambda_runtime.invocation import Invocation
from ..lambda_runtime.subprocess_runner import SubprocessRunner
from ._base import AttributePatch, PatchSet

LOG = logging.getLogger(__name__)
Mode = Literal["subprocess", "inprocess"]

#: Registry of in-process handlers; consulted first in both modes.
registry = InProcessRunner()
_state: dict[str, Any] = {"mode": "subprocess", "subprocess": SubprocessRunner()}


def configure(*, mode: Mode | None = None, subprocess_runner: SubprocessRunner | None = None) -> None:
    """Choose the default runner (``subprocess`` unless set) and/or replace the subprocess runner."""
    if mode is not None:
        if mode not in ("subprocess", "inprocess"):
            raise ValueError(f"mode must be 'subprocess' or 'inprocess'; received {mode!r}")
        _state["mode"] = mode
    if subprocess_runner is not None:
        _state["subprocess"] = subprocess_runner


def subprocess_runner() -> SubprocessRunner:
    """The runner used for functions that are not registered in-process."""
    runner: SubprocessRunner = _state["subprocess"]
    return runner


def describe(function: LambdaFunction) -> Invocation:
    """Detach the configuration a runner needs from moto's model."""
    backend = get_backend(function.account_id, function.region)
    layers = []
    for layer in function.layers or []:
        version = backend.layers_versions_by_arn(layer["Arn"])
        if version is not None:
            layers.append(version.code_bytes)
    return Invocation(
        function_name=function.function_name,
        function_arn=function.function_arn,
        handler=function.handler or "",
        runtime=function.run_time or "python3.12",
        region=function.region,
        version=str(function.version),
        timeout_seconds=float(function.timeout or 3),
        memory_mb=int(function.memory_size or 128),
        environment={k: str(v) for k, v in (function.environment_vars or {}).items()},
        code=function.code_bytes or b"",
        layers=tuple(layers),
        request_id=str(uuid.uuid4()),
    )


def _event_json(event: Any) -> str:
    # moto's invoke() parses the body, except that an empty body arrives as the string "{}".
    if event is None or event == "{}":
        return "{}"
    return json.dumps(event)


def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    self.logs_backend.ensure_log_group(self.logs_group_name)
    invocation = describe(self)
    runner = (
        registry if registry.handles(invocation) or _state["mode"] == "inprocess" else subprocess_runner()
    )
    result = runner.run(invocation, _event_json(event))
    if result.logs:
        self.save_logs(result.logs)
    if result.errored:
        failure_log.log_failure(self.function_name, result.payload)
    return result.payload, result.errored, result.logs


def invoke_in_background(function: LambdaFunction, body: str) -> threading.Thread:
    """Invoke ``function`` with the JSON ``body`` on a daemon thread (asynchronous invocation)."""

    def run() -> None:
        try:  # a failure is logged by _invoke_lambda
            function._invoke_lambda(event=json.loads(body) if body else None)
        except Exception:  # an async invocation's failure never reaches the caller, as in AWS
            LOG.exception("async invocation of %s crashed", function.function_name)

    thread = threading.Thread(target=run, name=f"lambda-async-{function.function_name}", daemon=True)
    thread.start()
    return thread


def _build_invoke(original: Callable[..., Any]) -> Callable[..., Any]:
    def invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> Any:
        if (request_headers or {}).get("x-amz-invocation-type") == "Event":
            invoke_in_background(self, body)
            return ""
        return original(self, body, request_headers, response_headers)

    return invoke


#: Handlers run through the runners chosen by :func:`configure`; ``Event`` invocations in the background.
PATCH = PatchSet(
    __name__,
    AttributePatch(LambdaFunction, "_invoke_lambda", lambda _original: _invoke_lambda),
    AttributePatch(LambdaFunction, "invoke", _build_invoke),
    on_install=failure_log.install,
    on_uninstall=failure_log.uninstall,
)
