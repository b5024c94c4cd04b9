"""The subprocess Lambda runner: the real handler from its code zip, Lambda environment, errors, timeout;
warm environments (module state kept per configuration, separate environments for concurrent calls)."""

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


@pytest.fixture(params=["warm", "cold"])
def runner(request, tmp_path):
    """Both modes: warm environments (the default) and a fresh process per invocation (``cold_starts``)."""
    runner = SubprocessRunner(
        endpoint_url="http://localhost:4566",
        cache=CodeCache(tmp_path / "cache"),
        init_seconds=5,
        warm=request.param == "warm",
    )
    yield runner
    runner.close()


def _invocation(
    code: bytes,
    handler: str = "app.handler",
    timeout: float = 5,
    layers: tuple[bytes, ...] = (),
    environment: dict[str, str] | None = None,
    request_id: str = "req-1",
) -> Invocation:
    return Invocation(
        function_name="fn",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
        handler=handler,
        runtime="python3.12",
        region="us-east-1",
        timeout_seconds=timeout,
        memory_mb=256,
        environment={"TABLE_NAME": "jobs"} if environment is None else environment,
        code=code,
        layers=layers,
        request_id=request_id,
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


COUNTER = """
import os, sys, time
CALLS = 0
print("init output")
def handler(event, context):
    global CALLS
    CALLS += 1
    print(f"call {CALLS} of {os.getpid()}")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("exit"):
        os._exit(3)
    return {"calls": CALLS, "pid": os.getpid(), "colour": os.environ.get("COLOUR"),
            "trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""


@pytest.fixture
def warm_runner(tmp_path):
    runner = SubprocessRunner(cache=CodeCache(tmp_path / "cache"), init_seconds=5)
    yield runner
    runner.close()


def _call(runner, code, event=None, **kwargs):
    result = runner.run(_invocation(code, **kwargs), json.dumps(event or {}))
    return result, (None if result.errored else result.json())


def test_a_warm_environment_keeps_module_state_and_has_its_own_logs_per_invocation(warm_runner):
    # GIVEN a handler that counts its calls in a module global
    code = _zip({"app.py": COUNTER})
    # WHEN it is invoked twice with the same configuration
    first, one = _call(warm_runner, code, request_id="r1")
    second, two = _call(warm_runner, code, request_id="r2")
    # THEN the second call ran in the same process with the module state of the first (a warm start)
    assert (one["calls"], two["calls"]) == (1, 2) and one["pid"] == two["pid"]
    assert one["trace"] != two["trace"]  # a trace header per invocation, as the runtime sets it
    # AND each invocation's logs hold its own output only (the init output belongs to the first)
    assert "init output" in first.logs and "call 1 of" in first.logs and "call 2" not in first.logs
    assert "START RequestId: r2" in second.logs and "call 2 of" in second.logs and "init" not in second.logs
    stats = warm_runner.stats()["functions"]["fn"]
    assert (stats["coldStarts"], stats["warmStarts"]) == (1, 1)
    assert [e["invocations"] for e in stats["environments"]] == [2]


def test_a_configuration_or_code_change_gets_a_new_environment(warm_runner):
    # GIVEN a warm environment
    code = _zip({"app.py": COUNTER})
    _, before = _call(warm_runner, code, environment={"COLOUR": "red"})
    # WHEN the function's environment changes THEN the next call starts afresh with the new variables
    _, after = _call(warm_runner, code, environment={"COLOUR": "blue"})
    assert (after["calls"], after["colour"]) == (1, "blue") and after["pid"] != before["pid"]
    # AND the environment of the old configuration was stopped, not kept idle
    environments = warm_runner.stats()["functions"]["fn"]["environments"]
    assert [e["pid"] for e in environments] == [after["pid"]]
    # WHEN the code changes THEN again a new environment
    _, changed = _call(warm_runner, _zip({"app.py": COUNTER + "\n# v2\n"}), environment={"COLOUR": "blue"})
    assert changed["calls"] == 1 and changed["pid"] != after["pid"]


def test_concurrent_invocations_run_in_separate_environments(warm_runner):
    import threading

    code = _zip({"app.py": COUNTER})
    results: list[dict] = []

    def call(index: int) -> None:
        results.append(_call(warm_runner, code, {"sleep": 0.5}, request_id=f"c{index}")[1])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r["pid"] for r in results}) == 3 and all(r["calls"] == 1 for r in results)
    # AND at most two stay idle: the next three calls reuse those and start one more
    environments = warm_runner.stats()["functions"]["fn"]["environments"]
    assert len(environments) == 2 and not any(e["busy"] for e in environments)


def test_a_timeout_or_a_crash_ends_the_environment_and_the_next_call_starts_afresh(warm_runner):
    code = _zip({"app.py": COUNTER})
    _, warm = _call(warm_runner, code, timeout=1)
    # WHEN the function times out THEN Sandbox.Timedout, with the output it printed, and a new environment
    timed_out, _ = _call(warm_runner, code, {"sleep": 10}, timeout=1)
    assert timed_out.json()["errorType"] == "Sandbox.Timedout" and "call 2 of" in timed_out.logs
    _, after_timeout = _call(warm_runner, code, timeout=1)
    assert after_timeout["calls"] == 1 and after_timeout["pid"] != warm["pid"]
    # WHEN the process dies THEN Runtime.ExitError with its exit status, and a new environment
    crashed, _ = _call(warm_runner, code, {"exit": True}, timeout=1)
    assert (
        crashed.json()["errorType"] == "Runtime.ExitError"
        and "exit status 3" in crashed.json()["errorMessage"]
    )
    _, after_crash = _call(warm_runner, code, timeout=1)
    assert after_crash["calls"] == 1 and after_crash["pid"] != after_timeout["pid"]


def test_an_import_failure_is_retried_by_the_next_invocation(warm_runner, tmp_path):
    # GIVEN a handler whose import fails once (a marker file decides)
    marker = tmp_path / "fail-once"
    marker.write_text("x")
    source = (
        f"import pathlib\nm = pathlib.Path({str(marker)!r})\n"
        "if m.exists():\n    m.unlink()\n    raise ImportError('boom')\n"
    )
    code = _zip({"app.py": source + COUNTER})
    failed, _ = _call(warm_runner, code)
    assert failed.json()["errorType"] == "Runtime.ImportModuleError"
    # THEN the next invocation initialises again (Lambda retries the init) and succeeds
    _, recovered = _call(warm_runner, code)
    assert recovered["calls"] == 1


def test_cold_starts_mode_runs_every_invocation_in_a_fresh_process(tmp_path):
    runner = SubprocessRunner(cache=CodeCache(tmp_path / "cache"), init_seconds=5, warm=False)
    code = _zip({"app.py": COUNTER})
    results = [_call(runner, code)[1] for _ in range(2)]
    assert [r["calls"] for r in results] == [1, 1] and results[0]["pid"] != results[1]["pid"]
    assert runner.stats()["functions"]["fn"] == {"coldStarts": 2, "warmStarts": 0, "environments": []}


def test_an_environment_that_does_not_answer_in_time_is_stopped(tmp_path):
    # GIVEN a handler that blocks the runtime's own timeout signal, so only the runner's wait can end it
    runner = SubprocessRunner(cache=CodeCache(tmp_path / "cache"), init_seconds=1)
    stuck = "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
    try:
        started = time.monotonic()
        result, _ = _call(runner, _zip({"app.py": stuck + COUNTER}), {"sleep": 30}, timeout=1)
        # THEN Sandbox.Timedout after the timeout plus the init allowance
        assert result.json()["errorType"] == "Sandbox.Timedout" and time.monotonic() - started < 5
        # AND the process is gone; the next invocation starts a new one
        assert runner.stats()["functions"]["fn"]["environments"] == []
        _, fresh = _call(runner, _zip({"app.py": COUNTER}), timeout=1)
        assert fresh["calls"] == 1
    finally:
        runner.close()
