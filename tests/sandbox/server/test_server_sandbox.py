"""The running sandbox: loopback server, control API, real handlers, events, simulated Ground Truth."""

from __future__ import annotations

import io
import json
import os
import urllib.request
import zipfile

import pytest
from sandbox_fakes import lambda_invoke_task

ACS_ARN = "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"
HANDLER = """
import os, boto3
def handler(event, context):
    if event.get("fail"):
        raise ValueError("bad input")
    names = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    return {"buckets": names, "table": os.environ["TABLE_NAME"], "input": event}
"""


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def _control(sandbox, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    request = urllib.request.Request(
        f"{sandbox.endpoint_url}/_sandbox/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def function(sandbox) -> str:
    iam = sandbox.client("iam")
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return sandbox.client("lambda").create_function(
        FunctionName="probe",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip(HANDLER)},
        Environment={"Variables": {"TABLE_NAME": "jobs"}},
        Timeout=30,
    )["FunctionArn"]


def test_serves_on_loopback_with_moto_port_and_every_patch(sandbox):
    assert sandbox.endpoint_url == f"http://localhost:{sandbox.port}"
    assert os.environ["MOTO_PORT"] == str(sandbox.port)
    status, health = _control(sandbox, "GET", "health")
    assert status == 200 and health["groundTruth"] and all(health["patches"].values())


def test_real_handler_runs_in_a_subprocess_against_the_sandbox(sandbox, function):
    # GIVEN a bucket and a function whose handler lists buckets with plain boto3
    sandbox.client("s3").create_bucket(Bucket="visible-bucket")
    # WHEN invoked THEN its SDK calls reached the sandbox through AWS_ENDPOINT_URL
    response = sandbox.client("lambda").invoke(FunctionName="probe", Payload=b'{"a": 1}')
    assert json.loads(response["Payload"].read()) == {
        "buckets": ["visible-bucket"],
        "table": "jobs",
        "input": {"a": 1},
    }


def test_an_upload_starts_a_workflow_that_waits_and_runs_the_handler(sandbox, function, finished_execution):
    # GIVEN an EventBridge-enabled bucket, a rule and a state machine: Wait one hour, then the Lambda
    s3, events, sfn = sandbox.client("s3"), sandbox.client("events"), sandbox.client("stepfunctions")
    s3.create_bucket(Bucket="uploads")
    s3.put_bucket_notification_configuration(
        Bucket="uploads", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    definition = {
        "StartAt": "Wait",
        "States": {
            "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Run"},
            "Run": lambda_invoke_task(function, {"key.$": "$.detail.object.key"}, End=True),
        },
    }
    machine = sfn.create_state_machine(
        name="flow", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/x"
    )["stateMachineArn"]
    events.put_rule(
        Name="on-upload", EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]})
    )
    events.put_targets(Rule="on-upload", Targets=[{"Id": "sm", "Arn": machine}])
    # WHEN a file is uploaded
    s3.put_object(Bucket="uploads", Key="incoming/birds/batch 1.manifest", Body=b"{}")
    result = finished_execution(machine)
    # THEN the execution (named with a UUID) waited in compressed time and ran the real handler
    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"])["input"] == {"key": "incoming/birds/batch 1.manifest"}
    assert len(result["name"]) == 36


def test_step_functions_service_tasks_reach_the_sandbox(sandbox, finished_execution):
    dynamodb, sfn = sandbox.client("dynamodb"), sandbox.client("stepfunctions")
    dynamodb.create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "items", "Item": {"pk": {"S": "from-sfn"}}},
                "End": True,
            }
        },
    }
    machine = sfn.create_state_machine(
        name="ddb", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/x"
    )["stateMachineArn"]
    sfn.start_execution(stateMachineArn=machine, input="{}")
    assert finished_execution(machine)["status"] == "SUCCEEDED"
    assert dynamodb.get_item(TableName="items", Key={"pk": {"S": "from-sfn"}})["Item"]


def test_a_four_hour_job_completes_in_seconds_and_publishes_its_event(sandbox, wait):
    # GIVEN an SQS queue behind a rule on the Ground Truth state-change event
    s3, sqs, events, sagemaker = (sandbox.client(s) for s in ("s3", "sqs", "events", "sagemaker"))
    url = sqs.create_queue(QueueName="gt")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="gt", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
    events.put_targets(Rule="gt", Targets=[{"Id": "q", "Arn": queue}])
    for bucket in ("input-bucket", "output-bucket"):
        s3.create_bucket(Bucket=bucket)
    lines = "\n".join(json.dumps({"source-ref": f"s3://input-bucket/img/{i}.jpg"}) for i in range(500))
    s3.put_object(Bucket="input-bucket", Key="batch.manifest", Body=lines.encode())
    # WHEN a human-only job of 500 objects (about 5 simulated hours) is created
    request = _human_job_request("quick-job")
    arn = sagemaker.create_labeling_job(**request)["LabelingJobArn"]
    # THEN it completes within seconds of real time and its event arrives
    final = wait(
        lambda: (
            (d := sagemaker.describe_labeling_job(LabelingJobName="quick-job"))["LabelingJobStatus"]
            == "Completed"
            and d
        ),
        20,
    )
    assert (final["LastModifiedTime"] - final["CreationTime"]).total_seconds() > 4 * 3600
    messages = wait(lambda: sqs.receive_message(QueueUrl=url).get("Messages"), 10)
    event = json.loads(messages[0]["Body"])
    assert event["resources"] == [arn] and event["detail"] == {"LabelingJobStatus": "Completed"}


def test_control_api_queues_faults_and_moves_the_clock(sandbox):
    status, fault = _control(sandbox, "POST", "faults", {"kind": "throttle", "count": 2})
    assert status == 201 and fault["kind"] == "throttle"
    assert [f["count"] for f in _control(sandbox, "GET", "faults")[1]] == [2]
    assert _control(sandbox, "DELETE", "faults")[1] == {"cleared": True}
    assert _control(sandbox, "GET", "faults")[1] == []
    before = _control(sandbox, "GET", "clock")[1]["now"]
    after = _control(sandbox, "POST", "clock", {"advanceHours": 48})[1]["now"]
    assert after[:10] > before[:10]
    with pytest.raises(urllib.error.HTTPError) as raised:
        _control(sandbox, "POST", "faults", {"kind": "explode"})
    assert raised.value.code == 400


def test_reset_clears_every_resource(sandbox):
    sandbox.client("s3").create_bucket(Bucket="temporary")
    sandbox.reset()
    assert sandbox.client("s3").list_buckets()["Buckets"] == []


def _human_job_request(name: str) -> dict:
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "category",
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://input-bucket/batch.manifest"}}
        },
        "OutputConfig": {"S3OutputPath": "s3://output-bucket/jobs/"},
        "RoleArn": "arn:aws:iam::123456789012:role/ground-truth",
        "HumanTaskConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team",
            "UiConfig": {"UiTemplateS3Uri": "s3://input-bucket/template.html"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": ACS_ARN},
            "TaskTitle": "Boxes",
            "TaskDescription": "Draw boxes",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "MaxConcurrentTaskCount": 100,
        },
    }
