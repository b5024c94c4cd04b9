"""validate_request: every rule of ground-truth.md §2 that botocore does not check on the client."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from core_builders import KMS, PRIVATE_TEAM, build_request
from labelchain_fn.core.requests import validate_request


@pytest.fixture
def valid(make_chain) -> dict[str, Any]:
    return build_request(make_chain(), kms_key_arn=KMS, tags={"k": "v"})


def _set(request: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(request)
    *parents, last = path.split(".")
    node = changed
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return changed


_DELETE = object()
H = "HumanTaskConfig"
A = "LabelingJobAlgorithmsConfig"


def test_valid_request_has_no_problems(valid):
    assert validate_request(valid) == []


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("LabelingJobName", "x" * 64, "LabelingJobName"),
        ("LabelingJobName", "bad_name!", "LabelingJobName"),
        ("LabelingJobName", "-lead", "LabelingJobName"),
        ("LabelingJobName", "", "LabelingJobName"),
        ("LabelAttributeName", "a" * 128, "LabelAttributeName"),
        ("LabelAttributeName", "cat.egory", "LabelAttributeName"),
        ("LabelAttributeName", "category-metadata", 'not ending in "-metadata"'),
        ("LabelAttributeName", "source", '"source"/"source-ref"'),
        ("LabelAttributeName", "source-ref", '"source"/"source-ref"'),
        ("LabelAttributeName", "category-ref", 'not ending in "-ref" for BoundingBox'),
        ("RoleArn", "arn:aws:iam::123456789012:user/someone", "RoleArn"),
        ("RoleArn", "arn:aws:iam::12345:role/r", "RoleArn"),
        ("InputConfig.DataSource.S3DataSource.ManifestS3Uri", "not-an-s3-uri", "ManifestS3Uri"),
        ("InputConfig.DataSource.S3DataSource.ManifestS3Uri", "s3://b/" + "k" * 1020, "ManifestS3Uri"),
        ("OutputConfig.S3OutputPath", "not-an-s3-uri", "OutputConfig.S3OutputPath"),
        ("OutputConfig.KmsKeyId", "key with spaces", "OutputConfig.KmsKeyId"),
        ("LabelCategoryConfigS3Uri", "file:///tmp/labels.json", "LabelCategoryConfigS3Uri"),
        (f"{H}.WorkteamArn", "arn:aws:sagemaker:us-east-1:123456789012:model/x", "WorkteamArn"),
        (f"{H}.WorkteamArn", "arn:aws:sagemaker:us-east-1:123456789012:workteam/" + "x" * 250, "WorkteamArn"),
        (f"{H}.UiConfig.UiTemplateS3Uri", "templates/x.html", "UiTemplateS3Uri"),
        (f"{H}.UiConfig", {}, "UiTemplateS3Uri"),
        (
            f"{H}.PreHumanTaskLambdaArn",
            "arn:aws:lambda:us-east-1:432418664414:function:PRE-VerificationBoundingBox",
            "PRE- function of an auto-labeling task type",
        ),
        (f"{H}.PreHumanTaskLambdaArn", "PRE-BoundingBox", "PreHumanTaskLambdaArn"),
        (
            f"{H}.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn",
            "arn:aws:lambda:us-east-1:432418664414:function:ACS-ImageMultiClass",
            "ACS-BoundingBox function matching",
        ),
        (f"{H}.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn", "acs", "Lambda ARN"),
        (f"{H}.TaskTitle", "t" * 129, "TaskTitle"),
        (f"{H}.TaskTitle", "", "TaskTitle"),
        (f"{H}.TaskTitle", "Birds \U0001f426", "TaskTitle"),
        (f"{H}.TaskDescription", "d" * 256, "TaskDescription"),
        (f"{H}.TaskKeywords", [], "TaskKeywords"),
        (f"{H}.TaskKeywords", ["a", "b", "c", "d", "e", "f"], "TaskKeywords"),
        (f"{H}.TaskKeywords", ["bounding-box"], "TaskKeywords"),
        (f"{H}.TaskKeywords", ["k" * 31], "TaskKeywords"),
        (f"{H}.TaskKeywords", ["two  spaces"], "TaskKeywords"),
        (f"{H}.NumberOfHumanWorkersPerDataObject", 0, "NumberOfHumanWorkersPerDataObject"),
        (f"{H}.NumberOfHumanWorkersPerDataObject", 10, "NumberOfHumanWorkersPerDataObject"),
        (f"{H}.NumberOfHumanWorkersPerDataObject", 99, "NumberOfHumanWorkersPerDataObject"),
        (f"{H}.NumberOfHumanWorkersPerDataObject", True, "NumberOfHumanWorkersPerDataObject"),
        (f"{H}.TaskTimeLimitInSeconds", 28_801, "TaskTimeLimitInSeconds"),
        (f"{H}.TaskTimeLimitInSeconds", 29, "TaskTimeLimitInSeconds"),
        (f"{H}.TaskAvailabilityLifetimeInSeconds", 43_201, "TaskAvailabilityLifetimeInSeconds"),
        (f"{H}.TaskAvailabilityLifetimeInSeconds", 59, "TaskAvailabilityLifetimeInSeconds"),
        (f"{H}.MaxConcurrentTaskCount", 5001, "MaxConcurrentTaskCount"),
        (f"{H}.MaxConcurrentTaskCount", 99_999, "MaxConcurrentTaskCount"),
        (f"{H}.MaxConcurrentTaskCount", 0, "MaxConcurrentTaskCount"),
        (f"{H}.PublicWorkforceTaskPrice.AmountInUsd.Dollars", 3, "AmountInUsd.Dollars"),
        (f"{H}.PublicWorkforceTaskPrice.AmountInUsd.Cents", 500, "AmountInUsd.Cents"),
        (f"{H}.PublicWorkforceTaskPrice.AmountInUsd.TenthFractionsOfACent", 10, "TenthFractionsOfACent"),
        (f"{H}.PublicWorkforceTaskPrice.AmountInUsd.Cents", -1, "AmountInUsd.Cents"),
        (f"{H}.PublicWorkforceTaskPrice", _DELETE, "a price for the public workforce"),
        (
            "InputConfig.DataAttributes.ContentClassifiers",
            ["FreeOfAdultContent"],
            "FreeOfPersonallyIdentifiable",
        ),
        (
            f"{A}.LabelingJobAlgorithmSpecificationArn",
            "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification",
            "object-detection algorithm",
        ),
        (f"{A}.LabelingJobAlgorithmSpecificationArn", "object-detection", "algorithm specification ARN"),
        (f"{A}.InitialActiveLearningModelArn", "", "InitialActiveLearningModelArn"),
        (f"{A}.InitialActiveLearningModelArn", None, "InitialActiveLearningModelArn"),
        (
            f"{A}.InitialActiveLearningModelArn",
            "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x",
            "InitialActiveLearningModelArn",
        ),
        (
            f"{A}.InitialActiveLearningModelArn",
            "arn:aws:sagemaker:us-east-1:1234:model/x",
            "InitialActiveLearningModelArn",
        ),
        (f"{A}.LabelingJobResourceConfig.VolumeKmsKeyId", "k" * 2049, "VolumeKmsKeyId"),
        ("StoppingConditions", {"MaxHumanLabeledObjectCount": 0}, "MaxHumanLabeledObjectCount"),
        (
            "StoppingConditions",
            {"MaxPercentageOfInputDatasetLabeled": 101},
            "MaxPercentageOfInputDatasetLabeled",
        ),
        ("Tags", [{"Key": "k", "Value": "v"}] * 51, "at most 50 tags"),
        ("Tags", [{"Key": "", "Value": "v"}], "Tags[0].Key"),
        ("Tags", [{"Key": "k" * 129, "Value": "v"}], "Tags[0].Key"),
        ("Tags", [{"Key": "aws:reserved", "Value": "v"}], "Tags[0].Key"),
        ("Tags", [{"Key": "k", "Value": "v" * 257}], "Tags[0].Value"),
        ("Tags", [{"Key": "k", "Value": "semi;colon"}], "Tags[0].Value"),
        ("Tags", [{"Key": "k", "Value": "ok"}, {"Key": "k!", "Value": "ok"}], "Tags[1].Key"),
    ],
)
def test_rejects_each_rule_violation(valid, path, value, problem):
    # GIVEN a valid request with one member broken  WHEN validated  THEN exactly that member is reported
    problems = validate_request(_set(valid, path, value))
    assert len(problems) >= 1
    assert any(problem in p for p in problems), problems
    assert all(": expected " in p and "; received " in p for p in problems)


def test_rejects_semantic_segmentation_attribute_without_ref(make_chain):
    # GIVEN a segmentation request whose label attribute lost its "-ref"  WHEN validated  THEN reported
    request = build_request(make_chain("SemanticSegmentation"))
    assert validate_request(request) == []
    problems = validate_request(_set(request, "LabelAttributeName", "segmentation"))
    assert problems == [
        'LabelAttributeName: expected a name ending in "-ref" for SemanticSegmentation; '
        "received 'segmentation'"
    ]


def test_private_team_rules_differ_from_public(make_chain):
    # GIVEN a private-team request
    request = build_request(make_chain(workforce={"type": "private", "workteamArn": PRIVATE_TEAM}))
    # THEN 30 days of lifetime are fine, 30 days + 1 s are not, and an MTurk price is refused
    assert validate_request(_set(request, f"{H}.TaskAvailabilityLifetimeInSeconds", 2_592_000)) == []
    assert validate_request(_set(request, f"{H}.TaskAvailabilityLifetimeInSeconds", 2_592_001))
    priced = _set(request, f"{H}.PublicWorkforceTaskPrice", {"AmountInUsd": {"Cents": 3}})
    assert any("no price for a private or vendor workteam" in p for p in validate_request(priced))
    # AND no PII classifier is required for a private team
    assert validate_request(_set(request, "InputConfig.DataAttributes.ContentClassifiers", [])) == []


def test_lists_every_problem_at_once(valid):
    # GIVEN a request with four broken members  WHEN validated  THEN four problems, one per member
    broken = _set(valid, "LabelingJobName", "bad_name!")
    broken = _set(broken, f"{H}.NumberOfHumanWorkersPerDataObject", 99)
    broken = _set(broken, f"{H}.MaxConcurrentTaskCount", 99_999)
    broken = _set(broken, f"{H}.PublicWorkforceTaskPrice.AmountInUsd.Cents", 500)
    problems = validate_request(broken)
    assert len(problems) == 4
    assert (
        problems[0]
        == "LabelingJobName: expected letters, digits and hyphens of 1 to 63 characters; received 'bad_name!'"
    )


def test_missing_required_members_are_reported(valid):
    # GIVEN required members removed  WHEN validated  THEN each is reported as received None
    broken = _set(_set(valid, "RoleArn", _DELETE), f"{H}.TaskTitle", _DELETE)
    problems = validate_request(broken)
    assert any(p.startswith("RoleArn:") and p.endswith("received None") for p in problems)
    assert any(p.startswith(f"{H}.TaskTitle:") for p in problems)
