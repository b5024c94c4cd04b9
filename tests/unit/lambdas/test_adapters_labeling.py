"""LabelingJobs with a stubbed SageMaker client: SageMaker errors become the pipeline's named errors."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from labelchain_fn.adapters.labeling import EXISTS, LabelingJobs
from labelchain_fn.core.errors import LabelingJobRequestInvalid, LabelingJobThrottled
from lambda_fakes import MODEL_ARN, T0, describe_response, job_arn

NAME = "lc-birds-0001-abcd1234"
REQUEST: dict[str, Any] = {
    "LabelingJobName": NAME,
    "LabelAttributeName": "category",
    "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://lc-artifacts/m.manifest"}}},
    "OutputConfig": {"S3OutputPath": "s3://lc-output/jobs/birds/"},
    "RoleArn": "arn:aws:iam::123456789012:role/labelchain-ground-truth",
    "HumanTaskConfig": {
        "WorkteamArn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
        "UiConfig": {"UiTemplateS3Uri": "s3://lc-artifacts/ui.html"},
        "TaskTitle": "t",
        "TaskDescription": "d",
        "NumberOfHumanWorkersPerDataObject": 3,
        "TaskTimeLimitInSeconds": 300,
        "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": "arn:aws:lambda:x"},
    },
}


def test_create_returns_the_job_arn(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN SageMaker accepts the request as sent
    sagemaker.add_response("create_labeling_job", {"LabelingJobArn": job_arn(NAME)}, REQUEST)
    # WHEN/THEN the ARN comes back
    assert labeling.create(REQUEST) == job_arn(NAME)


def test_create_reports_an_existing_job(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN the name is taken
    sagemaker.add_client_error("create_labeling_job", "ResourceInUse", "Job already exists")
    # WHEN/THEN create says so instead of failing
    assert labeling.create(REQUEST) == EXISTS


@pytest.mark.parametrize("code", ["ThrottlingException", "ResourceLimitExceeded"])
def test_fails_when_sagemaker_throttles(sagemaker: Stubber, labeling: LabelingJobs, code: str) -> None:
    # GIVEN throttling or a quota hit
    sagemaker.add_client_error("create_labeling_job", code, "slow down")
    # WHEN/THEN the retryable named error is raised
    with pytest.raises(LabelingJobThrottled, match=code):
        labeling.create(REQUEST)


def test_fails_when_sagemaker_rejects_the_request(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN a server-side validation error
    sagemaker.add_client_error("create_labeling_job", "ValidationException", "bad workteam")
    # WHEN/THEN it is LabelingJobRequestInvalid with SageMaker's message
    with pytest.raises(LabelingJobRequestInvalid, match="bad workteam"):
        labeling.create(REQUEST)


def test_fails_when_botocore_rejects_the_request(boto_session: boto3.session.Session) -> None:
    # GIVEN a request botocore refuses before sending (TaskTimeLimitInSeconds below 30); no Stubber, which
    # would answer before botocore validates
    request = {**REQUEST, "HumanTaskConfig": {**REQUEST["HumanTaskConfig"], "TaskTimeLimitInSeconds": 10}}
    # WHEN/THEN it is LabelingJobRequestInvalid
    with pytest.raises(LabelingJobRequestInvalid, match="TaskTimeLimitInSeconds"):
        LabelingJobs(boto_session.client("sagemaker")).create(request)


def test_other_create_errors_propagate(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    sagemaker.add_client_error("create_labeling_job", "AccessDeniedException", "no")
    with pytest.raises(ClientError):
        labeling.create(REQUEST)


def test_describe_returns_iso_times_without_metadata(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN a completed job with a model
    response = describe_response(REQUEST, "Completed", human=5, output_uri="s3://o/x", model_arn=MODEL_ARN)
    sagemaker.add_response("describe_labeling_job", response, {"LabelingJobName": NAME})
    # WHEN it is described
    described = labeling.describe(NAME)
    # THEN datetimes are ISO strings and the model is readable
    assert described["CreationTime"] == T0.isoformat()
    assert described["LabelingJobOutput"]["FinalActiveLearningModelArn"] == MODEL_ARN
    assert "ResponseMetadata" not in described


def test_find_returns_none_for_an_unknown_job(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "not found")
    assert labeling.find(NAME) is None


def test_stop_is_idempotent(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN a running job, then the same job already stopped, then a missing job
    sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": NAME})
    sagemaker.add_client_error("stop_labeling_job", "ValidationException", "job is not in progress")
    sagemaker.add_client_error("stop_labeling_job", "ResourceNotFound", "no job")
    # WHEN/THEN only the first stop did something, none failed
    assert [labeling.stop(NAME) for _ in range(3)] == [True, False, False]


def test_model_exists_asks_by_model_name(sagemaker: Stubber, labeling: LabelingJobs) -> None:
    # GIVEN one existing model, then a missing one
    sagemaker.add_response(
        "describe_model",
        {"ModelName": "lc-birds-0001-model", "CreationTime": T0, "ModelArn": MODEL_ARN},
        {"ModelName": "lc-birds-0001-model"},
    )
    sagemaker.add_client_error("describe_model", "ValidationException", "Could not find model")
    # WHEN/THEN
    assert labeling.model_exists(MODEL_ARN)
    assert not labeling.model_exists(MODEL_ARN)
