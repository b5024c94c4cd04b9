"""Builders shared by the Lambda tests: the jobs table, chains, manifests, events and SageMaker responses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig, parse_chain
from labelchain_fn.core.requests import build_create_labeling_job_request
from labelchain_fn.core.warm_start import WarmStart

if TYPE_CHECKING:
    from botocore.stub import Stubber
    from labelchain_fn.adapters.callbacks import Callbacks
    from labelchain_fn.adapters.job_store import JobStore
    from labelchain_fn.adapters.labeling import LabelingJobs
    from labelchain_fn.adapters.notifier import Notifier
    from labelchain_fn.adapters.objects import Objects
    from labelchain_fn.handlers.settle import Settling

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE = "labelchain-jobs"
INPUT_BUCKET = "lc-input"
ARTIFACTS_BUCKET = "lc-artifacts"
OUTPUT_BUCKET = "lc-output"
IMAGES_BUCKET = "lc-images"
FOREIGN_BUCKET = "someone-else"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/labelchain-ground-truth"
PARAMETER = "/LabelChain/chains"
EXECUTION_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:labelchain:run-1"
OTHER_EXECUTION_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:labelchain:run-2"
MODEL_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/lc-birds-0001-model"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)

BIRDS: dict[str, Any] = {
    "taskType": "BoundingBox",
    "labels": ["Bird"],
    "labelAttributeName": "category",
    "taskTitle": "Draw a box around each bird",
    "taskDescription": "Draw a tight box around every bird in the image.",
    "taskKeywords": ["images", "birds"],
    "workforce": {"type": "public", "taskPriceUsd": "0.036"},
    "workersPerObject": 3,
    "maxConcurrentTaskCount": 200,
}


def make_chain(name: str = "birds", **overrides: Any) -> ChainConfig:
    """A chain built through the real config parser (so tests use what synth would accept)."""
    problems: list[str] = []
    chain = parse_chain(name, {**BIRDS, **overrides}, problems)
    assert chain is not None and not problems, problems
    return chain


def create_jobs_table(dynamodb: Any, name: str = TABLE) -> str:
    """The jobs table of docs/design.md: ``pk``/``sk``, GSIs ``gsi1`` and sparse ``active``."""
    attribute_names = ("pk", "sk", "gsi1pk", "gsi1sk", "activePk", "createdAt")
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in attribute_names],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": hash_key, "KeyType": "HASH"},
                    {"AttributeName": range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, hash_key, range_key in (
                ("gsi1", "gsi1pk", "gsi1sk"),
                ("active", "activePk", "createdAt"),
            )
        ],
    )
    return name


def manifest_lines(count: int, bucket: str = IMAGES_BUCKET, start: int = 0) -> bytes:
    """``count`` distinct image lines pointing at ``bucket``."""
    return b"".join(
        json.dumps({"source-ref": f"s3://{bucket}/birds/img-{i:06d}.jpg"}).encode() + b"\n"
        for i in range(start, start + count)
    )


def s3_event(bucket: str, key: str, version_id: str | None = None, etag: str = "etag-1") -> dict[str, Any]:
    """An EventBridge S3 "Object Created" event (the key as is, as EventBridge sends it)."""
    obj: dict[str, Any] = {"key": key, "size": 100, "etag": etag}
    if version_id:
        obj["version-id"] = version_id
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "account": ACCOUNT,
        "region": REGION,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {"bucket": {"name": bucket}, "object": obj, "reason": "PutObject"},
    }


def prepare_event(execution_input: Any, execution_arn: str = EXECUTION_ARN) -> dict[str, Any]:
    """Prepare's payload as the state machine builds it."""
    return {
        "input": execution_input,
        "executionArn": execution_arn,
        "executionName": execution_arn.split(":")[-1],
    }


def describe_response(
    request: dict[str, Any],
    status: str = "InProgress",
    *,
    human: int = 0,
    machine: int = 0,
    unlabeled: int = 0,
    model_arn: str | None = None,
    output_uri: str | None = None,
    failure_reason: str | None = None,
    elapsed_seconds: int = 3600,
) -> dict[str, Any]:
    """A complete ``DescribeLabelingJob`` response echoing ``request`` (Stubber checks required members)."""
    name = request["LabelingJobName"]
    response: dict[str, Any] = {
        "LabelingJobStatus": status,
        "LabelCounters": {
            "TotalLabeled": human + machine,
            "HumanLabeled": human,
            "MachineLabeled": machine,
            "FailedNonRetryableError": 0,
            "Unlabeled": unlabeled,
        },
        "CreationTime": T0,
        "LastModifiedTime": datetime.fromtimestamp(T0.timestamp() + elapsed_seconds, UTC),
        "JobReferenceCode": "ref-1",
        "LabelingJobName": name,
        "LabelingJobArn": job_arn(name),
        "LabelAttributeName": request["LabelAttributeName"],
        "InputConfig": request["InputConfig"],
        "OutputConfig": request["OutputConfig"],
        "RoleArn": request["RoleArn"],
        "HumanTaskConfig": request["HumanTaskConfig"],
    }
    if "LabelingJobAlgorithmsConfig" in request:
        response["LabelingJobAlgorithmsConfig"] = request["LabelingJobAlgorithmsConfig"]
    if output_uri:
        response["LabelingJobOutput"] = {"OutputDatasetS3Uri": output_uri}
        if model_arn:
            response["LabelingJobOutput"]["FinalActiveLearningModelArn"] = model_arn
    if failure_reason:
        response["FailureReason"] = failure_reason
    return response


def job_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{name}"


def state_change_event(name: str, status: str) -> dict[str, Any]:
    """The EventBridge "SageMaker Ground Truth Labeling Job State Change" event."""
    return {
        "version": "0",
        "source": "aws.sagemaker",
        "detail-type": "SageMaker Ground Truth Labeling Job State Change",
        "resources": [job_arn(name)],
        "detail": {"LabelingJobStatus": status},
    }


def output_line(index: int, human: bool, label_attribute: str = "category") -> bytes:
    """One output-manifest line labeled by a human or by the model."""
    record = {
        "source-ref": f"s3://{IMAGES_BUCKET}/birds/img-{index:06d}.jpg",
        label_attribute: {"annotations": [], "image_size": [{"width": 10, "height": 10, "depth": 3}]},
        f"{label_attribute}-metadata": {"human-annotated": "yes" if human else "no", "type": "x"},
    }
    return json.dumps(record).encode() + b"\n"


def pending_job(
    chain: ChainConfig,
    name: str = "lc-birds-0001-abcd1234",
    *,
    sequence: int = 1,
    role: str = "main",
    initial_model_arn: str | None = None,
    execution_arn: str = EXECUTION_ARN,
    now: str = "2026-03-02T14:00:00+00:00",
) -> dict[str, Any]:
    """A PENDING job item as Prepare writes it, with a complete request built by the core."""
    request = build_create_labeling_job_request(
        chain=chain,
        region=REGION,
        labeling_job_name=name,
        manifest_s3_uri=f"s3://{ARTIFACTS_BUCKET}/manifests/{chain.name}/{name}.manifest",
        output_s3_uri=f"s3://{OUTPUT_BUCKET}/jobs/{chain.name}/",
        role_arn=ROLE_ARN,
        label_category_s3_uri=f"s3://{ARTIFACTS_BUCKET}/label-categories/{chain.name}/abc.json",
        ui_template_s3_uri=f"s3://{ARTIFACTS_BUCKET}/ui-templates/{chain.name}/abc.html",
        initial_model_arn=initial_model_arn,
    )
    warm = WarmStart("latest", initial_model_arn, "test")
    return records.new_job_item(
        chain=chain.name,
        sequence=sequence,
        role=role,
        labeling_job_name=name,
        request=request,
        manifest_s3_uri=request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"],
        source={"bucket": INPUT_BUCKET, "key": f"incoming/{chain.name}/x.manifest"},
        object_count=1250,
        warm_start=warm,
        execution_arn=execution_arn,
        now=now,
    )


def request_of(item: dict[str, Any]) -> dict[str, Any]:
    """The CreateLabelingJob request stored on a job item."""
    return dict(json.loads(item["request"]))


def emitted_metrics(stdout: str) -> list[dict[str, Any]]:
    """The CloudWatch EMF documents Powertools printed."""
    return [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]


@dataclass(frozen=True)
class AwsClients:
    """The moto-backed clients a handler test injects."""

    s3: Any
    dynamodb: Any
    sns: Any
    ssm: Any
    sfn: Any


class Kit(NamedTuple):
    """What most handler tests are given together (the ``kit`` fixture): the moto clients, the stubbed
    SageMaker, the jobs table, the ``birds`` chain and the adapters over them; ``sfn_calls`` lists the
    callbacks sent."""

    aws: AwsClients
    sagemaker: Stubber
    store: JobStore
    chain: ChainConfig
    labeling: LabelingJobs
    callbacks: Callbacks
    objects: Objects
    notifier: Notifier
    sfn_calls: list[tuple[str, dict[str, Any]]]


class Deployed(NamedTuple):
    """An entry-point test's deployment (the ``deployed`` fixture: environment variables, SSM chains and
    default clients set by ``handler_env``): the stubbed SageMaker and the Lambda context."""

    sagemaker: Stubber
    context: Any


def settling_of(kit: Kit, now: str, notifier: Notifier | None = None) -> Settling:
    """What RecordJob and RecordFailure take, on the test's clients and the ``birds`` chain at ``now``
    (``notifier`` default the test topic's)."""
    from labelchain_fn.handlers.settle import Settling

    chains = {kit.chain.name: kit.chain}
    return Settling(chains, kit.store, kit.labeling, kit.objects, notifier or kit.notifier, now, REGION)
