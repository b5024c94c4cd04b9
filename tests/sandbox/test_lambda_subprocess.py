"""The subprocess Lambda runner: the real handler from its code zip, Lambda environment, errors, timeout."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from sandbox.lambda_runtime import Invocation
from sandbox.lambda_runtime.code_cache import CodeCache
from sandbox.lambda_runtime.subprocess_runner import SubprocessRunner

HANDLER = """
import os, time
def handler(event, context):
    if event.get("raise"):
        raise KeyError("missing thing")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("unserialisable"):
        return {"x": object()}
    keys = ["_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_TIMEOUT",
            "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "TABLE_NAME", "LAMBDA_TASK_ROOT"]
    print("hello from the handler")
    return {"env": {k: os.environ.get(k) for k in keys}, "event": event, "cwd": os.getcwd(),
            "remaining": context.get_remaining_time_in_millis(), "request": context.aws_request_id,
            "helper": __import__("helper").VALUE}
"""


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def runner(tmp_path):
    return SubprocessRunner(
        endpoint_url="http://localhost:4566", cache=CodeCache(tmp_path / "cache"), init_seconds=5
    )


def _invocation(
    code: bytes, handler: str = "app.handler", timeout: float = 5, layers: tuple[bytes, ...] = ()
) -> Invocation:
    return Invocation(
        function_name="fn",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
        handler=handler,
        runtime="python3.12",
        region="us-east-1",
        timeout_seconds=timeout,
        memory_mb=256,
        environment={"TABLE_NAME": "jobs"},
        code=code,
        layers=layers,
        request_id="req-1",
    )


def test_runs_the_handler_from_the_zip_with_the_lambda_environment(runner):
    # GIVEN a package whose handler reports its environment WHEN invoked
    code = _zip({"app.py": HANDLER, "helper.py": "VALUE = 'from the package'"})
    result = runner.run(_invocation(code), json.dumps({"a": 1}))
    payload = result.json()
    # THEN the function's variables, the standard Lambda ones and the sandbox endpoint are set
    assert not result.errored
    assert payload["env"] == {
        "_HANDLER": "app.handler",
        "AWS_LAMBDA_FUNCTION_NAME": "fn",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_TIMEOUT": "5",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://localhost:4566",
        "AWS_ACCESS_KEY_ID": "testing",
        "TABLE_NAME": "jobs",
        "LAMBDA_TASK_ROOT": payload["cwd"],
    }
    # AND the event, the context and the package's own modules reach the handler; output goes to the logs
    assert (
        payload["event"] == {"a": 1}
        and payload["request"] == "req-1"
        and payload["helper"] == "from the package"
    )
    assert 0 < payload["remaining"] <= 5000
    assert "hello from the handler" in result.logs and "START RequestId: req-1" in result.logs


def test_exceptions_become_the_lambda_error_shape(runner):
    result = runner.run(_invocation(_zip({"app.py": HANDLER, "helper.py": ""})), json.dumps({"raise": True}))
    payload = result.json()
    assert result.errored
    assert payload["errorType"] == "KeyError" and "missing thing" in payload["errorMessage"]
    assert payload["requestId"] == "req-1" and "app.py" in payload["stackTrace"][0]


def test_reports_timeouts_as_sandbox_timedout(runner):
    started = time.monotonic()
    result = runner.run(_invocation(_zip({"app.py": HANDLER}), timeout=1), json.dumps({"sleep": 10}))
    assert result.errored and result.json()["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result.json()["errorMessage"]
    assert time.monotonic() - started < 6


@pytest.mark.parametrize(
    ("files", "handler", "error_type"),
    [
        ({"app.py": "import not_installed_anywhere"}, "app.handler", "Runtime.ImportModuleError"),
        ({"app.py": "x = 1"}, "app.handler", "Runtime.HandlerNotFound"),
        ({"app.py": HANDLER}, "app.handler", "Runtime.MarshalError"),
    ],
)
def test_runtime_errors_have_runtime_error_types(runner, files, handler, error_type):
    result = runner.run(_invocation(_zip(files), handler), json.dumps({"unserialisable": True}))
    assert result.errored and result.json()["errorType"] == error_type


def test_layers_are_importable_and_packages_are_extracted_once(runner, tmp_path):
    layer = _zip({"python/helper.py": "VALUE = 'from the layer'"})
    code = _zip({"app.py": HANDLER})
    assert runner.run(_invocation(code, layers=(layer,)), "{}").json()["helper"] == "from the layer"
    runner.run(_invocation(code, layers=(layer,)), "{}")
    assert len([p for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")]) == 2
