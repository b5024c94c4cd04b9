"""The CreateLabelingJob request: per task type, per region, per workforce, KMS, prices."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator
from core_builders import KMS, MODEL, PRIVATE_TEAM, VENDOR_TEAM, build_request
from labelchain_fn.core.errors import LabelingJobRequestInvalid
from labelchain_fn.core.requests import (
    amount_to_price,
    label_category_document,
    price_to_amount,
)

#: ground-truth.md §3.2, written out independently of task_types.py.
PRE_ACS_ACCOUNTS = {
    "us-east-1": "432418664414",
    "us-east-2": "266458841044",
    "us-west-2": "081040173940",
    "ca-central-1": "918755190332",
    "eu-west-1": "568282634449",
    "eu-west-2": "487402164563",
    "eu-central-1": "203001061592",
    "ap-northeast-1": "477331159723",
    "ap-northeast-2": "845288260483",
    "ap-south-1": "565803892007",
    "ap-southeast-1": "377565633583",
    "ap-southeast-2": "454466003867",
}
#: task type -> (PRE/ACS suffix, algorithm suffix)
TASKS = {
    "ImageClassification": ("ImageMultiClass", "image-classification"),
    "BoundingBox": ("BoundingBox", "object-detection"),
    "SemanticSegmentation": ("SemanticSegmentation", "semantic-segmentation"),
    "TextClassification": ("TextMultiClass", "text-classification"),
}
US_EAST_1_FUNCTIONS = f"arn:aws:lambda:us-east-1:{PRE_ACS_ACCOUNTS['us-east-1']}:function"
_SAGEMAKER = botocore.session.get_session().get_service_model("sagemaker")
_INPUT_SHAPE = _SAGEMAKER.operation_model("CreateLabelingJob").input_shape


def _botocore_problems(request: dict[str, Any]) -> str:
    return ParamValidator().validate(request, _INPUT_SHAPE).generate_report()


@pytest.mark.parametrize("task_type", list(TASKS))
def test_request_per_task_type(make_chain, task_type):
    # GIVEN a chain of each auto-labeling task type
    chain = make_chain(task_type)
    # WHEN its request is built
    request = build_request(chain)
    lambdas, algorithm = TASKS[task_type]
    human = request["HumanTaskConfig"]
    # THEN it carries that type's PRE/ACS functions, algorithm, label attribute and warm-start model
    assert human["PreHumanTaskLambdaArn"] == f"arn:aws:lambda:us-east-1:432418664414:function:PRE-{lambdas}"
    assert human["AnnotationConsolidationConfig"] == {
        "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:us-east-1:432418664414:function:ACS-{lambdas}"
    }
    assert request["LabelingJobAlgorithmsConfig"] == {
        "LabelingJobAlgorithmSpecificationArn": (
            f"arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/{algorithm}"
        ),
        "InitialActiveLearningModelArn": MODEL,
    }
    assert request["LabelAttributeName"] == chain.label_attribute_name
    assert request["LabelAttributeName"].endswith("-ref") is (task_type == "SemanticSegmentation")
    # AND botocore's own client-side validation accepts it
    assert _botocore_problems(request) == ""


@pytest.mark.parametrize("region", list(PRE_ACS_ACCOUNTS))
@pytest.mark.parametrize("task_type", list(TASKS))
def test_request_per_region_uses_that_regions_aws_owned_functions(make_chain, region, task_type):
    # GIVEN a chain deployed in one of the 12 supported regions
    request = build_request(make_chain(task_type), region=region)
    lambdas, algorithm = TASKS[task_type]
    account = PRE_ACS_ACCOUNTS[region]
    human = request["HumanTaskConfig"]
    # THEN PRE/ACS come from the region's AWS account, the algorithm and MTurk team from the fixed ones
    pre = f"arn:aws:lambda:{region}:{account}:function:PRE-{lambdas}"
    acs = f"arn:aws:lambda:{region}:{account}:function:ACS-{lambdas}"
    assert human["PreHumanTaskLambdaArn"] == pre
    assert human["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] == acs
    assert human["WorkteamArn"] == f"arn:aws:sagemaker:{region}:394669845002:workteam/public-crowd/default"
    algorithm_arn = request["LabelingJobAlgorithmsConfig"]["LabelingJobAlgorithmSpecificationArn"]
    assert (
        algorithm_arn
        == f"arn:aws:sagemaker:{region}:027400017018:labeling-job-algorithm-specification/{algorithm}"
    )
    # AND the ARNs are the ones botocore's API documentation lists
    pre_doc = _SAGEMAKER.shape_for("HumanTaskConfig").members["PreHumanTaskLambdaArn"].documentation
    acs_doc = (
        _SAGEMAKER.shape_for("AnnotationConsolidationConfig")
        .members["AnnotationConsolidationLambdaArn"]
        .documentation
    )
    assert re.search(re.escape(pre) + r"\b", pre_doc) and re.search(re.escape(acs) + r"\b", acs_doc)


def test_fails_when_region_has_no_built_in_functions(make_chain):
    # GIVEN a region without AWS-owned PRE/ACS functions  WHEN built  THEN LabelingJobRequestInvalid
    with pytest.raises(LabelingJobRequestInvalid, match=r"region: expected .*received 'eu-north-1'"):
        build_request(make_chain(), region="eu-north-1")


def test_cold_start_has_no_initial_model_key(make_chain):
    # GIVEN no model to warm-start from  WHEN built  THEN the key is absent (never empty or null)
    for model in (None, ""):
        algorithms = build_request(make_chain(), initial_model_arn=model)["LabelingJobAlgorithmsConfig"]
        assert "InitialActiveLearningModelArn" not in algorithms
        assert set(algorithms) == {"LabelingJobAlgorithmSpecificationArn"}


def test_auto_labeling_off_has_no_algorithms_config(make_chain):
    # GIVEN a chain without auto-labeling  WHEN built (even with a model)  THEN no LabelingJobAlgorithmsConfig
    request = build_request(make_chain(autoLabeling=False))
    assert "LabelingJobAlgorithmsConfig" not in request


def test_public_workforce_request_is_complete(make_chain):
    # GIVEN the cdk.json "birds" chain (public workforce, $0.036, 3 workers)
    request = build_request(make_chain(), tags={"labelchain:chain": "birds", "owner": "team a"})
    # THEN every member is as configured
    assert request == {
        "LabelingJobName": "lc-birds-0002-abcdef12",
        "LabelAttributeName": "category",
        "InputConfig": {
            "DataSource": {
                "S3DataSource": {
                    "ManifestS3Uri": "s3://lc-artifacts/manifests/birds/lc-birds-0002-abcdef12.manifest"
                }
            },
            "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]},
        },
        "OutputConfig": {"S3OutputPath": "s3://lc-output/jobs/birds/"},
        "RoleArn": "arn:aws:iam::123456789012:role/LabelChain-GroundTruthRole",
        "LabelCategoryConfigS3Uri": "s3://lc-artifacts/labels/birds.json",
        "HumanTaskConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
            "UiConfig": {"UiTemplateS3Uri": "s3://lc-artifacts/templates/BoundingBox.liquid.html"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
            "TaskKeywords": ["images", "bounding box", "birds"],
            "TaskTitle": "Draw a box around each bird",
            "TaskDescription": "Draw a tight box around every bird in the image.",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 300,
            "TaskAvailabilityLifetimeInSeconds": 21600,
            "MaxConcurrentTaskCount": 200,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"{US_EAST_1_FUNCTIONS}:ACS-BoundingBox"
            },
            "PublicWorkforceTaskPrice": {
                "AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}
            },
        },
        "LabelingJobAlgorithmsConfig": {
            "LabelingJobAlgorithmSpecificationArn": (
                "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection"
            ),
            "InitialActiveLearningModelArn": MODEL,
        },
        "Tags": [{"Key": "labelchain:chain", "Value": "birds"}, {"Key": "owner", "Value": "team a"}],
    }
    assert _botocore_problems(request) == ""
    json.dumps(request)  # JSON-safe: stored on the job record


@pytest.mark.parametrize(("kind", "team"), [("private", PRIVATE_TEAM), ("vendor", VENDOR_TEAM)])
def test_private_and_vendor_workforce_use_their_team_and_no_price(make_chain, kind, team):
    # GIVEN a private or vendor workteam with a 7-day task lifetime
    chain = make_chain(workforce={"type": kind, "workteamArn": team}, taskAvailabilityLifetimeSeconds=604_800)
    # WHEN built
    human = build_request(chain)["HumanTaskConfig"]
    # THEN the team is theirs, there is no MTurk price, and the long lifetime is allowed
    assert human["WorkteamArn"] == team
    assert "PublicWorkforceTaskPrice" not in human
    assert human["TaskAvailabilityLifetimeInSeconds"] == 604_800


def test_kms_key_encrypts_output_and_volumes(make_chain):
    # GIVEN a KMS key  WHEN built  THEN output and auto-labeling volumes use it
    request = build_request(make_chain(), kms_key_arn=KMS)
    assert request["OutputConfig"]["KmsKeyId"] == KMS
    assert request["LabelingJobAlgorithmsConfig"]["LabelingJobResourceConfig"] == {"VolumeKmsKeyId": KMS}
    # AND without auto-labeling only the output is encrypted
    assert build_request(make_chain(autoLabeling=False), kms_key_arn=KMS)["OutputConfig"]["KmsKeyId"] == KMS


def test_no_kms_means_no_kms_members_and_no_tags_member(make_chain):
    # GIVEN no KMS key and no tags  WHEN built  THEN neither member appears
    request = build_request(make_chain())
    assert "KmsKeyId" not in request["OutputConfig"]
    assert "LabelingJobResourceConfig" not in request["LabelingJobAlgorithmsConfig"]
    assert "Tags" not in request and "StoppingConditions" not in request


def test_stopping_conditions_only_when_configured(make_chain):
    # GIVEN stopping conditions in the chain  WHEN built  THEN they are sent
    chain = make_chain(maxHumanLabeledObjectCount=500, maxPercentageOfInputDatasetLabeled=90)
    assert build_request(chain)["StoppingConditions"] == {
        "MaxHumanLabeledObjectCount": 500,
        "MaxPercentageOfInputDatasetLabeled": 90,
    }
    assert build_request(make_chain(maxHumanLabeledObjectCount=5))["StoppingConditions"] == {
        "MaxHumanLabeledObjectCount": 5
    }


def test_fails_listing_every_problem_of_bad_arguments(make_chain):
    # GIVEN several bad arguments at once
    with pytest.raises(LabelingJobRequestInvalid) as raised:
        build_request(
            make_chain(),
            labeling_job_name="bad_name!",
            output_s3_uri="not-an-s3-uri",
            initial_model_arn="arn:x",
        )
    # THEN one error lists them all
    message = str(raised.value)
    for member in ("LabelingJobName", "OutputConfig.S3OutputPath", "InitialActiveLearningModelArn"):
        assert member in message


def test_label_category_document():
    # GIVEN labels in order  WHEN rendered  THEN the documented file, order kept
    document = json.loads(label_category_document(["Bird", "Not a bird", "Ptérodactyle"]))
    assert document == {
        "document-version": "2018-11-28",
        "labels": [{"label": "Bird"}, {"label": "Not a bird"}, {"label": "Ptérodactyle"}],
    }


@pytest.mark.parametrize(
    ("usd", "amount"),
    [
        ("0.036", {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}),
        ("0.012", {"Dollars": 0, "Cents": 1, "TenthFractionsOfACent": 2}),
        ("0.840", {"Dollars": 0, "Cents": 84, "TenthFractionsOfACent": 0}),
        ("1.200", {"Dollars": 1, "Cents": 20, "TenthFractionsOfACent": 0}),
        ("2.999", {"Dollars": 2, "Cents": 99, "TenthFractionsOfACent": 9}),
        ("0", {"Dollars": 0, "Cents": 0, "TenthFractionsOfACent": 0}),
    ],
)
def test_price_amount_round_trip(usd, amount):
    # GIVEN a price  WHEN split and joined  THEN the API parts and the same Decimal
    assert price_to_amount(Decimal(usd)) == amount
    assert amount_to_price(amount) == Decimal(usd)


def test_price_rounds_half_up_to_a_tenth_of_a_cent_and_missing_parts_are_zero():
    assert price_to_amount(Decimal("0.0365")) == {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 7}
    assert amount_to_price({"Cents": 3}) == Decimal("0.030")
