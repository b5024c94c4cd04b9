"""Ground Truth's limits: the CreateLabelingJob numbers and rules labelchain checks, each defined once.

The synth-time configuration parser (:mod:`labelchain_fn.core.config`), the runtime request checks
(:mod:`labelchain_fn.core.request_rules`), job naming and ``labelchain doctor`` take them from here.
Sources: the botocore service model and the developer guide (ground-truth.md §2, §4.1).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .task_types import TaskTypeSpec

#: The SageMaker name pattern of ``LabelingJobName`` and ``LabelAttributeName`` (use ``fullmatch``).
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*")
JOB_NAME_MAX_LENGTH = 63
LABEL_ATTRIBUTE_NAME_MAX_LENGTH = 127
#: ``LabelCategoryConfigS3Uri``, ``UiTemplateS3Uri``, manifest and output URIs.
S3_URI_MAX_LENGTH = 1024
#: Each label of the label category file.
LABEL_MAX_LENGTH = 256

#: ``HumanTaskConfig.NumberOfHumanWorkersPerDataObject``.
WORKERS_PER_OBJECT_MIN = 1
WORKERS_PER_OBJECT_MAX = 9
#: ``HumanTaskConfig.TaskTimeLimitInSeconds``: 30 s to 8 h.
TASK_TIME_LIMIT_MIN_SECONDS = 30
TASK_TIME_LIMIT_MAX_SECONDS = 28_800
#: ``HumanTaskConfig.TaskAvailabilityLifetimeInSeconds``: 12 h on Mechanical Turk (the public workforce),
#: 30 days for private and vendor workteams.
TASK_AVAILABILITY_MIN_SECONDS = 60
TASK_AVAILABILITY_MAX_SECONDS_PUBLIC = 43_200
TASK_AVAILABILITY_MAX_SECONDS_PRIVATE = 2_592_000
#: ``HumanTaskConfig.MaxConcurrentTaskCount``.
CONCURRENT_TASKS_MIN = 1
CONCURRENT_TASKS_MAX = 5_000
#: ``HumanTaskConfig.TaskTitle`` and ``TaskDescription`` (at least one character each).
TASK_TITLE_MAX_LENGTH = 128
TASK_DESCRIPTION_MAX_LENGTH = 255
#: ``HumanTaskConfig.TaskKeywords``: 1 to 5 keywords of letters, digits and single spaces, 30 characters each.
TASK_KEYWORDS_MAX = 5
TASK_KEYWORD_MAX_LENGTH = 30
KEYWORD_PATTERN = re.compile(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*")
#: ``StoppingConditions``: ``MaxHumanLabeledObjectCount`` (no maximum), ``MaxPercentageOfInputDatasetLabeled``
#: (a percentage).
HUMAN_LABELED_OBJECTS_MIN = 1
PERCENTAGE_LABELED_MIN = 1
PERCENTAGE_LABELED_MAX = 100

#: Fewest objects a job with automated data labeling needs (an older tutorial's 1,000 is stale).
MIN_AUTO_LABELING_OBJECTS = 1250

#: ``InputConfig.DataAttributes.ContentClassifiers``; a public-workforce job fails without the first.
PII_CLASSIFIER = "FreeOfPersonallyIdentifiableInformation"
CONTENT_CLASSIFIERS = (PII_CLASSIFIER, "FreeOfAdultContent")
#: What every public-workforce (Mechanical Turk) workteam ARN contains.
PUBLIC_CROWD = ":workteam/public-crowd/"


def task_availability_max_seconds(public: bool) -> int:
    """The longest ``TaskAvailabilityLifetimeInSeconds`` for the public workforce or another workteam."""
    return TASK_AVAILABILITY_MAX_SECONDS_PUBLIC if public else TASK_AVAILABILITY_MAX_SECONDS_PRIVATE


def task_keywords_ok(keywords: object) -> bool:
    """Whether ``keywords`` is a list of 1 to :data:`TASK_KEYWORDS_MAX` keywords, each of at most
    :data:`TASK_KEYWORD_MAX_LENGTH` letters, digits and single spaces."""
    return (
        isinstance(keywords, list | tuple)
        and 1 <= len(keywords) <= TASK_KEYWORDS_MAX
        and all(
            isinstance(k, str) and len(k) <= TASK_KEYWORD_MAX_LENGTH and KEYWORD_PATTERN.fullmatch(k)
            for k in keywords
        )
    )


def label_attribute_problem(name: str, spec: TaskTypeSpec | None) -> str | None:
    """The ``LabelAttributeName`` rule ``name`` breaks, as an expectation, or ``None``.

    Never ``*-metadata`` (Ground Truth writes that key itself), ``source`` or ``source-ref``; ``-ref`` at
    the end exactly for the task types whose label is an S3 URI (semantic segmentation). ``spec=None``
    checks the first rule only.
    """
    if name.endswith("-metadata") or name in ("source", "source-ref"):
        return 'a name not ending in "-metadata" and not "source"/"source-ref"'
    if spec is not None and spec.label_attribute_must_end_with_ref != name.endswith("-ref"):
        rule = "ending" if spec.label_attribute_must_end_with_ref else "not ending"
        return f'a name {rule} in "-ref" for {spec.task_type.value}'
    return None
