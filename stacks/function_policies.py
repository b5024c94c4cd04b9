"""Least-privilege IAM statements for each pipeline Lambda, keyed by handler name.

Each function gets only the actions its handler calls (``docs/design.md``), on this stack's resources:
the table (and its indexes only where a handler queries them), the chains parameter, the buckets under
the prefixes it touches, the topic, and labeling jobs named ``<prefix>-*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .policies import (
    bucket_arn,
    kms_statement,
    labeling_job_arn,
    list_buckets_statement,
    model_arn,
    objects_arn,
    pass_role_statement,
)
from .storage import ARTIFACT_PREFIXES, OUTPUT_PREFIX

#: DynamoDB actions per handler (the adapters use single-item calls; only the monitor queries).
TABLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "prepare": ("GetItem", "PutItem", "UpdateItem"),
    "start": ("GetItem", "UpdateItem"),
    "job_state_changed": ("GetItem", "UpdateItem"),
    "monitor": ("GetItem", "PutItem", "UpdateItem", "Query"),
    "record": ("GetItem", "PutItem", "UpdateItem"),
    "record_failure": ("GetItem", "PutItem", "UpdateItem"),
    "compare": ("GetItem", "PutItem", "UpdateItem"),
}
#: SageMaker actions on ``labeling-job/<prefix>-*`` per handler.
LABELING_JOB_ACTIONS: dict[str, tuple[str, ...]] = {
    "prepare": ("DescribeLabelingJob",),
    # CreateLabelingJob with Tags also needs AddTags; Describe resolves a ResourceInUse retry.
    # Stop: a job created while its execution closed the record (a cancelled branch) is stopped.
    "start": ("CreateLabelingJob", "DescribeLabelingJob", "AddTags", "StopLabelingJob"),
    "job_state_changed": ("DescribeLabelingJob",),
    "monitor": ("DescribeLabelingJob", "StopLabelingJob"),
    # Stop: a control job whose branch failed while it still runs.
    "record": ("DescribeLabelingJob", "StopLabelingJob"),
    # A failed execution stops the job it had created (if still running); Describe tells a job whose
    # ARN a crashed StartJob never recorded from a foreign job of the same name.
    "record_failure": ("DescribeLabelingJob", "StopLabelingJob"),
}
READS_CHAINS = ("prepare", "record", "record_failure", "monitor")
#: Settle ended jobs (handlers/settle.py), which reads the output manifest to cross-check the counters.
SETTLES_JOBS = ("record", "record_failure", "monitor")
PUBLISHES = ("record", "record_failure", "monitor", "compare")
SENDS_CALLBACKS = ("job_state_changed", "monitor")


@dataclass(frozen=True)
class PolicyTargets:
    """The resources the handlers act on.

    Attributes
    ----------
    table : the jobs table.
    chains_parameter : the SSM parameter with the chains.
    input_bucket, output_bucket, artifacts_bucket : the pipeline buckets.
    topic, topic_key : the notification topic and its KMS key.
    ground_truth_role : the role ``start`` passes to CreateLabelingJob.
    job_name_prefix : labeling-job name prefix (lower case).
    allowed_source_buckets : extra bucket names manifests may point at. Default: none.
    encryption_key : the configured KMS key of buckets and table. Default: none.
    """

    table: dynamodb.ITable
    chains_parameter: ssm.IStringParameter
    input_bucket: s3.IBucket
    output_bucket: s3.IBucket
    artifacts_bucket: s3.IBucket
    topic: sns.ITopic
    topic_key: kms.IKey
    ground_truth_role: iam.IRole
    job_name_prefix: str
    allowed_source_buckets: Sequence[str] = ()
    encryption_key: kms.IKey | None = None


def _table_statement(name: str, targets: PolicyTargets) -> iam.PolicyStatement:
    actions = TABLE_ACTIONS[name]
    resources = [targets.table.table_arn]
    if "Query" in actions:
        resources.append(f"{targets.table.table_arn}/index/*")
    return iam.PolicyStatement(actions=[f"dynamodb:{a}" for a in actions], resources=resources)


def _prepare_s3_statements(scope: Construct, targets: PolicyTargets) -> list[iam.PolicyStatement]:
    sources = targets.allowed_source_buckets
    return [
        # Manifests: uploaded ones (by version) and console-named ones in the input or an allowed bucket.
        iam.PolicyStatement(
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[objects_arn(targets.input_bucket, scope), *(objects_arn(b, scope) for b in sources)],
        ),
        list_buckets_statement([targets.input_bucket.bucket_arn, *(bucket_arn(scope, b) for b in sources)]),
        # Large manifests go up as multipart uploads; a failed one is aborted.
        iam.PolicyStatement(
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resources=[objects_arn(targets.artifacts_bucket, scope, prefix) for prefix in ARTIFACT_PREFIXES],
        ),
    ]


def statements_for(name: str, scope: Construct, targets: PolicyTargets) -> list[iam.PolicyStatement]:
    """All statements of handler ``name`` (besides its log group and X-Ray, which the function adds)."""
    statements = [_table_statement(name, targets)]
    if name in LABELING_JOB_ACTIONS:
        statements.append(
            iam.PolicyStatement(
                actions=[f"sagemaker:{a}" for a in LABELING_JOB_ACTIONS[name]],
                resources=[labeling_job_arn(scope, targets.job_name_prefix)],
            )
        )
    if name == "prepare":
        # The warm-start model is checked before it is named in a request.
        statements.append(
            iam.PolicyStatement(actions=["sagemaker:DescribeModel"], resources=[model_arn(scope)])
        )
        statements.extend(_prepare_s3_statements(scope, targets))
    if name == "start":
        statements.append(pass_role_statement(targets.ground_truth_role.role_arn))
    if name in SETTLES_JOBS:
        statements.append(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[objects_arn(targets.output_bucket, scope, OUTPUT_PREFIX)]
            )
        )
        statements.append(list_buckets_statement([targets.output_bucket.bucket_arn]))
    if name in READS_CHAINS:
        statements.append(
            iam.PolicyStatement(
                actions=["ssm:GetParameter"], resources=[targets.chains_parameter.parameter_arn]
            )
        )
    if name in PUBLISHES:
        statements.append(iam.PolicyStatement(actions=["sns:Publish"], resources=[targets.topic.topic_arn]))
        statements.append(kms_statement(targets.topic_key.key_arn, ("kms:Decrypt", "kms:GenerateDataKey")))
    if name in SENDS_CALLBACKS:
        # Task-token APIs have no resource-level permissions (Service Authorization Reference): "*" only.
        statements.append(
            iam.PolicyStatement(actions=["states:SendTaskSuccess", "states:SendTaskFailure"], resources=["*"])
        )
    if targets.encryption_key is not None:
        statements.append(kms_statement(targets.encryption_key.key_arn))
    return statements
