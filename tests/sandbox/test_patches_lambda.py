"""Smoke tests of the Lambda patch with the in-process runner (registry, errors, timeout, async)."""

from __future__ import annotations

import json
import threading
import time

import boto3
from sandbox_fakes import REGION, caught_task, run_execution
from sandbox_fakes import create_function as _function

from sandbox.patches import lambda_invoke


def _invoke(name: str, payload: dict, **kwargs) -> tuple[dict, str | None]:
    response = boto3.client("lambda", region_name=REGION).invoke(
        FunctionName=name, Payload=json.dumps(payload), **kwargs
    )
    body = response["Payload"].read()
    return (json.loads(body) if body else {}), response.get("FunctionError")


class TestInProcessLambda:
    def test_runs_the_registered_handler_with_environment_and_context(self, sfn_aws):
        import os

        _function("echo", env={"TABLE_NAME": "jobs"})
        lambda_invoke.registry.register(
            "echo",
            lambda event, context: {
                "event": event,
                "table": os.environ.get("TABLE_NAME"),
                "name": context.function_name,
                "remaining": context.get_remaining_time_in_millis(),
            },
        )
        payload, error = _invoke("echo", {"a": 1})
        assert error is None
        assert payload["event"] == {"a": 1} and payload["table"] == "jobs" and payload["name"] == "echo"
        assert 0 < payload["remaining"] <= 3000
        assert "TABLE_NAME" not in os.environ  # restored after the call

    def test_returns_the_lambda_error_shape_that_catch_matches(self, sfn_aws):
        class LabelingJobThrottled(Exception):
            pass

        def throttled(event, context):
            raise LabelingJobThrottled("slow down")

        arn = _function("throttled")
        lambda_invoke.registry.register("throttled", throttled)
        payload, error = _invoke("throttled", {})
        assert (
            error
            and payload["errorType"] == "LabelingJobThrottled"
            and payload["errorMessage"] == "slow down"
        )
        assert payload["stackTrace"] and "throttled" in payload["stackTrace"][0]
        # AND a Step Functions Catch on the error name matches it
        definition = caught_task(
            {"Resource": arn},
            {"Type": "Pass", "End": True},
            errors=("LabelingJobThrottled",),
            ResultPath="$.error",
        )
        result = run_execution("catch", definition)
        assert json.loads(result["output"])["error"]["Error"] == "LabelingJobThrottled"

    def test_reports_timeout_and_missing_handler(self, sfn_aws):
        _function("sleepy", timeout=1)
        lambda_invoke.registry.register("sleepy", lambda event, context: time.sleep(3))
        payload, error = _invoke("sleepy", {})
        assert error and payload["errorType"] == "Sandbox.Timedout"
        _function("unregistered")
        payload, error = _invoke("unregistered", {})
        assert payload["errorType"] == "Runtime.HandlerNotFound"

    def test_event_invocations_return_at_once_and_run_in_background(self, sfn_aws):
        done = threading.Event()
        _function("async")
        lambda_invoke.registry.register("async", lambda event, context: (time.sleep(0.3), done.set()))
        started = time.monotonic()
        boto3.client("lambda", region_name=REGION).invoke(
            FunctionName="async", InvocationType="Event", Payload=b"{}"
        )
        assert time.monotonic() - started < 0.3
        assert done.wait(5)

    def test_resolves_the_configured_handler_when_allowed(self, sfn_aws, tmp_path, monkeypatch):
        # GIVEN a handler module importable in this process and resolution switched on
        (tmp_path / "resolvable_app.py").write_text(
            "def handler(event, context):\n    return {'got': event}\n"
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        _function("resolved", handler="resolvable_app.handler")
        monkeypatch.setattr(lambda_invoke.registry, "resolve_handlers", True)
        # WHEN invoked without a registration THEN the configured handler ran
        assert _invoke("resolved", {"x": 1}) == ({"got": {"x": 1}}, None)
