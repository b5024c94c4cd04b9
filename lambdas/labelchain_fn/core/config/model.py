"""The configuration's data model: frozen dataclasses and the patterns values must match.

The dataclasses' defaults are the rule book's (:mod:`.fields`, :mod:`.chain_fields`).
:meth:`ChainConfig.to_dict` and :func:`chain_from_dict` carry a chain from ``cdk synth`` (where
:mod:`.parser` validated it) to the Lambdas through one SSM parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ..task_types import TaskType, TaskTypeSpec, spec_for
from . import chain_fields as c
from . import fields as p

CHAIN_NAME_PATTERN = re.compile(rf"^[a-z0-9](-?[a-z0-9]){{0,{p.CHAIN_NAME_MAX_LENGTH - 1}}}$")
JOB_NAME_PREFIX_PATTERN = re.compile(rf"^[a-z][a-z0-9]{{0,{p.JOB_NAME_PREFIX_MAX_LENGTH - 1}}}$")
STACK_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
BUCKET_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
WORKTEAM_ARN_PATTERN = re.compile(
    r"^arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]+:\d{12}:workteam/(private|vendor)-crowd/.+"
)
KMS_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:key/[A-Za-z0-9\-]+$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
S3_URI_PATTERN = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]/.+")


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
    """Inputs of the cost estimate. Defaults (:mod:`.chain_fields`): the published tier-1 fee per object,
    then lower tiers (configurable because tiers count per account and month); no auto-labeling compute."""

    fee_tiers: tuple[tuple[int | None, Decimal], ...] = c.FEE_TIERS.default
    auto_labeling_compute_usd_per_hour: Decimal = c.AUTO_LABELING_COMPUTE_USD_PER_HOUR.default


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
    task_time_limit_seconds: int = c.TASK_TIME_LIMIT_SECONDS.default
    task_availability_lifetime_seconds: int = c.TASK_AVAILABILITY_LIFETIME_SECONDS.default
    max_concurrent_task_count: int = c.MAX_CONCURRENT_TASK_COUNT.default
    max_human_labeled_object_count: int | None = c.MAX_HUMAN_LABELED_OBJECT_COUNT.default
    max_percentage_of_input_dataset_labeled: int | None = c.MAX_PERCENTAGE_OF_INPUT_DATASET_LABELED.default
    auto_labeling: bool = c.AUTO_LABELING.default
    warm_start: str = c.WARM_START.default
    control: bool = c.CONTROL.default
    ui_template_s3_uri: str | None = c.UI_TEMPLATE_S3_URI.default
    content_classifiers: tuple[str, ...] = c.CONTENT_CLASSIFIERS.default
    pricing: Pricing = field(default_factory=Pricing)

    @property
    def spec(self) -> TaskTypeSpec:
        return spec_for(self.task_type)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (Decimals as strings), the inverse of :func:`parse_chain`."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class PipelineConfig:
    """The whole deployment; each default is the rule book's (:mod:`.fields`)."""

    chains: Mapping[str, ChainConfig]
    region: str = p.REGION.default
    stack_name: str = p.STACK_NAME.default
    job_name_prefix: str = p.JOB_NAME_PREFIX.default
    notification_emails: tuple[str, ...] = p.NOTIFICATION_EMAILS.default
    kms_key_arn: str | None = p.KMS_KEY_ARN.default
    monitor_interval_minutes: int = p.MONITOR_INTERVAL_MINUTES.default
    stalled_after_minutes: int = p.STALLED_AFTER_MINUTES.default
    record_ttl_days: int = p.RECORD_TTL_DAYS.default
    allowed_source_buckets: tuple[str, ...] = p.ALLOWED_SOURCE_BUCKETS.default
    removal_policy: str = p.REMOVAL_POLICY.default


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
    compute = c.AUTO_LABELING_COMPUTE_USD_PER_HOUR.default
    tiers = tuple((t[0], Decimal(str(t[1]))) for t in pricing.get("fee_tiers", [])) or c.FEE_TIERS.default
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
        pricing=Pricing(tiers, Decimal(str(pricing.get("auto_labeling_compute_usd_per_hour", compute)))),
    )
