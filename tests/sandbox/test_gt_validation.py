"""CreateLabelingJob validation of the simulated Ground Truth: each rule the real API enforces."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"


def _create(request: dict[str, Any]) -> dict[str, Any]:
    return boto3.client("sagemaker", region_name=REGION).create_labeling_job(**request)


def _rejected(request: dict[str, Any]) -> ClientError:
    with pytest.raises(ClientError) as raised:
        _create(request)
    return raised.value


def _code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def test_accepts_a_valid_request_and_returns_the_lower_cased_arn(gt_aws, make_inputs, make_request):
    # GIVEN a valid bounding-box request with a mixed-case name
    request = make_request("Birds-Batch-1", make_inputs(1250))
    # WHEN it is created
    response = _create(request)
    # THEN the ARN carries the lower-cased name in the caller's account and region
    assert response["LabelingJobArn"] == "arn:aws:sagemaker:us-east-1:123456789012:labeling-job/birds-batch-1"


@pytest.mark.parametrize("name", ["bad_name!", "-leading", "trailing-", "a" * 64, "dots.not.allowed"])
def test_rejects_a_name_breaking_the_pattern_or_length(gt_aws, make_inputs, make_request, name):
    # GIVEN a name botocore lets through WHEN it is sent THEN the service answers ValidationException
    error = _rejected(make_request(name, make_inputs(10)))
    assert _code(error) == "ValidationException"
    assert "labelingJobName" in str(error)


def test_rejects_a_duplicate_name_case_insensitively_with_resource_in_use(gt_aws, make_inputs, make_request):
    # GIVEN a job named Example-Job
    manifest = make_inputs(10)
    _create(make_request("Example-Job", manifest))
    client = boto3.client("sagemaker", region_name=REGION)
    # WHEN another job is created as example-job THEN ResourceInUse (the modelled error) is raised
    with pytest.raises(client.exceptions.ResourceInUse):
        client.create_labeling_job(**make_request("example-job", manifest))


@pytest.mark.parametrize("attribute", ["category-metadata", "source", "source-ref", "bad_attr"])
def test_rejects_reserved_or_malformed_label_attribute_names(gt_aws, make_inputs, make_request, attribute):
    error = _rejected(make_request("job", make_inputs(10), LabelAttributeName=attribute))
    assert _code(error) == "ValidationException"


def test_rejects_ref_suffix_for_bounding_box_and_requires_it_for_segmentation(
    gt_aws, make_inputs, make_request
):
    manifest = make_inputs(10)
    # GIVEN a bounding-box job whose attribute ends in -ref THEN it is rejected
    assert "must not end with '-ref'" in str(
        _rejected(make_request("box", manifest, LabelAttributeName="boxes-ref"))
    )
    # GIVEN a segmentation job whose attribute does not THEN it is rejected too
    request = make_request("seg", manifest, task="SemanticSegmentation", LabelAttributeName="mask")
    assert "must end with '-ref'" in str(_rejected(request))


@pytest.mark.parametrize("workers", [0, 10])
def test_rejects_workers_outside_1_to_9(gt_aws, make_inputs, make_request, workers):
    request = make_request("job", make_inputs(10))
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = workers
    if workers < 1:  # botocore checks min on the client
        with pytest.raises(Exception, match="NumberOfHumanWorkersPerDataObject"):
            _create(request)
        return
    error = _rejected(request)
    assert "numberOfHumanWorkersPerDataObject" in str(error) and "less than or equal to 9" in str(error)


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("HumanTaskConfig", "MaxConcurrentTaskCount"), 99_999, "maxConcurrentTaskCount"),
        (("HumanTaskConfig", "TaskKeywords"), ["has-hyphen"], "taskKeywords.1.member"),
        (("OutputConfig", "S3OutputPath"), "not-an-s3-uri", "outputConfig.s3OutputPath"),
        (("HumanTaskConfig", "TaskTimeLimitInSeconds"), 28_801, "TaskTimeLimitInSeconds must be at most"),
        (("HumanTaskConfig", "TaskAvailabilityLifetimeInSeconds"), 43_201, "at most 43200"),
    ],
)
def test_rejects_values_botocore_does_not_check(gt_aws, make_inputs, make_request, path, value, fragment):
    request = make_request("job", make_inputs(10))
    request[path[0]][path[1]] = value
    assert fragment in str(_rejected(request))


def test_rejects_a_price_not_allowed_for_the_task_type(gt_aws, make_inputs, make_request):
    # GIVEN $0.012 (allowed for classification, not for bounding box)
    request = make_request("job", make_inputs(10))
    request["HumanTaskConfig"]["PublicWorkforceTaskPrice"]["AmountInUsd"] = {
        "Dollars": 0,
        "Cents": 1,
        "TenthFractionsOfACent": 2,
    }
    assert "not allowed for object-detection" in str(_rejected(request))


def test_rejects_pre_and_acs_functions_of_another_region_or_type(gt_aws, make_inputs, make_request):
    manifest = make_inputs(10)
    wrong_account = make_request("job", manifest)
    wrong_account["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = (
        "arn:aws:lambda:us-east-1:081040173940:function:PRE-BoundingBox"
    )
    assert "not valid in us-east-1" in str(_rejected(wrong_account))
    wrong_type = make_request("job", manifest)
    wrong_type["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = (
        "arn:aws:lambda:us-east-1:432418664414:function:PRE-ImageMultiClass"
    )
    assert "does not match the task type" in str(_rejected(wrong_type))


def test_rejects_an_unknown_algorithm_specification(gt_aws, make_inputs, make_request):
    request = make_request("job", make_inputs(10))
    request["LabelingJobAlgorithmsConfig"]["LabelingJobAlgorithmSpecificationArn"] = (
        "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/named-entity-recognition"
    )
    assert "not a valid algorithm specification" in str(_rejected(request))


def test_rejects_ui_config_without_exactly_one_member(gt_aws, make_inputs, make_request):
    request = make_request("job", make_inputs(10))
    request["HumanTaskConfig"]["UiConfig"]["HumanTaskUiArn"] = (
        "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/BoundingBox"
    )
    assert "exactly one of UiTemplateS3Uri and HumanTaskUiArn" in str(_rejected(request))


def test_rejects_auto_labeling_without_label_categories(gt_aws, make_inputs, make_request):
    request = make_request("job", make_inputs(10))
    del request["LabelCategoryConfigS3Uri"]
    assert "LabelCategoryConfigS3Uri is required" in str(_rejected(request))


def test_reports_several_constraint_violations_in_one_message(gt_aws, make_inputs, make_request):
    request = make_request("bad_name!", make_inputs(10))
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 99
    assert "2 validation errors detected" in str(_rejected(request))


class TestInitialModel:
    """``InitialActiveLearningModelArn`` must name an existing model trained for the same algorithm."""

    def test_rejects_a_model_that_does_not_exist(self, gt_aws, make_inputs, make_request):
        missing = "arn:aws:sagemaker:us-east-1:123456789012:model/never-created"
        error = _rejected(make_request("job", make_inputs(10), initial_model=missing))
        assert "Could not find model" in str(error)

    def test_rejects_a_model_not_trained_by_ground_truth(self, gt_aws, make_inputs, make_request):
        # GIVEN a model created directly (a "foreign" model)
        sagemaker = boto3.client("sagemaker", region_name=REGION)
        arn = sagemaker.create_model(
            ModelName="foreign",
            ExecutionRoleArn="arn:aws:iam::123456789012:role/x",
            PrimaryContainer={"Image": "x"},
        )["ModelArn"]
        assert "not trained by a Ground Truth labeling job" in str(
            _rejected(make_request("job", make_inputs(10), initial_model=arn))
        )

    def test_rejects_a_model_of_another_account(self, gt_aws, make_inputs, make_request):
        other = "arn:aws:sagemaker:us-east-1:999999999999:model/elsewhere"
        assert "account and region" in str(
            _rejected(make_request("job", make_inputs(10), initial_model=other))
        )

    def test_rejects_a_model_trained_for_another_algorithm(self, gt_aws, make_inputs, make_request, finish):
        # GIVEN an image-classification job that produced a final model
        sagemaker = boto3.client("sagemaker", region_name=REGION)
        manifest = make_inputs(1250)
        sagemaker.create_labeling_job(**make_request("classify", manifest, task="ImageClassification"))
        model = finish(sagemaker, "classify", gt_aws)["LabelingJobOutput"]["FinalActiveLearningModelArn"]
        # WHEN a bounding-box job names it THEN the service refuses the mismatch
        error = _rejected(make_request("boxes", manifest, initial_model=model))
        assert "trained for image-classification, not object-detection" in str(error)
        # AND the same model is accepted for the same algorithm
        accepted = copy.deepcopy(
            make_request("classify-2", manifest, task="ImageClassification", initial_model=model)
        )
        assert sagemaker.create_labeling_job(**accepted)["LabelingJobArn"].endswith("/classify-2")
