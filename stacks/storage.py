"""The pipeline's S3 buckets, all with the same secure defaults.

* ``input_bucket``: manifests are uploaded under ``incoming/<chain>/``; images may live anywhere in it. It
  carries the CORS rule Ground Truth's worker UI needs and sends its events to EventBridge.
* ``output_bucket``: every labeling job writes under ``jobs/<chain>/``.
* ``artifacts_bucket``: normalized manifests, label-category files and worker UI templates.
* ``access_logs_bucket``: server access logs of the three buckets above.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

#: Object layout the handlers write (``handlers/prepare_steps.py``) and the policies are scoped to.
#: Artifacts: ``manifests/<chain>/<job>.manifest``, ``label-categories/<chain>/<sha>.json`` and
#: ``ui-templates/<chain>/<sha>.html``. Output: ``S3OutputPath`` = ``s3://<output>/jobs/<chain>/``.
ARTIFACT_PREFIXES = ("manifests/", "label-categories/", "ui-templates/")
OUTPUT_PREFIX = "jobs/"

#: Ground Truth's worker UI fetches input objects from the browser; API-created jobs get no CORS rule from
#: the console, and without one every task on those objects fails (``sms-cors-update``).
GROUND_TRUTH_CORS_RULE = s3.CorsRule(
    allowed_methods=[s3.HttpMethods.GET],
    allowed_origins=["*"],
    allowed_headers=[],
    exposed_headers=["Access-Control-Allow-Origin"],
)


def _override_cors_allowed_headers(bucket: s3.Bucket) -> None:
    # CDK drops an empty AllowedHeaders list; the documented rule has one, so write it explicitly.
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    cfn.add_property_override("CorsConfiguration.CorsRules.0.AllowedHeaders", [])


class Storage(Construct):
    """Input, output, artifacts and access-log buckets.

    Every bucket blocks public access, denies non-TLS requests, is versioned and encrypted, and (except the
    log bucket itself) logs its requests to ``access_logs_bucket`` under ``<bucket role>/``.

    Parameters
    ----------
    scope, id_ : construct scope and ID.
    removal_policy : what happens to the buckets when the stack is deleted. ``DESTROY`` only succeeds on
        empty buckets: no auto-delete custom resource is added.
    encryption_key : KMS key for the input, output and artifacts buckets. Default: S3-managed keys
        (SSE-S3). The log bucket always uses SSE-S3 because S3 server access logging cannot write to a
        bucket whose default encryption is SSE-KMS.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        removal_policy: RemovalPolicy,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self._removal_policy = removal_policy
        self._encryption_key = encryption_key

        self.access_logs_bucket = s3.Bucket(
            self,
            "AccessLogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=removal_policy,
        )
        self.input_bucket = self._data_bucket("InputBucket", "input/", cors=[GROUND_TRUTH_CORS_RULE])
        _override_cors_allowed_headers(self.input_bucket)
        # The L1 property turns on S3 -> EventBridge delivery without CDK's notifications custom resource
        # (a singleton Lambda with a managed policy that also breaks the offline sandbox).
        cfn_input = self.input_bucket.node.default_child
        assert isinstance(cfn_input, s3.CfnBucket)
        cfn_input.add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
        self.output_bucket = self._data_bucket("OutputBucket", "output/")
        self.artifacts_bucket = self._data_bucket("ArtifactsBucket", "artifacts/")

    @property
    def data_buckets(self) -> tuple[s3.Bucket, s3.Bucket, s3.Bucket]:
        """The input, output and artifacts buckets (the ones labeling jobs touch)."""
        return self.input_bucket, self.output_bucket, self.artifacts_bucket

    def _data_bucket(self, id_: str, log_prefix: str, cors: list[s3.CorsRule] | None = None) -> s3.Bucket:
        key = self._encryption_key
        return s3.Bucket(
            self,
            id_,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            encryption=s3.BucketEncryption.KMS if key else s3.BucketEncryption.S3_MANAGED,
            encryption_key=key,
            # Bucket keys cut KMS request costs for the many small objects a labeling job reads and writes.
            bucket_key_enabled=True if key else None,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix=log_prefix,
            cors=cors,
            removal_policy=self._removal_policy,
        )
