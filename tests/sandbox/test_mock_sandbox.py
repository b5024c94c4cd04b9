"""``mock_sandbox``: the in-process sandbox for fast workflow tests."""

from __future__ import annotations

import json
import threading

import boto3
from sandbox_fakes import REGION, create_function, finished_execution, start_execution, wait_until

from sandbox.mock import mock_sandbox
from sandbox.patches import lambda_invoke


def test_a_workflow_with_a_labeling_job_and_its_event_runs_in_process(make_inputs, make_request):
    # GIVEN a state machine whose task creates a labeling job and waits for a callback, and a
    # Lambda on the state-change event that sends the callback (both in-process handlers)
    tokens: dict[str, str] = {}
    called_back = threading.Event()

    def start(event, context):
        sagemaker = boto3.client("sagemaker", region_name=REGION)
        sagemaker.create_labeling_job(**make_request("mock-job", make_inputs(30), auto=False))
        tokens["mock-job"] = event["token"]
        return {}

    def job_changed(event, context):
        name = event["resources"][0].rsplit("/", 1)[1]
        status = event["detail"]["LabelingJobStatus"]
        boto3.client("stepfunctions", region_name=REGION).send_task_success(
            taskToken=tokens[name], output=json.dumps({"status": status})
        )
        called_back.set()

    with mock_sandbox(handlers={"start": start, "job-changed": job_changed}) as box:
        for bucket in ("input-bucket", "output-bucket"):
            boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
        arns = {name: create_function(name) for name in ("start", "job-changed")}
        events = boto3.client("events", region_name=REGION)
        events.put_rule(Name="gt", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
        events.put_targets(Rule="gt", Targets=[{"Id": "l", "Arn": arns["job-changed"]}])
        definition = {
            "StartAt": "Start",
            "States": {
                "Start": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": arns["start"], "Payload": {"token.$": "$$.Task.Token"}},
                    "End": True,
                }
            },
        }
        execution = start_execution("m", definition)
        wait_until(lambda: "mock-job" in tokens)
        # WHEN simulated time passes
        box.advance(hours=2)
        # THEN the job completed, its event reached the Lambda and the execution resumed
        assert called_back.wait(5)
        result = finished_execution(execution, timeout=10)
        assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"status": "Completed"}
    assert not lambda_invoke.PATCH.installed
