"""The in-process runner reports simulated Lambda faults the way AWS does (what the fault sweep relies on).

A handler that raises ``SimulatedCrash`` ends as ``Lambda.Unknown`` (Step Functions' name for unhandled Lambda
errors, crashes and out-of-memory included), ``SimulatedTimeout`` as ``Sandbox.Timedout`` without waiting for
the function's timeout, and ``SimulatedServiceError`` with the Lambda service error it names. The faults
derive from ``BaseException``: a handler's ``except Exception`` cannot swallow them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from sandbox.lambda_runtime import SimulatedCrash, SimulatedServiceError, SimulatedTimeout
from sandbox.lambda_runtime.inprocess import InProcessRunner
from sandbox.lambda_runtime.invocation import Invocation, InvocationResult

FUNCTION = "labelchain-fn"


def _invocation(timeout_seconds: float = 30.0) -> Invocation:
    return Invocation(
        function_name=FUNCTION,
        function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}",
        handler="module.handler",
        runtime="python3.12",
        region="us-east-1",
        timeout_seconds=timeout_seconds,
        request_id="req-1",
    )


def _run(handler: Any, timeout_seconds: float = 30.0) -> InvocationResult:
    runner = InProcessRunner(apply_environment=False)
    runner.register(FUNCTION, handler)
    return runner.run(_invocation(timeout_seconds), json.dumps({"a": 1}))


def _swallowing(fault: BaseException) -> Any:
    """A handler that catches every ``Exception`` around the point where ``fault`` strikes."""

    def handler(event: Any, context: Any) -> Any:
        try:
            raise fault
        except Exception:  # what handlers do to release a claim or record a failure
            return {"swallowed": True}

    return handler


def test_a_crash_is_reported_as_lambda_unknown_even_under_except_exception() -> None:
    # GIVEN a handler whose environment dies inside an ``except Exception`` block
    # WHEN it is invoked
    result = _run(_swallowing(SimulatedCrash("after dynamodb.UpdateItem")))
    # THEN the invocation failed as Step Functions names a crash, with the request id and the reason
    assert result.errored
    payload = result.json()
    assert payload["errorType"] == "Lambda.Unknown"
    assert payload["requestId"] == "req-1" and "after dynamodb.UpdateItem" in payload["errorMessage"]


def test_a_simulated_timeout_is_reported_as_sandbox_timedout_at_once() -> None:
    # GIVEN a function with a 900 s timeout whose handler times out (simulated)
    started = time.monotonic()
    # WHEN it is invoked
    result = _run(_swallowing(SimulatedTimeout()), timeout_seconds=900.0)
    # THEN it failed with the timeout document of a real timeout, without waiting for it
    assert result.errored
    payload = result.json()
    assert payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 900.00 seconds" in payload["errorMessage"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("error_type", ["Lambda.ServiceException", "Lambda.TooManyRequestsException"])
def test_a_service_error_is_reported_with_its_name(error_type: str) -> None:
    # GIVEN the Lambda service fails the invocation before the handler's code runs
    def refused(event: Any, context: Any) -> Any:
        raise SimulatedServiceError(error_type)

    # WHEN it is invoked
    result = _run(refused)
    # THEN the error name is the service error's, so a Retry on it matches
    assert result.errored
    assert result.json()["errorType"] == error_type


def test_other_errors_and_results_keep_their_shape() -> None:
    # GIVEN a handler that raises an ordinary exception, and one that answers
    class LabelingJobThrottled(Exception):
        pass

    def throttled(event: Any, context: Any) -> Any:
        raise LabelingJobThrottled("slow down")

    # WHEN each is invoked
    failed, answered = _run(throttled), _run(lambda event, context: {"echo": event})
    # THEN the error is named after its class and the answer is the handler's result, as before
    assert failed.errored and failed.json()["errorType"] == "LabelingJobThrottled"
    assert not answered.errored and answered.json() == {"echo": {"a": 1}}
