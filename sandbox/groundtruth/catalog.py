"""What the simulated service knows about the built-in auto-labeling task types (ground-truth.md §3).

Kept independent of the pipeline's own tables on purpose: the simulation is an oracle for the requests the
pipeline builds, so a wrong ARN in the pipeline must not be "confirmed" by sharing its data.
"""

from __future__ import annotations

from dataclasses import dataclass

ALGORITHM_ACCOUNT = "027400017018"

#: Account owning the AWS ``PRE-*``/``ACS-*`` Lambdas, by region.
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


@dataclass(frozen=True)
class TaskKind:
    """One built-in task type as the service sees it."""

    algorithm: str
    lambda_suffix: str
    output_type: str
    label_attribute_ends_with_ref: bool
    max_task_seconds: int = 28_800

    def algorithm_arn(self, region: str) -> str:
        """``LabelingJobAlgorithmSpecificationArn`` in ``region``."""
        prefix = f"arn:aws:sagemaker:{region}:{ALGORITHM_ACCOUNT}"
        return f"{prefix}:labeling-job-algorithm-specification/{self.algorithm}"

    def lambda_arn(self, kind: str, region: str) -> str:
        """The AWS-owned ``PRE``/``ACS`` function ARN in ``region`` (``kind`` is ``PRE`` or ``ACS``)."""
        account = PRE_ACS_ACCOUNTS.get(region, "?")
        return f"arn:aws:lambda:{region}:{account}:function:{kind}-{self.lambda_suffix}"


KINDS: tuple[TaskKind, ...] = (
    TaskKind("image-classification", "ImageMultiClass", "groundtruth/image-classification", False),
    TaskKind("object-detection", "BoundingBox", "groundtruth/object-detection", False),
    TaskKind("text-classification", "TextMultiClass", "groundtruth/text-classification", False),
    TaskKind("semantic-segmentation", "SemanticSegmentation", "groundtruth/semantic-segmentation", True),
)


def kind_for_algorithm_arn(arn: str, region: str) -> TaskKind | None:
    """The task kind whose algorithm ARN in ``region`` is exactly ``arn``."""
    return next((kind for kind in KINDS if kind.algorithm_arn(region) == arn), None)


def kind_for_lambda_arn(arn: str) -> TaskKind | None:
    """The task kind a ``PRE-``/``ACS-`` function name belongs to (any account/region)."""
    name = arn.rsplit(":function:", 1)[-1]
    return next(
        (kind for kind in KINDS if name in (f"PRE-{kind.lambda_suffix}", f"ACS-{kind.lambda_suffix}")), None
    )
