"""The execution role every labeling job runs as (``CreateLabelingJob.RoleArn``).

It replaces the managed ``AmazonSageMakerGroundTruthExecution`` policy, which only reaches buckets whose
names contain "sagemaker"/"groundtruth", with the granular policy of the Ground Truth developer guide
(``sms-security-permission-execution-role``) scoped to this stack's buckets.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .policies import (
    SAGEMAKER_SERVICE,
    bucket_arn,
    kms_statement,
    list_buckets_statement,
    objects_arn,
    pass_role_statement,
    s3_uri_object_arn,
    sagemaker_log_arns,
)
from .storage import ARTIFACT_PREFIXES, OUTPUT_PREFIX

#: Key use for SSE-KMS objects plus ``kms:CreateGrant`` for ``VolumeKmsKeyId`` (auto-labeling instances).
_GROUND_TRUTH_KMS_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)


class GroundTruthRole(Construct):
    """Role trusted by ``sagemaker.amazonaws.com`` for labeling jobs and their auto-labeling.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    input_bucket : read access to every object (manifests and the images they point at).
    artifacts_bucket : read access under the artifact prefixes (normalized manifests, label-category
        files, default UI templates).
    output_bucket : read and write under ``jobs/`` (auto-labeling reads back its own intermediate data).
    allowed_source_buckets : extra bucket names whose objects may appear in manifests (read access).
        Default: none.
    ui_template_uris : ``s3://`` URIs of chain-specific worker UI templates (read access to exactly
        those objects). Default: none.
    encryption_key : KMS key of the buckets and of ``VolumeKmsKeyId``. Default: none (no KMS statement).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        input_bucket: s3.IBucket,
        artifacts_bucket: s3.IBucket,
        output_bucket: s3.IBucket,
        allowed_source_buckets: Sequence[str] = (),
        ui_template_uris: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(SAGEMAKER_SERVICE),
            description="Execution role of labelchain labeling jobs (Ground Truth and auto-labeling)",
        )
        read_objects = [
            objects_arn(input_bucket, self),
            *(objects_arn(artifacts_bucket, self, prefix) for prefix in ARTIFACT_PREFIXES),
            *(objects_arn(name, self) for name in allowed_source_buckets),
            *(s3_uri_object_arn(self, uri) for uri in ui_template_uris),
        ]
        bucket_arns = [
            input_bucket.bucket_arn,
            artifacts_bucket.bucket_arn,
            output_bucket.bucket_arn,
            *(bucket_arn(self, name) for name in allowed_source_buckets),
        ]
        statements = [
            iam.PolicyStatement(sid="ReadInputs", actions=["s3:GetObject"], resources=read_objects),
            iam.PolicyStatement(
                sid="WriteOutputs",
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[objects_arn(output_bucket, self, OUTPUT_PREFIX)],
            ),
            list_buckets_statement(bucket_arns, location=True),
            # PutMetricData has no resource-level permissions; the job's metrics are SageMaker's own.
            iam.PolicyStatement(sid="JobMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"]),
            iam.PolicyStatement(
                sid="JobLogs",
                actions=[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                resources=sagemaker_log_arns(self),
            ),
            # Auto-labeling starts training and inference jobs that run as this same role.
            pass_role_statement(self.role.role_arn),
        ]
        if encryption_key is not None:
            statements.append(kms_statement(encryption_key.key_arn, _GROUND_TRUTH_KMS_ACTIONS))
            statements.append(
                iam.PolicyStatement(
                    actions=["kms:CreateGrant"],
                    resources=[encryption_key.key_arn],
                    conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                )
            )
        for statement in statements:
            self.role.add_to_principal_policy(statement)
