"""State-change events of simulated jobs and fault injection."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import sandbox.groundtruth as gt

REGION = "us-east-1"
DETAIL_TYPE = "SageMaker Ground Truth Labeling Job State Change"


@pytest.fixture
def state_changes(gt_aws):
    """An SQS queue receiving the Ground Truth state-change events; returns a reader."""
    sqs, events = boto3.client("sqs", region_name=REGION), boto3.client("events", region_name=REGION)
    url = sqs.create_queue(QueueName="gt-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {
        "source": ["aws.sagemaker"],
        "detail-type": [DETAIL_TYPE],
        "detail": {"LabelingJobStatus": ["Completed", "Failed", "Stopped"]},
    }
    events.put_rule(Name="gt", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="gt", Targets=[{"Id": "q", "Arn": arn}])

    def read() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return read


def test_completion_publishes_the_state_change_event(
    gt_aws, state_changes, make_inputs, make_request, finish
):
    # GIVEN a job WHEN it completes
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    arn = sagemaker.create_labeling_job(**make_request("evt", make_inputs(20), auto=False))["LabelingJobArn"]
    assert state_changes() == []  # nothing while it runs
    finish(sagemaker, "evt", gt_aws)
    # THEN one event with the documented shape arrives on the default bus
    (event,) = state_changes()
    assert event["source"] == "aws.sagemaker" and event["detail-type"] == DETAIL_TYPE
    assert event["resources"] == [arn] and event["detail"] == {"LabelingJobStatus": "Completed"}


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ({"kind": "fail", "reason": "ClientError: workers quit"}, "Failed"),
        ({"kind": "stop", "atHours": 0.5}, "Stopped"),
    ],
)
def test_fail_and_stop_faults_end_the_next_job(
    gt_aws, state_changes, make_inputs, make_request, finish, fault, status
):
    # GIVEN a fault queued for the next job
    gt.add_fault(fault)
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    manifest = make_inputs(1250)
    sagemaker.create_labeling_job(**make_request("faulty", manifest))
    sagemaker.create_labeling_job(**make_request("healthy", manifest))
    # WHEN both run to the end
    faulty, healthy = finish(sagemaker, "faulty", gt_aws), finish(sagemaker, "healthy", gt_aws)
    # THEN only the first is affected, and its event carries the status
    assert faulty["LabelingJobStatus"] == status and healthy["LabelingJobStatus"] == "Completed"
    if status == "Failed":
        assert faulty["FailureReason"] == "ClientError: workers quit"
    statuses = {
        e["resources"][0].rsplit("/", 1)[1]: e["detail"]["LabelingJobStatus"] for e in state_changes()
    }
    assert statuses == {"faulty": status, "healthy": "Completed"}
    assert gt.pending_faults() == []


def test_drop_event_fault_suppresses_only_the_event(gt_aws, state_changes, make_inputs, make_request, finish):
    gt.add_fault({"kind": "drop_event", "namePattern": "lost-*"})
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    sagemaker.create_labeling_job(**make_request("lost-1", make_inputs(20), auto=False))
    assert finish(sagemaker, "lost-1", gt_aws)["LabelingJobStatus"] == "Completed"
    assert state_changes() == []


def test_delay_fault_lengthens_the_job(gt_aws, make_inputs, make_request, finish):
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    manifest = make_inputs(100)
    sagemaker.create_labeling_job(**make_request("normal", manifest, auto=False))
    gt.add_fault({"kind": "delay", "hours": 5})
    sagemaker.create_labeling_job(**make_request("slow", manifest, auto=False))
    normal, slow = (
        finish(sagemaker, "normal", gt_aws, step_hours=0.25),
        finish(sagemaker, "slow", gt_aws, step_hours=0.25),
    )
    hours = [(d["LastModifiedTime"] - d["CreationTime"]).total_seconds() / 3600 for d in (normal, slow)]
    assert hours[1] - hours[0] == pytest.approx(5, abs=0.01)


def test_no_model_fault_omits_the_final_model(gt_aws, make_inputs, make_request, finish):
    gt.add_fault({"kind": "no_model"})
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    sagemaker.create_labeling_job(**make_request("nomodel", make_inputs(1250)))
    final = finish(sagemaker, "nomodel", gt_aws)
    assert final["LabelCounters"]["MachineLabeled"] > 0
    assert "FinalActiveLearningModelArn" not in final["LabelingJobOutput"]


@pytest.mark.parametrize(
    ("kind", "code"), [("throttle", "ThrottlingException"), ("limit", "ResourceLimitExceeded")]
)
def test_call_faults_reject_the_next_create_calls(gt_aws, make_inputs, make_request, kind, code):
    # GIVEN two throttled (or over-limit) calls queued and a client that does not retry
    gt.add_fault({"kind": kind, "count": 2})
    sagemaker = boto3.client(
        "sagemaker", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )
    request = make_request("throttled", make_inputs(10))
    # WHEN creating three times THEN two calls fail with the error and the third succeeds
    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            sagemaker.create_labeling_job(**request)
        assert raised.value.response["Error"]["Code"] == code
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sagemaker.create_labeling_job(**request)["LabelingJobArn"].endswith("/throttled")


def test_sdk_retries_absorb_a_single_throttle(gt_aws, make_inputs, make_request):
    gt.add_fault({"kind": "throttle"})
    sagemaker = boto3.client(
        "sagemaker", region_name=REGION, config=Config(retries={"mode": "standard", "max_attempts": 3})
    )
    assert sagemaker.create_labeling_job(**make_request("retried", make_inputs(10)))["LabelingJobArn"]


def test_rejects_an_unknown_fault_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        gt.Fault.from_dict({"kind": "explode"})
