"""Ground Truth built-in task types that support automated data labeling, and per-region data.

Everything here is data from the Ground Truth API reference: the four task types that can auto-label
(and so produce a ``FinalActiveLearningModelArn`` to warm-start from), the AWS-owned PRE-/ACS- Lambda
accounts per region, and the allowed public-workforce task prices. Keeping it as data (not code) lets a
single test pin every ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

#: Account that owns the auto-labeling algorithm specifications, in every region.
ALGORITHM_ACCOUNT = "027400017018"
#: Account that owns the public (Mechanical Turk) work team, in every region.
PUBLIC_WORKTEAM_ACCOUNT = "394669845002"

#: Account owning the AWS ``PRE-*`` / ``ACS-*`` Lambdas, by region. Regions not listed have no documented
#: built-in functions, so the pipeline refuses them at synth time.
PRE_ACS_ACCOUNT_BY_REGION: dict[str, str] = {
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

SUPPORTED_REGIONS: tuple[str, ...] = tuple(PRE_ACS_ACCOUNT_BY_REGION)


class TaskType(StrEnum):
    """The four built-in task types with automated data labeling (config values are these strings)."""

    IMAGE_CLASSIFICATION = "ImageClassification"
    BOUNDING_BOX = "BoundingBox"
    SEMANTIC_SEGMENTATION = "SemanticSegmentation"
    TEXT_CLASSIFICATION = "TextClassification"


def _prices(*values: str) -> frozenset[Decimal]:
    return frozenset(Decimal(v) for v in values)


_CLASSIFICATION_PRICES = _prices(
    "0.012", "0.024", "0.036", "0.048", "0.060", "0.072", "0.120", "0.240",
    "0.360", "0.480", "0.600", "0.720", "0.840", "0.960", "1.080", "1.200",
)  # fmt: skip


@dataclass(frozen=True)
class TaskTypeSpec:
    """Everything that differs between the auto-labeling task types.

    Attributes
    ----------
    algorithm : suffix of ``labeling-job-algorithm-specification/<algorithm>``.
    lambda_suffix : the ``<X>`` of the AWS-owned ``PRE-<X>`` and ``ACS-<X>`` functions.
    output_type : the ``<LAN>-metadata.type`` value in the output manifest.
    source_key : the manifest key holding each object (``source-ref`` or inline ``source``).
    label_attribute_must_end_with_ref : semantic segmentation requires ``-ref``; the others forbid it.
    min_labels / max_labels : label-category bounds (``None`` = unlimited).
    allowed_task_prices_usd : allowed ``PublicWorkforceTaskPrice`` values.
    default_workers_per_object : the console's default.
    """

    task_type: TaskType
    algorithm: str
    lambda_suffix: str
    output_type: str
    source_key: str
    label_attribute_must_end_with_ref: bool
    min_labels: int
    max_labels: int | None
    allowed_task_prices_usd: frozenset[Decimal]
    default_workers_per_object: int
    max_input_objects: int

    def algorithm_specification_arn(self, region: str) -> str:
        """``LabelingJobAlgorithmSpecificationArn`` for ``region``."""
        return (
            f"arn:aws:sagemaker:{region}:{ALGORITHM_ACCOUNT}:"
            f"labeling-job-algorithm-specification/{self.algorithm}"
        )

    def pre_human_task_lambda_arn(self, region: str) -> str:
        """``PreHumanTaskLambdaArn`` (AWS-owned) for ``region``; raises ``KeyError`` if unsupported."""
        return (
            f"arn:aws:lambda:{region}:{PRE_ACS_ACCOUNT_BY_REGION[region]}:function:PRE-{self.lambda_suffix}"
        )

    def annotation_consolidation_lambda_arn(self, region: str) -> str:
        """``AnnotationConsolidationLambdaArn`` (AWS-owned) for ``region``; ``KeyError`` if unsupported."""
        return (
            f"arn:aws:lambda:{region}:{PRE_ACS_ACCOUNT_BY_REGION[region]}:function:ACS-{self.lambda_suffix}"
        )


TASK_TYPES: dict[TaskType, TaskTypeSpec] = {
    TaskType.IMAGE_CLASSIFICATION: TaskTypeSpec(
        TaskType.IMAGE_CLASSIFICATION, "image-classification", "ImageMultiClass",
        "groundtruth/image-classification", "source-ref", False, 2, None,
        _CLASSIFICATION_PRICES, 3, 100_000,
    ),
    TaskType.BOUNDING_BOX: TaskTypeSpec(
        TaskType.BOUNDING_BOX, "object-detection", "BoundingBox",
        "groundtruth/object-detection", "source-ref", False, 1, 50,
        _prices("0.036", "0.048", "0.060", "0.072", "0.120", "0.240", "0.360",
                "0.480", "0.600", "0.720", "0.840", "0.960", "1.080", "1.200"),
        5, 100_000,
    ),
    TaskType.SEMANTIC_SEGMENTATION: TaskTypeSpec(
        TaskType.SEMANTIC_SEGMENTATION, "semantic-segmentation", "SemanticSegmentation",
        "groundtruth/semantic-segmentation", "source-ref", True, 1, 20,
        _prices("0.840", "0.960", "1.080", "1.200"), 3, 20_000,
    ),
    TaskType.TEXT_CLASSIFICATION: TaskTypeSpec(
        TaskType.TEXT_CLASSIFICATION, "text-classification", "TextMultiClass",
        "groundtruth/text-classification", "source", False, 2, None,
        _CLASSIFICATION_PRICES, 3, 100_000,
    ),
}  # fmt: skip


def spec_for(task_type: str | TaskType) -> TaskTypeSpec:
    """Return the spec of ``task_type``; raises ``ValueError`` naming the accepted values."""
    try:
        return TASK_TYPES[TaskType(task_type)]
    except ValueError:
        accepted = ", ".join(t.value for t in TaskType)
        raise ValueError(f"expected one of {accepted}; received {task_type!r}") from None


def spec_for_algorithm_arn(arn: str) -> TaskTypeSpec | None:
    """The spec whose algorithm specification ARN ends like ``arn``, or ``None``."""
    for spec in TASK_TYPES.values():
        if arn.endswith(f"labeling-job-algorithm-specification/{spec.algorithm}"):
            return spec
    return None


def public_workteam_arn(region: str) -> str:
    """The Mechanical Turk work team ARN for ``region``."""
    return f"arn:aws:sagemaker:{region}:{PUBLIC_WORKTEAM_ACCOUNT}:workteam/public-crowd/default"
