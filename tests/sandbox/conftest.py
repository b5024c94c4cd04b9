"""Fixtures for the sandbox tests that run moto in decorator mode (``mock_aws``).

Server-mode tests live in ``tests/sandbox/server`` and must run in their own pytest process (see the
conftest there). Every fixture here leaves moto as it found it: patches are uninstalled and the simulated
Ground Truth configuration is reset after each test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

import sandbox.groundtruth as gt
from sandbox.clock import SimClock
from sandbox.patches import events_targets, lambda_invoke, sfn_execution_name, sfn_time

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ground-truth"
ALGORITHMS = {
    "BoundingBox": ("object-detection", "BoundingBox"),
    "ImageClassification": ("image-classification", "ImageMultiClass"),
    "TextClassification": ("text-classification", "TextMultiClass"),
    "SemanticSegmentation": ("semantic-segmentation", "SemanticSegmentation"),
}
ACS_PREFIX = f"arn:aws:lambda:{REGION}:432418664414:function:ACS-"
PRICES = {"SemanticSegmentation": {"Dollars": 0, "Cents": 84, "TenthFractionsOfACent": 0}}


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def sfn_aws() -> Iterator[None]:
    """moto with Step Functions execution on, unnamed executions named, sleeps off, in-process Lambda."""
    sfn_time.set_time_scale(0.0)
    lambda_invoke.configure(mode="inprocess")
    for module in (sfn_time, sfn_execution_name, lambda_invoke, events_targets):
        module.PATCH.install()
    try:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            yield
    finally:
        lambda_invoke.registry.clear()
        for module in (events_targets, lambda_invoke, sfn_execution_name, sfn_time):
            module.PATCH.uninstall()
        lambda_invoke.configure(mode="subprocess")


@pytest.fixture
def gt_aws() -> Iterator[SimClock]:
    """moto with the simulated Ground Truth on a frozen clock (seed 0); yields the clock."""
    gt.install()
    clock = SimClock(None)
    gt.configure(clock=clock, seed=0)
    events_targets.PATCH.install()
    try:
        with mock_aws():
            for bucket in ("input-bucket", "output-bucket"):
                boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
            yield clock
    finally:
        events_targets.PATCH.uninstall()
        gt.uninstall()
        gt.reset_config()


def write_inputs(
    count: int,
    *,
    prefix: str = "images",
    text: bool = False,
    labels: tuple[str, ...] = ("Bird", "Not a bird"),
    key: str = "batches/batch.manifest",
) -> str:
    """Write an input manifest of ``count`` objects and a label file to ``input-bucket``; returns its URI."""
    s3 = boto3.client("s3", region_name=REGION)
    if text:
        lines = [json.dumps({"source": f"{prefix} sentence number {i}"}) for i in range(count)]
    else:
        lines = [
            json.dumps({"source-ref": f"s3://input-bucket/{prefix}/img-{i:05d}.jpg", "batch": prefix})
            for i in range(count)
        ]
    s3.put_object(Bucket="input-bucket", Key=key, Body="\n".join(lines).encode())
    document = {"document-version": "2018-11-28", "labels": [{"label": label} for label in labels]}
    s3.put_object(Bucket="input-bucket", Key="labels.json", Body=json.dumps(document).encode())
    return f"s3://input-bucket/{key}"


def labeling_request(
    name: str,
    manifest: str,
    *,
    task: str = "BoundingBox",
    auto: bool = True,
    initial_model: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid CreateLabelingJob request (public workforce, 3 workers, batches of 200)."""
    algorithm, suffix = ALGORITHMS[task]
    request: dict[str, Any] = {
        "LabelingJobName": name,
        "LabelAttributeName": "label-ref" if task == "SemanticSegmentation" else "category",
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}},
            "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]},
        },
        "OutputConfig": {"S3OutputPath": "s3://output-bucket/jobs/"},
        "RoleArn": ROLE_ARN,
        "LabelCategoryConfigS3Uri": "s3://input-bucket/labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default",
            "UiConfig": {"UiTemplateS3Uri": "s3://input-bucket/template.liquid.html"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:PRE-{suffix}",
            "TaskTitle": "Label the objects",
            "TaskDescription": "Label every object.",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 300,
            "TaskAvailabilityLifetimeInSeconds": 21600,
            "MaxConcurrentTaskCount": 200,
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": f"{ACS_PREFIX}{suffix}"},
            "PublicWorkforceTaskPrice": {
                "AmountInUsd": PRICES.get(task, {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6})
            },
        },
    }
    if auto:
        spec = f"arn:aws:sagemaker:{REGION}:027400017018:labeling-job-algorithm-specification/{algorithm}"
        request["LabelingJobAlgorithmsConfig"] = {"LabelingJobAlgorithmSpecificationArn": spec}
        if initial_model:
            request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] = initial_model
    request.update(overrides)
    return request


@pytest.fixture
def make_inputs() -> Callable[..., str]:
    """``write_inputs`` as a fixture (see its docstring)."""
    return write_inputs


@pytest.fixture
def make_request() -> Callable[..., dict[str, Any]]:
    """``labeling_request`` as a fixture (see its docstring)."""
    return labeling_request


def run_to_end(
    sagemaker: Any, name: str, clock: SimClock, *, step_hours: float = 1.0, limit_hours: float = 200
) -> dict[str, Any]:
    """Advance the frozen clock until the job is terminal; returns the final description."""
    elapsed = 0.0
    while elapsed <= limit_hours:
        description = sagemaker.describe_labeling_job(LabelingJobName=name)
        if description["LabelingJobStatus"] in ("Completed", "Failed", "Stopped"):
            return description
        gt.advance(step_hours)
        elapsed += step_hours
    raise AssertionError(f"{name} did not finish within {limit_hours} simulated hours")


@pytest.fixture
def finish() -> Callable[..., dict[str, Any]]:
    """``run_to_end`` as a fixture (see its docstring)."""
    return run_to_end
