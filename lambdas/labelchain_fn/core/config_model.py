"""The configuration's data model: frozen dataclasses, their defaults and the patterns values must match.

:meth:`ChainConfig.to_dict` and :func:`chain_from_dict` carry a chain from ``cdk synth`` (where
:mod:`labelchain_fn.core.config` validated it) to the Lambdas through one SSM parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .task_types import TaskType, TaskTypeSpec, spec_for

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}$")
CHAIN_NAME_PATTERN = re.compile(r"^[a-z0-9](-?[a-z0-9]){0,23}$")
KEYWORD_PATTERN = re.compile(r"^[A-Za-z0-9]+( [A-Za-z0-9]+)*$")
WORKTEAM_ARN_PATTERN = re.compile(
    r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:\d{12}:workteam/(private|vendor)-crowd/.+"
)
MODEL_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:model/.+")
KMS_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:key/[A-Za-z0-9\-]+$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
S3_URI_PATTERN = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/.+")
CONTENT_CLASSIFIERS = ("FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent")
#: The keys each configuration object accepts (camelCase, as written in cdk.json).
PIPELINE_KEYS = (
    "chains",
    "region",
    "stackName",
    "jobNamePrefix",
    "notificationEmails",
    "kmsKeyArn",
    "monitorIntervalMinutes",
    "stalledAfterMinutes",
    "recordTtlDays",
    "allowedSourceBuckets",
    "removalPolicy",
)
CHAIN_KEYS = (
    "taskType",
    "labels",
    "labelAttributeName",
    "taskTitle",
    "taskDescription",
    "taskKeywords",
    "workforce",
    "workersPerObject",
    "taskTimeLimitSeconds",
    "taskAvailabilityLifetimeSeconds",
    "maxConcurrentTaskCount",
    "maxHumanLabeledObjectCount",
    "maxPercentageOfInputDatasetLabeled",
    "autoLabeling",
    "warmStart",
    "control",
    "uiTemplateS3Uri",
    "contentClassifiers",
    "pricing",
)
WORKFORCE_KEYS = ("type", "taskPriceUsd", "workteamArn")
PRICING_KEYS = ("feeTiers", "autoLabelingComputeUsdPerHour")

#: Default per-object fee tiers: (objects up to, USD per object). ``None`` = no upper bound.
DEFAULT_FEE_TIERS: tuple[tuple[int | None, Decimal], ...] = (
    (50_000, Decimal("0.08")),
    (1_000_000, Decimal("0.04")),
    (None, Decimal("0.02")),
)

DEFAULT_LABEL_ATTRIBUTE = {
    TaskType.IMAGE_CLASSIFICATION: "label",
    TaskType.BOUNDING_BOX: "bounding-box",
    TaskType.SEMANTIC_SEGMENTATION: "segmentation-ref",
    TaskType.TEXT_CLASSIFICATION: "label",
}
DEFAULT_TITLE = {
    TaskType.IMAGE_CLASSIFICATION: "Classify the image",
    TaskType.BOUNDING_BOX: "Draw a box around each object",
    TaskType.SEMANTIC_SEGMENTATION: "Paint each object",
    TaskType.TEXT_CLASSIFICATION: "Classify the text",
}


class ConfigError(ValueError):
    """One or more configuration values are wrong; ``problems`` lists them (key: expected; received)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid labelchain configuration:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Workforce:
    """Who labels. ``kind`` is ``public`` (Mechanical Turk, needs ``task_price_usd``), ``private`` or
    ``vendor`` (both need ``workteam_arn``)."""

    kind: str
    workteam_arn: str | None = None
    task_price_usd: Decimal | None = None


@dataclass(frozen=True)
class Pricing:
    """Inputs of the cost estimate. Defaults: the published tier-1 fee of $0.08 per object, then $0.04
    and $0.02 (configurable because tiers count per account and month); no auto-labeling compute."""

    fee_tiers: tuple[tuple[int | None, Decimal], ...] = DEFAULT_FEE_TIERS
    auto_labeling_compute_usd_per_hour: Decimal = Decimal("0")


@dataclass(frozen=True)
class ChainConfig:
    """One labeling chain: every job of the chain shares these settings (and its label file)."""

    name: str
    task_type: TaskType
    labels: tuple[str, ...]
    label_attribute_name: str
    task_title: str
    task_description: str
    task_keywords: tuple[str, ...]
    workforce: Workforce
    workers_per_object: int
    task_time_limit_seconds: int = 300
    task_availability_lifetime_seconds: int = 21_600
    max_concurrent_task_count: int = 1000
    max_human_labeled_object_count: int | None = None
    max_percentage_of_input_dataset_labeled: int | None = None
    auto_labeling: bool = True
    warm_start: str = "latest"
    control: bool = False
    ui_template_s3_uri: str | None = None
    content_classifiers: tuple[str, ...] = ("FreeOfPersonallyIdentifiableInformation",)
    pricing: Pricing = field(default_factory=Pricing)

    @property
    def spec(self) -> TaskTypeSpec:
        return spec_for(self.task_type)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (Decimals as strings), the inverse of :func:`parse_chain`."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class PipelineConfig:
    """The whole deployment. Defaults: region ``us-east-1``, stack ``LabelChain``, job-name prefix ``lc``,
    monitor every 15 minutes, stalled-job alert after 720 minutes without progress, records kept 365 days,
    buckets and table retained on stack deletion."""

    chains: Mapping[str, ChainConfig]
    region: str = "us-east-1"
    stack_name: str = "LabelChain"
    job_name_prefix: str = "lc"
    notification_emails: tuple[str, ...] = ()
    kms_key_arn: str | None = None
    monitor_interval_minutes: int = 15
    stalled_after_minutes: int = 720
    record_ttl_days: int = 365
    allowed_source_buckets: tuple[str, ...] = ()
    removal_policy: str = "retain"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def chain_from_dict(data: Mapping[str, Any]) -> ChainConfig:
    """Rebuild a :class:`ChainConfig` from :meth:`ChainConfig.to_dict` output.

    The data is trusted (validated at synth), so nothing is checked again here.
    """
    wf = data["workforce"]
    pricing = data.get("pricing") or {}
    tiers = tuple((t[0], Decimal(str(t[1]))) for t in pricing.get("fee_tiers", [])) or DEFAULT_FEE_TIERS
    fields = {k: v for k, v in data.items() if k not in ("workforce", "pricing")}
    for key in ("labels", "task_keywords", "content_classifiers"):
        fields[key] = tuple(fields[key])
    fields["task_type"] = TaskType(fields["task_type"])
    return ChainConfig(
        **fields,
        workforce=Workforce(
            wf["kind"],
            wf.get("workteam_arn"),
            Decimal(str(wf["task_price_usd"])) if wf.get("task_price_usd") is not None else None,
        ),
        pricing=Pricing(tiers, Decimal(str(pricing.get("auto_labeling_compute_usd_per_hour", "0")))),
    )
