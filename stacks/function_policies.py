"""Least-privilege IAM statements for each pipeline Lambda, keyed by handler name.

Each function gets only what its declaration (``labelchain_fn.functions``) says, on this stack's resources:
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
from labelchain_fn.functions import FUNCTIONS, Grant

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
    actions = FUNCTIONS[name].table_actions
    resources = [targets.table.table_arn]
    if "Query" in actions:
        resources.append(f"{targets.table.table_arn}/index/*")
    return iam.PolicyStatement(actions=[f"dynamodb:{a}" for a in actions], resources=resources)


def _manifest_statements(scope: Construct, targets: PolicyTargets) -> list[iam.PolicyStatement]:
    """Manifests: uploaded ones (by version) and console-named ones in the input or an allowed bucket."""
    sources = targets.allowed_source_buckets
    return [
        iam.PolicyStatement(
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[objects_arn(targets.input_bucket, scope), *(objects_arn(b, scope) for b in sources)],
        ),
        list_buckets_statement([targets.input_bucket.bucket_arn, *(bucket_arn(scope, b) for b in sources)]),
    ]


def statements_for(name: str, scope: Construct, targets: PolicyTargets) -> list[iam.PolicyStatement]:
    """All statements of handler ``name`` from its declaration (``labelchain_fn.functions``), besides its log
    group and X-Ray (the function adds those) and DescribeExecution (a policy of its own, see
    ``JobFunctions.allow_describe_executions``)."""
    declared = FUNCTIONS[name]
    grants = declared.all_grants
    statements = [_table_statement(name, targets)]
    if declared.labeling_job_actions:
        statements.append(
            iam.PolicyStatement(
                actions=[f"sagemaker:{a}" for a in declared.labeling_job_actions],
                resources=[labeling_job_arn(scope, targets.job_name_prefix)],
            )
        )
    if Grant.DESCRIBE_MODELS in grants:
        statements.append(
            iam.PolicyStatement(actions=["sagemaker:DescribeModel"], resources=[model_arn(scope)])
        )
    if Grant.READ_MANIFESTS in grants:
        statements.extend(_manifest_statements(scope, targets))
    if Grant.WRITE_ARTIFACTS in grants:
        # Large manifests go up as multipart uploads; a failed one is aborted.
        statements.append(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[objects_arn(targets.artifacts_bucket, scope, p) for p in ARTIFACT_PREFIXES],
            )
        )
    if Grant.PASS_GROUND_TRUTH_ROLE in grants:
        statements.append(pass_role_statement(targets.ground_truth_role.role_arn))
    if Grant.READ_JOB_OUTPUT in grants:
        statements.append(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[objects_arn(targets.output_bucket, scope, OUTPUT_PREFIX)]
            )
        )
        statements.append(list_buckets_statement([targets.output_bucket.bucket_arn]))
    if Grant.READ_CHAINS in grants:
        statements.append(
            iam.PolicyStatement(
                actions=["ssm:GetParameter"], resources=[targets.chains_parameter.parameter_arn]
            )
        )
    if Grant.PUBLISH in grants:
        statements.append(iam.PolicyStatement(actions=["sns:Publish"], resources=[targets.topic.topic_arn]))
        statements.append(kms_statement(targets.topic_key.key_arn, ("kms:Decrypt", "kms:GenerateDataKey")))
    if Grant.SEND_CALLBACKS in grants:
        # Task-token APIs have no resource-level permissions (Service Authorization Reference): "*" only.
        statements.append(
            iam.PolicyStatement(actions=["states:SendTaskSuccess", "states:SendTaskFailure"], resources=["*"])
        )
    if targets.encryption_key is not None:
        statements.append(kms_statement(targets.encryption_key.key_arn))
    return statements
