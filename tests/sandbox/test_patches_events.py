"""Smoke tests of the EventBridge-target and S3-event patches."""

from __future__ import annotations

import json
import threading

import boto3
import pytest
from sandbox_fakes import EMPTY_ZIP, REGION  # noqa: F401
from sandbox_fakes import create_function as _function

from sandbox.patches import lambda_invoke, s3_events


class TestEventBridgeTargets:
    def _bus(self):
        return boto3.client("events", region_name=REGION)

    def test_delivers_to_a_lambda_target_asynchronously_with_an_iso_time(self, sfn_aws):
        received: list[dict] = []
        arrived = threading.Event()
        arn = _function("target")
        lambda_invoke.registry.register(
            "target", lambda event, context: (received.append(event), arrived.set())
        )
        events = self._bus()
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
        events.put_targets(Rule="r", Targets=[{"Id": "l", "Arn": arn}])
        events.put_events(
            Entries=[
                {"Source": "aws.sagemaker", "DetailType": "x", "Detail": '{"a": 1}', "Resources": ["r1"]}
            ]
        )
        assert arrived.wait(5)
        (event,) = received
        assert event["detail"] == {"a": 1} and event["resources"] == ["r1"]
        assert event["time"].endswith("Z") and "ingestion-time" not in event

    def test_starts_a_state_machine_honouring_input_path_and_input(self, sfn_aws):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        sm = sfn.create_state_machine(
            name="t", definition=definition, roleArn="arn:aws:iam::123456789012:role/x"
        )["stateMachineArn"]
        events = self._bus()
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["demo"]}))
        events.put_targets(
            Rule="r",
            Targets=[
                {"Id": "path", "Arn": sm, "InputPath": "$.detail"},
                {"Id": "fixed", "Arn": sm, "Input": '{"fixed": true}'},
            ],
        )
        events.put_events(Entries=[{"Source": "demo", "DetailType": "x", "Detail": '{"chain": "birds"}'}])
        inputs = sorted(
            sfn.describe_execution(executionArn=e["executionArn"])["input"]
            for e in sfn.list_executions(stateMachineArn=sm)["executions"]
        )
        assert [json.loads(i) for i in inputs] == [{"chain": "birds"}, {"fixed": True}]

    def test_other_targets_still_work_and_disabled_or_schedule_rules_do_not_match(self, sfn_aws):
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events = self._bus()
        events.put_rule(Name="live", EventPattern=json.dumps({"source": ["demo"]}))
        events.put_rule(Name="off", EventPattern=json.dumps({"source": ["demo"]}), State="DISABLED")
        events.put_rule(Name="timer", ScheduleExpression="rate(5 minutes)")
        for rule in ("live", "off", "timer"):
            events.put_targets(
                Rule=rule, Targets=[{"Id": "q", "Arn": queue, "Input": json.dumps({"rule": rule})}]
            )
        events.put_events(Entries=[{"Source": "demo", "DetailType": "x", "Detail": "{}"}])
        bodies = [
            json.loads(m["Body"])
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        ]
        assert bodies == [{"rule": "live"}]


@pytest.fixture
def s3_to_queue(sfn_aws):
    s3_events.PATCH.install()
    sqs, events, s3 = (boto3.client(s, region_name=REGION) for s in ("sqs", "events", "s3"))
    url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="uploads",
        EventPattern=json.dumps(
            {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {"object": {"key": [{"prefix": "incoming/"}]}},
            }
        ),
    )
    events.put_targets(Rule="uploads", Targets=[{"Id": "q", "Arn": queue}])
    yield (
        s3,
        lambda: [
            json.loads(m["Body"])
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        ],
    )
    s3_events.PATCH.uninstall()


def test_s3_object_created_events_have_the_aws_shape(s3_to_queue):
    s3, read = s3_to_queue
    s3.create_bucket(Bucket="plain")
    s3.put_bucket_notification_configuration(
        Bucket="plain", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    s3.put_object(Bucket="plain", Key="incoming/birds/batch 1+x.manifest", Body=b"data")
    (event,) = read()
    obj = event["detail"]["object"]
    assert obj["key"] == "incoming/birds/batch 1+x.manifest"  # as is, as EventBridge delivers it
    assert obj["etag"] == "8d777f385d3dfec8815d20f7496026dc" and "eTag" not in obj and "version-id" not in obj
    assert event["detail"]["reason"] == "PutObject" and event["detail"]["bucket"] == {"name": "plain"}


def test_s3_events_of_a_versioned_bucket_carry_the_version_id(s3_to_queue):
    s3, read = s3_to_queue
    s3.create_bucket(Bucket="versioned")
    s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(
        Bucket="versioned", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    version = s3.put_object(Bucket="versioned", Key="incoming/a.manifest", Body=b"x")["VersionId"]
    (event,) = read()
    assert event["detail"]["object"]["version-id"] == version
