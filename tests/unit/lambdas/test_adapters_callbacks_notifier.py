"""Callbacks (moto Step Functions + Stubber for the error codes) and the best-effort Notifier."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.notifier import MAX_SUBJECT, Notifier
from lambda_fakes import AwsClients

DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def test_sends_success_and_failure(callbacks: Callbacks, sfn_calls: list[tuple[str, dict]]) -> None:
    # GIVEN a waiting task
    # WHEN a success and a failure (with an over-long cause) are sent
    assert callbacks.send_success("token-1", {"labelingJobName": "j", "labelingJobStatus": "Completed"})
    assert callbacks.send_failure("token-2", "LabelingJobFailed", "x" * 40_000)
    # THEN the output is JSON and the cause is cut to the API limit
    (op1, success), (op2, failure) = sfn_calls
    assert op1 == "SendTaskSuccess" and json.loads(success["output"])["labelingJobStatus"] == "Completed"
    assert (
        op2 == "SendTaskFailure"
        and failure["error"] == "LabelingJobFailed"
        and len(failure["cause"]) == 32_768
    )


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_token_nobody_waits_for_counts_as_done(boto_session: boto3.session.Session, code: str) -> None:
    # GIVEN Step Functions no longer waits on the token
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_success", code)
        # WHEN/THEN sending reports "not delivered" instead of failing
        assert Callbacks(client).send_success("token", {}) is False
        stub.assert_no_pending_responses()


def test_other_callback_errors_propagate(boto_session: boto3.session.Session) -> None:
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_failure", "ThrottlingException")
        with pytest.raises(ClientError):
            Callbacks(client).send_failure("token", "E", "c")


def test_execution_status(aws: AwsClients, callbacks: Callbacks) -> None:
    # GIVEN a running execution that is then aborted
    machine = aws.sfn.create_state_machine(
        name="m", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    execution = aws.sfn.start_execution(stateMachineArn=machine, name="run-1")["executionArn"]
    assert callbacks.execution_status(execution) == "RUNNING"
    aws.sfn.stop_execution(executionArn=execution)
    # WHEN/THEN its status is reported, and None for an unknown execution
    assert callbacks.execution_status(execution) == "ABORTED"
    assert callbacks.execution_status(execution.replace("run-1", "run-9")) is None


def test_notifier_publishes_json(aws: AwsClients, boto_session: boto3.session.Session, topic: str) -> None:
    # GIVEN a queue subscribed to the topic
    sqs = boto_session.client("sqs")
    queue_url = sqs.create_queue(QueueName="mail")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    aws.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    notifier = Notifier(topic, aws.sns)
    # WHEN a mapping is published
    assert notifier.publish("labelchain: job Completed", {"cost": {"totalUsd": "217.18"}})
    # THEN subscribers get it as JSON with the subject
    envelope = json.loads(sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"])
    assert envelope["Subject"] == "labelchain: job Completed"
    assert json.loads(envelope["Message"]) == {"cost": {"totalUsd": "217.18"}}
    assert notifier.failed == 0


def test_notifier_failure_is_counted_not_raised(aws: AwsClients) -> None:
    # GIVEN a topic that does not exist
    notifier = Notifier("arn:aws:sns:us-east-1:123456789012:missing", aws.sns)
    # WHEN publishing
    delivered = notifier.publish("subject", "message")
    # THEN nothing is raised, and the failure is counted
    assert delivered is False and notifier.failed == 1


def test_subject_is_cut_to_the_sns_limit(boto_session: boto3.session.Session) -> None:
    # GIVEN a stubbed SNS expecting a subject of at most 100 ASCII characters
    client = boto_session.client("sns")
    long_subject = "labelchain: " + "é" * 200
    expected = ("labelchain: " + "?" * 200)[: MAX_SUBJECT - 3] + "..."
    with Stubber(client) as stub:
        stub.add_response(
            "publish",
            {"MessageId": "1"},
            {
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
                "Subject": expected,
                "Message": '{\n  "a": 1\n}',
            },
        )
        # WHEN/THEN the publish matches
        assert Notifier("arn:aws:sns:us-east-1:123456789012:t", client).publish(long_subject, {"a": 1})
        stub.assert_no_pending_responses()
