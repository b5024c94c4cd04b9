"""Run a handler from its deployment package in a child Python process, like the Lambda service.

The child gets the function's environment plus the standard Lambda variables, fake credentials and
``AWS_ENDPOINT_URL`` pointing at the sandbox, so plain ``boto3.client("s3")`` reaches moto unchanged. The
interpreter is the project's (``sys.executable``), with the package first on ``PYTHONPATH`` and then the
layers; the function timeout is enforced (``Sandbox.Timedout``).

By default the child is a warm execution environment that serves later invocations of the same function
version and configuration too (:mod:`~sandbox.lambda_runtime.warm_pool`); with ``warm=False`` (the
sandbox's ``cold_starts`` setting) every invocation gets a fresh process that ends with it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .code_cache import CodeCache
from .invocation import Invocation, InvocationResult, error_payload, timeout_payload
from .warm_pool import WarmPool, config_key
from .worker import Worker

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")


@dataclass
class SubprocessRunner:
    """Runs invocations in child processes.

    Attributes
    ----------
    endpoint_url : where the handler's SDK calls go (default ``http://localhost:$MOTO_PORT``).
    python : interpreter for the child; default the current one (the project virtualenv).
    cache : where packages are extracted; default :class:`CodeCache` under the temp directory.
    init_seconds : allowance for interpreter start and imports on top of the function timeout (AWS gives
        the init phase its own 10 s).
    extra_environment : added to every child (after the function's own variables).
    warm : keep execution environments between invocations (default true); false starts a fresh process
        per invocation.
    max_idle_per_config : idle environments kept per function configuration (default 2).
    """

    endpoint_url: str | None = None
    python: str = sys.executable
    cache: CodeCache = field(default_factory=CodeCache)
    init_seconds: float = 10.0
    extra_environment: dict[str, str] = field(default_factory=dict)
    warm: bool = True
    max_idle_per_config: int = 2
    pool: WarmPool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pool = WarmPool(max_idle=self.max_idle_per_config)

    def environment(self, invocation: Invocation, task_root: Path, layer_roots: list[Path]) -> dict[str, str]:
        """The child's complete environment."""
        endpoint = self.endpoint_url or f"http://localhost:{os.environ.get('MOTO_PORT', '5000')}"
        paths = [str(task_root)]
        for root in layer_roots:  # /opt/python and its site-packages, as the Python runtime adds them
            paths += [str(root / "python"), str(root / "python" / "lib" / "python3.11" / "site-packages")]
        stream = f"{datetime.now(UTC):%Y/%m/%d}/[{invocation.version}]{secrets.token_hex(16)}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            **invocation.environment,
            **self.extra_environment,
            "_HANDLER": invocation.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{invocation.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": invocation.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": invocation.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(invocation.memory_mb),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": f"{invocation.timeout_seconds:g}",
            "AWS_LAMBDA_LOG_GROUP_NAME": invocation.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": invocation.region,
            "AWS_DEFAULT_REGION": invocation.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_ENDPOINT_URL": endpoint,
            "LAMBDA_TASK_ROOT": str(task_root),
            "PYTHONPATH": os.pathsep.join(paths),
            "_X_AMZN_TRACE_ID": _trace_id(),
        }
        return env

    def run(self, invocation: Invocation, event_json: str) -> InvocationResult:
        """Invoke once and return the payload (or the Lambda error document) and the logs."""
        if self.warm:
            return self._run_warm(invocation, event_json)
        self.pool.record_cold(invocation)
        return self._run_once(invocation, event_json)

    def close(self) -> None:
        """Stop the warm environments (busy ones when their invocation ends)."""
        self.pool.close()

    def stats(self) -> dict[str, Any]:
        """Cold and warm starts and live environments per function; the recent invocations."""
        return {"warm": self.warm, **self.pool.stats()}

    def _run_warm(self, invocation: Invocation, event_json: str) -> InvocationResult:
        request_id = invocation.request_id
        header = f"START RequestId: {request_id} Version: {invocation.version}\n"
        key = config_key(invocation, {**self.extra_environment, "endpoint": self.endpoint_url or ""})

        def start() -> Worker:
            task_root = self.cache.directory_for(invocation.code)
            layer_roots = [self.cache.directory_for(layer) for layer in invocation.layers]
            env = self.environment(invocation, task_root, layer_roots)
            return Worker.start([self.python, "-P", str(BOOTSTRAP)], env, task_root, invocation, key)

        worker, _warm = self.pool.acquire(invocation, key, start)
        started = time.monotonic()
        try:
            request = {
                "event": event_json,
                "requestId": request_id,
                "invokedArn": invocation.function_arn,
                "traceId": _trace_id(),
            }
            outcome = worker.invoke(request, invocation.timeout_seconds + self.init_seconds)
        finally:
            self.pool.release(worker)
        logs = header + outcome.logs + _footer(request_id, started)
        if outcome.timed_out:
            return InvocationResult(timeout_payload(request_id, invocation.timeout_seconds), True, logs)
        if outcome.document is None:
            message = (
                f"RequestId: {request_id} Error: Runtime exited with error: exit status {outcome.exit_status}"
            )
            return InvocationResult(error_payload("Runtime.ExitError", message, request_id), True, logs)
        return InvocationResult(outcome.document["payload"], bool(outcome.document["errored"]), logs)

    def _run_once(self, invocation: Invocation, event_json: str) -> InvocationResult:
        """A fresh process for this invocation alone (the ``cold_starts`` mode)."""
        task_root = self.cache.directory_for(invocation.code)
        layer_roots = [self.cache.directory_for(layer) for layer in invocation.layers]
        env = self.environment(invocation, task_root, layer_roots)
        request_id = invocation.request_id
        header = f"START RequestId: {request_id} Version: {invocation.version}\n"
        with tempfile.TemporaryDirectory(prefix="sandbox-invoke-") as scratch:
            result_path = Path(scratch) / "result.json"
            command = [
                self.python,
                "-P",
                str(BOOTSTRAP),
                str(result_path),
                request_id,
                invocation.function_arn,
            ]
            started = time.monotonic()
            try:
                completed = subprocess.run(
                    command,
                    input=event_json.encode(),
                    cwd=task_root,
                    env=env,
                    check=False,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    timeout=invocation.timeout_seconds + self.init_seconds,
                )
            except subprocess.TimeoutExpired as expired:
                output = (expired.stdout or b"").decode(errors="replace")
                payload = timeout_payload(request_id, invocation.timeout_seconds)
                return InvocationResult(payload, True, header + output + _footer(request_id, started))
            output = completed.stdout.decode(errors="replace")
            logs = header + output + _footer(request_id, started)
            if not result_path.exists():
                status = completed.returncode
                message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
                return InvocationResult(error_payload("Runtime.ExitError", message, request_id), True, logs)
            document = json.loads(result_path.read_text(encoding="utf-8"))
        return InvocationResult(document["payload"], bool(document["errored"]), logs)


def _trace_id() -> str:
    # An unsampled trace header: X-Ray SDKs find a facade segment and send nothing.
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


def _footer(request_id: str, started: float) -> str:
    duration_ms = (time.monotonic() - started) * 1000
    return f"END RequestId: {request_id}\nREPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\n"
