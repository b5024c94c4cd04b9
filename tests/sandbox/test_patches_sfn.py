"""Smoke tests of the Step Functions patches (each fails loudly if a moto upgrade breaks its patch)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.config import default_user_config
from sandbox_fakes import (
    REGION,
    SFN_ROLE,
    caught_task,
    create_function,
    finished_execution,
    lambda_invoke_task,
    run_execution,
    start_execution,
)

from sandbox.patches import (
    lambda_invoke,
    sfn_execution,
    sfn_jsonata,
    sfn_stop_execution,
    sfn_task_failure,
    sfn_task_token_once,
    sfn_time,
)

TOKEN_TASK_RESOURCE = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
PASS_END = {"Type": "Pass", "End": True}


def _run(
    definition: dict, execution_input: dict | None = None, *, name: str | None = "run", timeout: float = 20
) -> dict:
    return run_execution(
        f"sm-{time.monotonic_ns()}",
        definition,
        execution_name=name,
        execution_input=execution_input,
        timeout=timeout,
    )


def _token_task(url: str, **fields: Any) -> dict:
    """A Task state that sends its task token to the queue ``url`` and waits for the callback."""
    return {
        "Type": "Task",
        "Resource": TOKEN_TASK_RESOURCE,
        "Parameters": {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token"}},
        **fields,
    }


@dataclass(frozen=True)
class _WaitingForToken:
    """A started execution, the queue its token tasks send their tokens to and the first such message."""

    sqs: Any
    url: str
    execution: str
    message: dict

    @property
    def token(self) -> str:
        """The task token of the first message."""
        return json.loads(self.message["Body"])["token"]


def _waiting_for_token(
    name: str, definition: Callable[[str], dict], timeout: float = 30.0
) -> _WaitingForToken:
    """Create the queue ``name``, start the execution ``name`` of ``definition(queue_url)`` and wait for the
    first token message (polled every 50 ms)."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    execution = start_execution(name, definition(url), execution_name=name)
    deadline = time.monotonic() + timeout
    while not (messages := sqs.receive_message(QueueUrl=url).get("Messages", [])):
        assert time.monotonic() < deadline, "the task never sent its token to the queue"
        time.sleep(0.05)
    return _WaitingForToken(sqs, url, execution, messages[0])


def test_execution_switch_turns_execution_on_and_off():
    # GIVEN moto's default (no execution) WHEN the patch is installed THEN the process-wide switch is on
    assert not default_user_config["stepfunctions"]["execute_state_machine"]
    sfn_execution.PATCH.install()
    try:
        assert sfn_execution.PATCH.installed
        with mock_aws():  # no per-mock config needed any more
            result = _run(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}}}
            )
        assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"ok": True}
    finally:
        sfn_execution.PATCH.uninstall()
    assert not default_user_config["stepfunctions"]["execute_state_machine"]


def test_unnamed_executions_get_distinct_uuid_names(sfn_aws):
    sfn = boto3.client("stepfunctions", region_name=REGION)
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    arn = sfn.create_state_machine(name="unnamed", definition=json.dumps(definition), roleArn=SFN_ROLE)[
        "stateMachineArn"
    ]
    # WHEN started twice without a name (as EventBridge does)
    first = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn, input='{"other": 1}')["executionArn"]
    # THEN two executions exist, each named with a UUID, and listing works
    assert first != second and not first.endswith(":None")
    assert len(first.rsplit(":", 1)[1]) == 36
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 2


def test_wait_and_retry_do_not_sleep_at_scale_zero(sfn_aws):
    # GIVEN a one-hour Wait and a Lambda that fails twice with a 1-hour retry interval
    attempts = []

    def flaky(event, context):
        attempts.append(1)
        if len(attempts) < 3:
            raise TimeoutError("try again")
        return {"attempts": len(attempts)}

    create_function("flaky")
    lambda_invoke.registry.register("flaky", flaky)
    definition = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "L"},
            "L": lambda_invoke_task(
                "flaky",
                {},
                Retry=[
                    {
                        "ErrorEquals": ["TimeoutError"],
                        "IntervalSeconds": 3600,
                        "MaxAttempts": 3,
                        "BackoffRate": 2,
                    }
                ],
                End=True,
            ),
        },
    }
    started = time.monotonic()
    result = _run(definition)
    # THEN it finishes in seconds, having retried
    assert time.monotonic() - started < 10
    assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"attempts": 3}


def test_wait_is_scaled_not_skipped(sfn_aws):
    sfn_time.set_time_scale(0.001)
    started = time.monotonic()
    _run({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}})
    assert 0.5 <= time.monotonic() - started < 5  # 600 s x 0.001 = 0.6 s
    with pytest.raises(ValueError, match="time scale must be >= 0"):
        sfn_time.set_time_scale(-1)


def test_send_task_failure_keeps_the_cause(sfn_aws):
    sfn_task_failure.PATCH.install()
    try:
        # GIVEN an execution waiting for a task token, with a Catch that keeps the error at $.error
        waiting = _waiting_for_token(
            "cb", lambda url: caught_task(_token_task(url), PASS_END, ResultPath="$.error")
        )
        # WHEN the callback fails the task with a cause
        sfn = boto3.client("stepfunctions", region_name=REGION)
        sfn.send_task_failure(taskToken=waiting.token, error="LabelingJobFailed", cause="workers quit")
        result = finished_execution(waiting.execution)
        # THEN the Catch sees both error and cause
        assert json.loads(result["output"])["error"] == {
            "Error": "LabelingJobFailed",
            "Cause": "workers quit",
        }
    finally:
        sfn_task_failure.PATCH.uninstall()


def test_a_task_token_answers_once(sfn_aws):
    sfn_task_token_once.PATCH.install()
    try:
        # GIVEN an execution waiting on a task token, then on a second one
        waiting = _waiting_for_token(
            "once",
            lambda url: {
                "StartAt": "T",
                "States": {
                    "T": _token_task(url, ResultPath="$.first", Next="U"),
                    "U": _token_task(url, End=True),
                },
            },
        )
        sqs, url, token = waiting.sqs, waiting.url, waiting.token
        sqs.delete_message(QueueUrl=url, ReceiptHandle=waiting.message["ReceiptHandle"])
        # WHEN the first task is answered, then answered again while the execution waits on the second
        sfn = boto3.client("stepfunctions", region_name=REGION)
        sfn.send_task_success(taskToken=token, output='{"n": 1}')
        second_token = None
        while second_token in (None, token):  # the second state's message, not a redelivery of the first
            time.sleep(0.05)  # a tight poll starves the execution's thread (one GIL) and it advances slowly
            second = sqs.receive_message(QueueUrl=url).get("Messages", [])
            second_token = json.loads(second[0]["Body"])["token"] if second else None
        with pytest.raises(sfn.exceptions.TaskTimedOut):
            sfn.send_task_success(taskToken=token, output='{"n": 2}')
        # THEN the second callback was refused as AWS refuses it, and the first one's output stands
        sfn.send_task_success(taskToken=second_token, output="{}")
        result = finished_execution(waiting.execution)
        assert json.loads(result["output"]) == {}
        assert result["status"] == "SUCCEEDED"
    finally:
        sfn_task_token_once.PATCH.uninstall()


def test_jsonata_states_and_variables_evaluate(sfn_aws):
    sfn_jsonata.PATCH.install()
    try:
        definition = {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Assign": {"total": "{% $sum($states.input.values) %}"}, "Next": "B"},
                "B": {
                    "Type": "Pass",
                    "Output": {"total": "{% $total %}", "big": "{% $total > 5 %}"},
                    "End": True,
                },
            },
        }
        result = _run(definition, {"values": [1, 2, 3]})
        assert result["status"] == "SUCCEEDED", result
        assert json.loads(result["output"]) == {"total": 6, "big": True}
    finally:
        sfn_jsonata.PATCH.uninstall()


def test_stopping_an_execution_that_waits_for_a_callback_aborts_it(sfn_aws):
    sfn_stop_execution.PATCH.install()
    try:
        # GIVEN an execution waiting for a task token, with a Catch on its task
        execution = _waiting_for_token("stop", lambda url: caught_task(_token_task(url), PASS_END)).execution
        # WHEN the execution is stopped
        sfn = boto3.client("stepfunctions", region_name=REGION)
        sfn.stop_execution(executionArn=execution)
        result = finished_execution(execution, timeout=10, message="the stopped execution is still RUNNING")
        # THEN it ends ABORTED at once, and its Catch never ran
        assert result["status"] == "ABORTED"
        events = sfn.get_execution_history(executionArn=execution)["events"]
        assert events[-1]["type"] == "ExecutionAborted"
        entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
        assert "Caught" not in entered
    finally:
        sfn_stop_execution.PATCH.uninstall()
