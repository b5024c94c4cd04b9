"""The CreateLabelingJob request of one chained job, built from the chain's configuration.

The whole request is built here (not in the state machine) so that the first job of a chain simply has no
``InitialActiveLearningModelArn`` key: an empty value would break the API's minimum length and pattern.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .config import ChainConfig
from .errors import LabelingJobRequestInvalid
from .request_rules import validate_request
from .task_types import public_workteam_arn

__all__ = [
    "amount_to_price",
    "build_create_labeling_job_request",
    "label_category_document",
    "price_to_amount",
    "validate_request",
]

_TENTH_CENT = Decimal("0.001")


def label_category_document(labels: Sequence[str]) -> bytes:
    """The label category configuration file (``LabelCategoryConfigS3Uri``) for ``labels``, in order.

    Returns
    -------
    bytes
        ``{"document-version": "2018-11-28", "labels": [{"label": ...}, ...]}`` as UTF-8 JSON. Every job of
        a chain must use the same file: the model's class indices follow the label order.
    """
    document = {"document-version": "2018-11-28", "labels": [{"label": label} for label in labels]}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def price_to_amount(usd: Decimal) -> dict[str, int]:
    """Split a price in USD into ``{"Dollars", "Cents", "TenthFractionsOfACent"}``.

    Parameters
    ----------
    usd : the price; rounded half-up to a tenth of a cent (``Decimal("0.036")`` -> 0, 3, 6).
    """
    tenths = int((Decimal(usd) / _TENTH_CENT).to_integral_value(rounding=ROUND_HALF_UP))
    return {"Dollars": tenths // 1000, "Cents": tenths // 10 % 100, "TenthFractionsOfACent": tenths % 10}


def amount_to_price(amount: Mapping[str, Any]) -> Decimal:
    """Inverse of :func:`price_to_amount`; missing parts count as 0."""
    return (
        Decimal(int(amount.get("Dollars", 0) or 0))
        + Decimal(int(amount.get("Cents", 0) or 0)) / 100
        + Decimal(int(amount.get("TenthFractionsOfACent", 0) or 0)) / 1000
    ).quantize(_TENTH_CENT)


def _human_task_config(chain: ChainConfig, region: str, ui_template_s3_uri: str) -> dict[str, Any]:
    spec = chain.spec
    public = chain.workforce.kind == "public"
    config: dict[str, Any] = {
        "WorkteamArn": public_workteam_arn(region) if public else chain.workforce.workteam_arn,
        "UiConfig": {"UiTemplateS3Uri": ui_template_s3_uri},
        "PreHumanTaskLambdaArn": spec.pre_human_task_lambda_arn(region),
        "TaskKeywords": list(chain.task_keywords),
        "TaskTitle": chain.task_title,
        "TaskDescription": chain.task_description,
        "NumberOfHumanWorkersPerDataObject": chain.workers_per_object,
        "TaskTimeLimitInSeconds": chain.task_time_limit_seconds,
        "TaskAvailabilityLifetimeInSeconds": chain.task_availability_lifetime_seconds,
        "MaxConcurrentTaskCount": chain.max_concurrent_task_count,
        "AnnotationConsolidationConfig": {
            "AnnotationConsolidationLambdaArn": spec.annotation_consolidation_lambda_arn(region),
        },
    }
    if public and chain.workforce.task_price_usd is not None:
        config["PublicWorkforceTaskPrice"] = {"AmountInUsd": price_to_amount(chain.workforce.task_price_usd)}
    return config


def build_create_labeling_job_request(
    *,
    chain: ChainConfig,
    region: str,
    labeling_job_name: str,
    manifest_s3_uri: str,
    output_s3_uri: str,
    role_arn: str,
    label_category_s3_uri: str,
    ui_template_s3_uri: str,
    initial_model_arn: str | None,
    kms_key_arn: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The complete keyword arguments of ``sagemaker.create_labeling_job`` for one job.

    Parameters
    ----------
    chain : the chain's configuration (task type, labels, workforce, limits, auto-labeling).
    region : the deployment region; selects the AWS-owned PRE/ACS Lambdas and the algorithm ARN.
    labeling_job_name : see :func:`labelchain_fn.core.naming.labeling_job_name`.
    manifest_s3_uri, output_s3_uri, label_category_s3_uri, ui_template_s3_uri : S3 URIs.
    role_arn : the Ground Truth execution role.
    initial_model_arn : the model to warm-start from; ``None`` = cold start (the key is then omitted).
        Ignored when the chain has auto-labeling off (there is no algorithm to warm-start).
    kms_key_arn : default ``None``; when given, encrypts the output (``KmsKeyId``) and the auto-labeling
        volumes (``VolumeKmsKeyId``).
    tags : default ``None`` (no ``Tags`` member); sent as ``[{"Key", "Value"}]`` in the given order.

    Raises
    ------
    LabelingJobRequestInvalid
        Listing every problem :func:`validate_request` finds (and an unsupported region).
    """
    try:
        human = _human_task_config(chain, region, ui_template_s3_uri)
        algorithm_arn = chain.spec.algorithm_specification_arn(region)
    except KeyError:
        raise LabelingJobRequestInvalid(
            f"region: expected a region with Ground Truth's built-in task Lambdas; received {region!r}"
        ) from None
    request: dict[str, Any] = {
        "LabelingJobName": labeling_job_name,
        "LabelAttributeName": chain.label_attribute_name,
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": manifest_s3_uri}},
            "DataAttributes": {"ContentClassifiers": list(chain.content_classifiers)},
        },
        "OutputConfig": {"S3OutputPath": output_s3_uri},
        "RoleArn": role_arn,
        "LabelCategoryConfigS3Uri": label_category_s3_uri,
        "HumanTaskConfig": human,
    }
    if tags:
        request["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    if kms_key_arn:
        request["OutputConfig"]["KmsKeyId"] = kms_key_arn
    if chain.auto_labeling:
        algorithms: dict[str, Any] = {"LabelingJobAlgorithmSpecificationArn": algorithm_arn}
        if initial_model_arn:
            algorithms["InitialActiveLearningModelArn"] = initial_model_arn
        if kms_key_arn:
            algorithms["LabelingJobResourceConfig"] = {"VolumeKmsKeyId": kms_key_arn}
        request["LabelingJobAlgorithmsConfig"] = algorithms
    stopping: dict[str, int] = {}
    if chain.max_human_labeled_object_count is not None:
        stopping["MaxHumanLabeledObjectCount"] = chain.max_human_labeled_object_count
    if chain.max_percentage_of_input_dataset_labeled is not None:
        stopping["MaxPercentageOfInputDatasetLabeled"] = chain.max_percentage_of_input_dataset_labeled
    if stopping:
        request["StoppingConditions"] = stopping
    problems = validate_request(request)
    if problems:
        raise LabelingJobRequestInvalid("; ".join(problems))
    return request
