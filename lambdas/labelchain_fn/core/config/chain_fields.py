"""The rule book's chain keys (``labelchain.chains.<name>.*``).

Part of the rule book that :mod:`.fields` opens; the defaults that depend on the task type come from
:mod:`.defaults`, the numbers of Ground Truth's limits from :mod:`labelchain_fn.core.limits`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import limits as gt
from ..task_types import TASK_TYPES, TaskType
from .defaults import DEFAULT_FEE_TIERS, DEFAULT_KEYWORDS, DEFAULT_LABEL_ATTRIBUTE, default_price
from .field import REQUIRED, Field, integer, literal, one_of, per_task_type, span, text

_H = "HumanTaskConfig"


def _label_counts() -> str:
    counts = (
        f"`{s.task_type}` " + (span(s.min_labels, s.max_labels) if s.max_labels else f"≥ {s.min_labels}")
        for s in TASK_TYPES.values()
    )
    return ", ".join(counts)


_REF_TYPES = one_of((s.task_type for s in TASK_TYPES.values() if s.label_attribute_must_end_with_ref), "and")

TASK_TYPE = text(
    "taskType",
    None,
    f"{one_of(TaskType)} — the built-in types with automated data labeling. Other task types are refused at "
    "synth: they cannot produce a model to warm-start from.",
    default_text=REQUIRED,
)
LABELS: Field[tuple[str, ...]] = Field(
    "labels",
    "list of strings",
    (),
    f"label categories ({_label_counts()}), unique, ≤ {gt.LABEL_MAX_LENGTH} characters each; the same "
    "file, same order, for every job of the chain",
    api=("LabelCategoryConfigS3Uri",),
    default_text=REQUIRED,
)
LABEL_ATTRIBUTE_NAME = text(
    "labelAttributeName",
    None,
    f"must end in `-ref` for {_REF_TYPES} and must not otherwise; never `*-metadata`, `source`, `source-ref`",
    gt.LABEL_ATTRIBUTE_NAME_MAX_LENGTH,
    api=("LabelAttributeName",),
    default_text=per_task_type(lambda s: DEFAULT_LABEL_ATTRIBUTE[s.task_type]),
)
TASK_TITLE = text(
    "taskTitle",
    None,
    "shown to workers",
    gt.TASK_TITLE_MAX_LENGTH,
    api=(f"{_H}.TaskTitle",),
    default_text="per task type",
)
TASK_DESCRIPTION = text(
    "taskDescription",
    None,
    "shown to workers",
    gt.TASK_DESCRIPTION_MAX_LENGTH,
    api=(f"{_H}.TaskDescription",),
    default_text="per task type (the title)",
)
TASK_KEYWORDS = Field(
    "taskKeywords",
    f"list ({span(1, gt.TASK_KEYWORDS_MAX)})",
    None,
    f"letters, digits and spaces, ≤ {gt.TASK_KEYWORD_MAX_LENGTH} characters each",
    api=(f"{_H}.TaskKeywords",),
    default_text=per_task_type(lambda s: DEFAULT_KEYWORDS[s.source_key]),
)
WORKFORCE = Field(
    "workforce",
    "object",
    None,
    "`public` (Mechanical Turk; `taskPriceUsd` from the allowed list of the task type), `private` or "
    "`vendor` (`workteamArn` of a `private-crowd`/`vendor-crowd` team)",
    api=(f"{_H}.WorkteamArn", f"{_H}.PublicWorkforceTaskPrice"),
    default_text=per_task_type(lambda s: f'{{"type": "public", "taskPriceUsd": "{default_price(s)}"}}'),
)
WORKERS_PER_OBJECT: Field[int | None] = integer(
    "workersPerObject",
    None,
    gt.WORKERS_PER_OBJECT_MIN,
    gt.WORKERS_PER_OBJECT_MAX,
    "workers who label each object",
    api=(f"{_H}.NumberOfHumanWorkersPerDataObject",),
    default_text=per_task_type(lambda s: s.default_workers_per_object),
)
TASK_TIME_LIMIT_SECONDS = integer(
    "taskTimeLimitSeconds",
    300,
    gt.TASK_TIME_LIMIT_MIN_SECONDS,
    gt.TASK_TIME_LIMIT_MAX_SECONDS,
    "time a worker has for one task",
    api=(f"{_H}.TaskTimeLimitInSeconds",),
)
TASK_AVAILABILITY_LIFETIME_SECONDS = integer(
    "taskAvailabilityLifetimeSeconds",
    21_600,
    gt.TASK_AVAILABILITY_MIN_SECONDS,
    None,
    f"how long a task is offered: ≤ {gt.TASK_AVAILABILITY_MAX_SECONDS_PUBLIC:,} for public, "
    f"≤ {gt.TASK_AVAILABILITY_MAX_SECONDS_PRIVATE:,} otherwise",
    api=(f"{_H}.TaskAvailabilityLifetimeInSeconds",),
)
MAX_CONCURRENT_TASK_COUNT = integer(
    "maxConcurrentTaskCount",
    1000,
    gt.CONCURRENT_TASKS_MIN,
    gt.CONCURRENT_TASKS_MAX,
    "tasks offered at once; also the human batch per auto-labeling iteration",
    api=(f"{_H}.MaxConcurrentTaskCount",),
)
MAX_HUMAN_LABELED_OBJECT_COUNT: Field[int | None] = integer(
    "maxHumanLabeledObjectCount",
    None,
    gt.HUMAN_LABELED_OBJECTS_MIN,
    None,
    "stopping condition",
    api=("StoppingConditions.MaxHumanLabeledObjectCount",),
)
MAX_PERCENTAGE_OF_INPUT_DATASET_LABELED: Field[int | None] = integer(
    "maxPercentageOfInputDatasetLabeled",
    None,
    gt.PERCENTAGE_LABELED_MIN,
    gt.PERCENTAGE_LABELED_MAX,
    "stopping condition",
    api=("StoppingConditions.MaxPercentageOfInputDatasetLabeled",),
)
AUTO_LABELING = Field(
    "autoLabeling",
    "boolean",
    True,
    f"automated data labeling (needs ≥ {gt.MIN_AUTO_LABELING_OBJECTS:,} objects per manifest); off = no "
    "model, no warm start",
    api=("LabelingJobAlgorithmsConfig",),
)
WARM_START = text(
    "warmStart",
    "latest",
    "default warm-start policy: `latest`, `none`, a SageMaker model ARN, or a job name of the chain",
    api=("LabelingJobAlgorithmsConfig.InitialActiveLearningModelArn",),
)
CONTROL = Field(
    "control", "boolean", False, "also run every batch cold as a control job and store a comparison"
)
UI_TEMPLATE_S3_URI: Field[str | None] = text(
    "uiTemplateS3Uri",
    None,
    "your own Liquid/HTML worker template (an `s3://` URI)",
    gt.S3_URI_MAX_LENGTH,
    api=(f"{_H}.UiConfig.UiTemplateS3Uri",),
    default_text="shipped template per task type",
)
CONTENT_CLASSIFIERS = Field(
    "contentClassifiers",
    "list",
    (gt.PII_CLASSIFIER,),
    f"drawn from {one_of(gt.CONTENT_CLASSIFIERS, 'and')}; `{gt.PII_CLASSIFIER}` is required with the "
    "public workforce",
    api=("InputConfig.DataAttributes.ContentClassifiers",),
)
FEE_TIERS = Field(
    "pricing.feeTiers",
    'list of `{"upTo": int\\|null, "usd": number}`',
    DEFAULT_FEE_TIERS,
    "per-object fee tiers for the cost estimate",
    default_text=literal(", ".join(f"{'null' if n is None else n} @ {usd}" for n, usd in DEFAULT_FEE_TIERS)),
)
AUTO_LABELING_COMPUTE_USD_PER_HOUR = Field(
    "pricing.autoLabelingComputeUsdPerHour",
    "number",
    Decimal("0"),
    "optional auto-labeling compute in the estimate",
)

#: The keys of ``labelchain.chains.<name>``, in the README's order.
CHAIN_FIELDS: tuple[Field[Any], ...] = (
    TASK_TYPE,
    LABELS,
    LABEL_ATTRIBUTE_NAME,
    TASK_TITLE,
    TASK_DESCRIPTION,
    TASK_KEYWORDS,
    WORKFORCE,
    WORKERS_PER_OBJECT,
    TASK_TIME_LIMIT_SECONDS,
    TASK_AVAILABILITY_LIFETIME_SECONDS,
    MAX_CONCURRENT_TASK_COUNT,
    MAX_HUMAN_LABELED_OBJECT_COUNT,
    MAX_PERCENTAGE_OF_INPUT_DATASET_LABELED,
    AUTO_LABELING,
    WARM_START,
    CONTROL,
    UI_TEMPLATE_S3_URI,
    CONTENT_CLASSIFIERS,
    FEE_TIERS,
    AUTO_LABELING_COMPUTE_USD_PER_HOUR,
)
