"""Small builders for the hand-written, least-privilege IAM statements.

Every action is named in full (no ``*`` and no ``service:Get*`` patterns), and resources are scoped
with ``Stack.format_arn`` so the same template works in any account and partition.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"

#: Explicit KMS data-key actions for reading and writing SSE-KMS objects and items (instead of the
#: ``kms:GenerateDataKey*`` / ``kms:ReEncrypt*`` patterns CDK's grants emit).
KMS_USE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")


def labeling_job_arn(scope: IConstruct, job_name_prefix: str) -> str:
    """ARN pattern of this deployment's labeling jobs: ``labeling-job/<prefix>-*``.

    SageMaker lower-cases job names inside ARNs, and the prefix is validated to be lower case, so the
    pattern matches every job the pipeline names.
    """
    return Stack.of(scope).format_arn(
        service="sagemaker", resource="labeling-job", resource_name=f"{job_name_prefix}-*"
    )


def model_arn(scope: IConstruct) -> str:
    """ARN pattern of SageMaker models (auto-labeling models are account resources named by SageMaker)."""
    return Stack.of(scope).format_arn(service="sagemaker", resource="model", resource_name="*")


def sagemaker_log_arns(scope: IConstruct) -> list[str]:
    """Log groups and streams SageMaker writes for labeling, training and transform jobs."""
    return [
        Stack.of(scope).format_arn(
            service="logs", resource="log-group", resource_name=name, arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        for name in ("/aws/sagemaker/*", "/aws/sagemaker/*:log-stream:*")
    ]


def executions_arn(scope: IConstruct, state_machine_name: str) -> str:
    """ARN pattern of every execution of one state machine."""
    return Stack.of(scope).format_arn(
        service="states",
        resource="execution",
        resource_name=f"{state_machine_name}:*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


def bucket_arn(scope: IConstruct, bucket_name: str) -> str:
    """ARN of a bucket known only by name (``allowedSourceBuckets``)."""
    return Stack.of(scope).format_arn(
        service="s3", region="", account="", resource=bucket_name, arn_format=ArnFormat.NO_RESOURCE_NAME
    )


def objects_arn(bucket: s3.IBucket | str, scope: IConstruct, prefix: str = "") -> str:
    """ARN of the objects under ``prefix`` (all objects when empty) of a bucket or bucket name."""
    arn = bucket_arn(scope, bucket) if isinstance(bucket, str) else bucket.bucket_arn
    return f"{arn}/{prefix}*"


def s3_uri_object_arn(scope: IConstruct, uri: str) -> str:
    """ARN of the one object an ``s3://bucket/key`` URI names."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return f"{bucket_arn(scope, bucket)}/{key}"


def pass_role_statement(role_arn: str) -> iam.PolicyStatement:
    """``iam:PassRole`` on one role, only towards SageMaker (never to another service)."""
    return iam.PolicyStatement(
        actions=["iam:PassRole"],
        resources=[role_arn],
        conditions={"StringEquals": {"iam:PassedToService": SAGEMAKER_SERVICE}},
    )


def list_buckets_statement(bucket_arns: Sequence[str], *, location: bool = False) -> iam.PolicyStatement:
    """``s3:ListBucket`` (without it a missing key reads as 403, not 404), plus ``s3:GetBucketLocation``
    when ``location`` (default false: the handlers call regional endpoints; SageMaker asks for it)."""
    actions = ["s3:ListBucket", *(["s3:GetBucketLocation"] if location else [])]
    return iam.PolicyStatement(actions=actions, resources=list(bucket_arns))


def kms_statement(key_arn: str, actions: Sequence[str] = KMS_USE_ACTIONS) -> iam.PolicyStatement:
    """Use of one KMS key."""
    return iam.PolicyStatement(actions=list(actions), resources=[key_arn])
