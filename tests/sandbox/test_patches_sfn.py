"""Smoke tests of the Step Functions patches (each fails loudly if a moto upgrade breaks its patch)."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws
from moto.core.config import default_user_config

from sandbox.patches import (
    lambda_invoke,
    sfn_execution,
    sfn_jsonata,
    sfn_stop_execution,
    sfn_task_failure,
    sfn_task_token_once,
    sfn_time,
)

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sfn"


def _run(
    definition: dict, execution_input: dict | None = None, *, name: str | None = "run", timeout: float = 20
) -> dict:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = sfn.create_state_machine(
        name=f"sm-{time.monotonic_ns()}", definition=json.dumps(definition), roleArn=ROLE
    )["stateMachineArn"]
    kwargs = {"name": name} if name else {}
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(execution_input or {}), **kwargs)[
        "executionArn"
    ]
    deadline = time.monotonic() + timeout
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.05)
    return described


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
    arn = sfn.create_state_machine(name="unnamed", definition=json.dumps(definition), roleArn=ROLE)[
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

    _create_function("flaky")
    lambda_invoke.registry.register("flaky", flaky)
    definition = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "L"},
            "L": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "OutputPath": "$.Payload",
                "Parameters": {"FunctionName": "flaky", "Payload": {}},
                "Retry": [
                    {
                        "ErrorEquals": ["TimeoutError"],
                        "IntervalSeconds": 3600,
                        "MaxAttempts": 3,
                        "BackoffRate": 2,
                    }
                ],
                "End": True,
            },
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
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="tokens")["QueueUrl"]
        definition = {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token"}},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(name="cb", definition=json.dumps(definition), roleArn=ROLE)[
            "stateMachineArn"
        ]
        execution = sfn.start_execution(stateMachineArn=arn, name="cb", input="{}")["executionArn"]
        messages = []
        while not messages:
            messages = sqs.receive_message(QueueUrl=url).get("Messages", [])
        token = json.loads(messages[0]["Body"])["token"]
        # WHEN the callback fails the task with a cause
        sfn.send_task_failure(taskToken=token, error="LabelingJobFailed", cause="workers quit")
        while (result := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            time.sleep(0.05)
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
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="once")["QueueUrl"]
        wait = {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token"}},
        }
        definition = {
            "StartAt": "T",
            "States": {"T": {**wait, "ResultPath": "$.first", "Next": "U"}, "U": {**wait, "End": True}},
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(name="once", definition=json.dumps(definition), roleArn=ROLE)[
            "stateMachineArn"
        ]
        execution = sfn.start_execution(stateMachineArn=arn, name="once", input="{}")["executionArn"]
        messages = []
        while not messages:
            messages = sqs.receive_message(QueueUrl=url).get("Messages", [])
        token = json.loads(messages[0]["Body"])["token"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        # WHEN the first task is answered, then answered again while the execution waits on the second
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
        while (result := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            time.sleep(0.05)
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


def _create_function(name: str, **kwargs) -> str:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        **kwargs,
    )["FunctionArn"]


def test_stopping_an_execution_that_waits_for_a_callback_aborts_it(sfn_aws):
    sfn_stop_execution.PATCH.install()
    try:
        # GIVEN an execution waiting for a task token, with a Catch on its task
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="stop-tokens")["QueueUrl"]
        definition = {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token"}},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(name="stop", definition=json.dumps(definition), roleArn=ROLE)[
            "stateMachineArn"
        ]
        execution = sfn.start_execution(stateMachineArn=arn, name="stop", input="{}")["executionArn"]
        waited = time.monotonic() + 30
        while not sqs.receive_message(QueueUrl=url).get("Messages"):
            assert time.monotonic() < waited, "the task never sent its token to the queue"
            time.sleep(0.05)
        # WHEN the execution is stopped
        sfn.stop_execution(executionArn=execution)
        deadline = time.monotonic() + 10
        while (result := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the stopped execution is still RUNNING"
            time.sleep(0.05)
        # THEN it ends ABORTED at once, and its Catch never ran
        assert result["status"] == "ABORTED"
        events = sfn.get_execution_history(executionArn=execution)["events"]
        assert events[-1]["type"] == "ExecutionAborted"
        entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
        assert "Caught" not in entered
    finally:
        sfn_stop_execution.PATCH.uninstall()
