"""CreateLabelingJob validation: model constraints plus the service's cross-field rules (ground-truth.md §2).

Raises :class:`~sandbox.groundtruth.errors.ValidationException` with a message naming the rule. Name
uniqueness (``ResourceInUse``) is checked by the caller, which owns the job store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .catalog import PRE_ACS_ACCOUNTS, TaskKind, kind_for_algorithm_arn, kind_for_lambda_arn
from .constraints import constraint_errors, input_shape
from .errors import ValidationException, validation_message
from .state import ModelLineage

PUBLIC_WORKTEAM = re.compile(
    r"arn:aws[a-z\-]*:sagemaker:([a-z0-9\-]+):394669845002:workteam/public-crowd/default"
)
_CLASSIFICATION_PRICES = (
    "0.012",
    "0.024",
    "0.036",
    "0.048",
    "0.060",
    "0.072",
    "0.120",
    "0.240",
    "0.360",
    "0.480",
    "0.600",
    "0.720",
    "0.840",
    "0.960",
    "1.080",
    "1.200",
)
ALLOWED_PRICES = {
    "image-classification": _CLASSIFICATION_PRICES,
    "text-classification": _CLASSIFICATION_PRICES,
    "object-detection": _CLASSIFICATION_PRICES[2:],
    "semantic-segmentation": ("0.840", "0.960", "1.080", "1.200"),
}
ModelFinder = Callable[[str], tuple[bool, ModelLineage | None]]


def _fail(message: str) -> ValidationException:
    return ValidationException(message)


def task_kind(request: dict[str, Any], region: str) -> TaskKind | None:
    """The built-in task kind of a request (from the algorithm ARN, else the PRE Lambda), if any."""
    algorithms = request.get("LabelingJobAlgorithmsConfig")
    if algorithms:
        kind = kind_for_algorithm_arn(algorithms["LabelingJobAlgorithmSpecificationArn"], region)
        if kind is None:
            arn = algorithms["LabelingJobAlgorithmSpecificationArn"]
            raise _fail(
                f"LabelingJobAlgorithmSpecificationArn {arn} is not a valid algorithm specification "
                f"in {region}."
            )
        return kind
    return kind_for_lambda_arn(request["HumanTaskConfig"].get("PreHumanTaskLambdaArn", ""))


def _check_label_attribute(name: str, kind: TaskKind | None) -> None:
    if name.endswith("-metadata") or name in ("source", "source-ref"):
        raise _fail(f"LabelAttributeName '{name}' is reserved or ends with '-metadata'.")
    if kind is not None and name.endswith("-ref") != kind.label_attribute_ends_with_ref:
        must = "must" if kind.label_attribute_ends_with_ref else "must not"
        raise _fail(
            f"LabelAttributeName for {kind.algorithm} jobs {must} end with '-ref'; received '{name}'."
        )


def _check_builtin_lambda(arn: str, role: str, kind: TaskKind | None, region: str) -> None:
    named = kind_for_lambda_arn(arn)
    if named is None:
        if kind is not None:
            raise _fail(
                f"{role} {arn} is not the {kind.algorithm} function required for automated data labeling."
            )
        return  # a custom task type with its own Lambda
    if kind is not None and named != kind:
        raise _fail(f"{role} {arn} does not match the task type {kind.algorithm}.")
    if arn != named.lambda_arn(arn.rsplit(":function:", 1)[1].split("-", 1)[0], region):
        owner = PRE_ACS_ACCOUNTS.get(region, "(none: region not supported)")
        raise _fail(
            f"{role} {arn} is not valid in {region}; the AWS-owned functions there belong to {owner}."
        )


def _check_human_task(config: dict[str, Any], kind: TaskKind | None, region: str) -> None:
    ui = config.get("UiConfig", {})
    if sum(1 for key in ("UiTemplateS3Uri", "HumanTaskUiArn") if ui.get(key)) != 1:
        raise _fail("UiConfig must contain exactly one of UiTemplateS3Uri and HumanTaskUiArn.")
    if ui.get("UiTemplateS3Uri"):
        if not config.get("PreHumanTaskLambdaArn"):
            raise _fail("PreHumanTaskLambdaArn is required with UiTemplateS3Uri.")
        if not config.get("AnnotationConsolidationConfig", {}).get("AnnotationConsolidationLambdaArn"):
            raise _fail("AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn is required.")
    for role, arn in (
        ("PreHumanTaskLambdaArn", config.get("PreHumanTaskLambdaArn")),
        (
            "AnnotationConsolidationLambdaArn",
            config.get("AnnotationConsolidationConfig", {}).get("AnnotationConsolidationLambdaArn"),
        ),
    ):
        if arn:
            _check_builtin_lambda(arn, role, kind, region)
    if kind is not None and config["TaskTimeLimitInSeconds"] > kind.max_task_seconds:
        raise _fail(
            f"TaskTimeLimitInSeconds must be at most {kind.max_task_seconds} for {kind.algorithm} tasks."
        )
    public = PUBLIC_WORKTEAM.fullmatch(config["WorkteamArn"])
    if public is None:
        return
    if public.group(1) != region:
        raise _fail(f"The public work team must be in the job's region {region}.")
    if config.get("TaskAvailabilityLifetimeInSeconds", 21_600) > 43_200:
        raise _fail("TaskAvailabilityLifetimeInSeconds must be at most 43200 for the public workforce.")
    amount = config.get("PublicWorkforceTaskPrice", {}).get("AmountInUsd")
    if not amount:
        raise _fail("PublicWorkforceTaskPrice is required for the public workforce.")
    price = (
        Decimal(amount.get("Dollars", 0))
        + Decimal(amount.get("Cents", 0)) / 100
        + Decimal(amount.get("TenthFractionsOfACent", 0)) / 1000
    )
    if kind is not None and price not in {Decimal(p) for p in ALLOWED_PRICES[kind.algorithm]}:
        raise _fail(f"PublicWorkforceTaskPrice {price} USD is not allowed for {kind.algorithm} tasks.")


def _check_initial_model(
    arn: str, kind: TaskKind, region: str, account: str, find: ModelFinder
) -> ModelLineage:
    parts = arn.split(":")
    if parts[3] != region or parts[4] != account:
        raise _fail(f"InitialActiveLearningModelArn {arn} must be in the job's account and region.")
    exists, lineage = find(arn)
    if not exists:
        raise _fail(f"Could not find model '{arn}'.")
    if lineage is None:
        raise _fail(
            f"Model {arn} was not trained by a Ground Truth labeling job with automated data labeling."
        )
    if lineage.algorithm_arn != kind.algorithm_arn(region):
        raise _fail(
            f"Model {arn} was trained for {lineage.algorithm_arn.rsplit('/', 1)[-1]}, not {kind.algorithm}."
        )
    return lineage


def validate_create(
    request: dict[str, Any], *, region: str, account: str, find_model: ModelFinder
) -> tuple[TaskKind | None, ModelLineage | None]:
    """Check a CreateLabelingJob request; returns its task kind and the initial model's lineage."""
    errors = constraint_errors(request, input_shape("CreateLabelingJob"))
    if errors:
        raise _fail(validation_message(errors))
    data_source = request["InputConfig"]["DataSource"]
    if sum(1 for key in ("S3DataSource", "SnsDataSource") if data_source.get(key)) != 1:
        raise _fail("InputConfig.DataSource must contain exactly one of S3DataSource and SnsDataSource.")
    kind = task_kind(request, region)
    _check_label_attribute(request["LabelAttributeName"], kind)
    _check_human_task(request["HumanTaskConfig"], kind, region)
    keys = [tag["Key"] for tag in request.get("Tags", [])]
    if len(keys) != len(set(keys)):
        raise _fail("Tag keys must be unique.")
    algorithms = request.get("LabelingJobAlgorithmsConfig")
    if not algorithms:
        return kind, None
    assert kind is not None  # task_kind raised for an unknown algorithm
    if data_source.get("SnsDataSource"):
        raise _fail("Automated data labeling is not supported for streaming labeling jobs.")
    if not request.get("LabelCategoryConfigS3Uri"):
        raise _fail("LabelCategoryConfigS3Uri is required for built-in task types.")
    initial = algorithms.get("InitialActiveLearningModelArn")
    lineage = _check_initial_model(initial, kind, region, account, find_model) if initial else None
    return kind, lineage
