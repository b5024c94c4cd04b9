"""SageMaker Ground Truth labeling jobs: create, describe, stop, and the model check of a warm start.

SageMaker's error codes are mapped to the pipeline's named errors here, so Step Functions retries exactly
the throttling cases and records everything else by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from labelchain_fn.adapters import clients
from labelchain_fn.core.errors import LabelingJobRequestInvalid, LabelingJobThrottled

#: Returned by :meth:`LabelingJobs.create` when a job of that name already exists.
EXISTS = "exists"
_THROTTLED = ("ThrottlingException", "Throttling", "ResourceLimitExceeded")


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _message(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Message", err))


def _iso(value: Any) -> Any:
    """Datetimes to ISO-8601 strings, recursively (responses go to DynamoDB and Step Functions)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


class LabelingJobs:
    """Labeling-job calls on one SageMaker client.

    Parameters
    ----------
    client : boto3 SageMaker client; default the shared client.
    """

    def __init__(self, client: Any | None = None) -> None:
        self.client = client or clients.client("sagemaker")

    def create(self, request: Mapping[str, Any]) -> str:
        """``CreateLabelingJob`` with the complete request.

        Returns
        -------
        str
            The new job's ARN, or :data:`EXISTS` when a job of that name exists (``ResourceInUse``).

        Raises
        ------
        LabelingJobThrottled
            On ``ThrottlingException`` / ``ResourceLimitExceeded`` (after the client's own retries).
        LabelingJobRequestInvalid
            On ``ValidationException`` or a request botocore rejects.
        """
        try:
            response = self.client.create_labeling_job(**request)
        except ParamValidationError as err:
            raise LabelingJobRequestInvalid(str(err)) from err
        except ClientError as err:
            code = _code(err)
            if code == "ResourceInUse":
                return EXISTS
            if code in _THROTTLED:
                raise LabelingJobThrottled(f"{code}: {_message(err)}") from err
            if code == "ValidationException":
                raise LabelingJobRequestInvalid(_message(err)) from err
            raise
        return str(response["LabelingJobArn"])

    def describe(self, labeling_job_name: str) -> dict[str, Any]:
        """``DescribeLabelingJob`` without the response metadata, datetimes as ISO-8601 strings.

        A throttled call raises the ``ClientError``; the handler surfaces it as ``TransientAwsError``, which
        every state retries (``LabelingJobThrottled`` is CreateLabelingJob's own, with a longer backoff).
        """
        response = self.client.describe_labeling_job(LabelingJobName=labeling_job_name)
        response.pop("ResponseMetadata", None)
        return dict(_iso(response))

    def find(self, labeling_job_name: str) -> dict[str, Any] | None:
        """Like :meth:`describe`, but ``None`` when no such job exists (``ResourceNotFound``)."""
        try:
            return self.describe(labeling_job_name)
        except ClientError as err:
            if _code(err) in ("ResourceNotFound", "ValidationException"):
                return None
            raise

    def find_created(self, labeling_job_name: str, manifest_s3_uri: str | None) -> dict[str, Any] | None:
        """The description of the job the pipeline requested under ``labeling_job_name`` (it reads
        ``manifest_s3_uri``), even when a crash kept its ARN from being recorded; ``None`` when Ground Truth
        has no such job, or only someone else's job of that name (never to be touched)."""
        job = self.find(labeling_job_name) if manifest_s3_uri else None
        source = ((job or {}).get("InputConfig") or {}).get("DataSource", {}).get("S3DataSource", {})
        return job if job is not None and source.get("ManifestS3Uri") == manifest_s3_uri else None

    def stop(self, labeling_job_name: str) -> bool:
        """``StopLabelingJob``; idempotent. Returns False when the job is missing or no longer running."""
        try:
            self.client.stop_labeling_job(LabelingJobName=labeling_job_name)
        except ClientError as err:
            # A job that already ended (or is stopping) answers ValidationException; nothing left to do.
            if _code(err) in ("ResourceNotFound", "ValidationException"):
                return False
            raise
        return True

    def model_exists(self, model_arn: str) -> bool:
        """Whether the SageMaker model of ``model_arn`` exists (``DescribeModel`` takes the name)."""
        name = model_arn.split(":model/", 1)[-1]
        try:
            self.client.describe_model(ModelName=name)
        except ClientError as err:
            if _code(err) in ("ValidationException", "ResourceNotFound"):
                return False
            raise
        return True
