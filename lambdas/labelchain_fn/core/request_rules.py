"""CreateLabelingJob rules that botocore does not check on the client.

botocore validates required members, types and minimums only; a too-long name, a ``-metadata`` label
attribute or 99 workers would reach SageMaker and fail there (ground-truth.md §2.7). Checking them here
fails the execution early with every problem listed. Length and pattern rules are data (the tables below,
from the botocore service model, with the limits the configuration shares in :mod:`.limits`); cross-field
rules are code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from . import limits as gt
from .task_types import TASK_TYPES, TaskTypeSpec, spec_for_algorithm_arn

S3_URI = re.compile(r"(https|s3)://([^/]+)/?(.*)", re.DOTALL)
ROLE_ARN = re.compile(r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-/]+")
KMS_KEY = re.compile(r"[a-zA-Z0-9:/_-]*")
WORKTEAM_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:workteam/.*")
LAMBDA_ARN = re.compile(r"arn:aws[a-z\-]*:lambda:[a-z0-9\-]*:[0-9]{12}:function:.*")
MODEL_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:model/.*")
ANY_ARN = re.compile(r"arn:.*", re.DOTALL)
TITLE = re.compile(r"[\t\n\r\u0020-\ud7ff\ue000-\ufffd]*")
_URI = gt.S3_URI_MAX_LENGTH

_NAME = "letters, digits and hyphens"
_H = "HumanTaskConfig"
_A = "LabelingJobAlgorithmsConfig"
#: (path, min length, max length, pattern, what, required)
TEXT_RULES: tuple[tuple[tuple[str, ...], int, int, re.Pattern[str] | None, str, bool], ...] = (
    (("LabelingJobName",), 1, gt.JOB_NAME_MAX_LENGTH, gt.NAME_PATTERN, _NAME, True),
    (("LabelAttributeName",), 1, gt.LABEL_ATTRIBUTE_NAME_MAX_LENGTH, gt.NAME_PATTERN, _NAME, True),
    (("RoleArn",), 20, 2048, ROLE_ARN, "an IAM role ARN", True),
    (("InputConfig", "DataSource", "S3DataSource", "ManifestS3Uri"), 1, _URI, S3_URI, "an S3 URI", True),
    (("OutputConfig", "S3OutputPath"), 1, _URI, S3_URI, "an S3 URI", True),
    (("OutputConfig", "KmsKeyId"), 1, 2048, KMS_KEY, "a KMS key ID or ARN", False),
    (("LabelCategoryConfigS3Uri",), 1, _URI, S3_URI, "an S3 URI", False),
    ((_H, "WorkteamArn"), 1, 256, WORKTEAM_ARN, "a workteam ARN", True),
    ((_H, "UiConfig", "UiTemplateS3Uri"), 1, _URI, S3_URI, "an S3 URI", True),
    ((_H, "PreHumanTaskLambdaArn"), 1, 2048, LAMBDA_ARN, "a Lambda ARN", True),
    ((_H, "AnnotationConsolidationConfig", "AnnotationConsolidationLambdaArn"), 1, 2048, LAMBDA_ARN,
     "a Lambda ARN", True),
    ((_H, "TaskTitle"), 1, gt.TASK_TITLE_MAX_LENGTH, TITLE, "printable text", True),
    ((_H, "TaskDescription"), 1, gt.TASK_DESCRIPTION_MAX_LENGTH, None, "text", True),
    ((_A, "LabelingJobResourceConfig", "VolumeKmsKeyId"), 1, 2048, KMS_KEY, "a KMS key ID or ARN", False),
)  # fmt: skip
#: (path, minimum, maximum or None, required)
INT_RULES: tuple[tuple[tuple[str, ...], int, int | None, bool], ...] = (
    ((_H, "NumberOfHumanWorkersPerDataObject"), gt.WORKERS_PER_OBJECT_MIN, gt.WORKERS_PER_OBJECT_MAX, True),
    ((_H, "TaskTimeLimitInSeconds"), gt.TASK_TIME_LIMIT_MIN_SECONDS, gt.TASK_TIME_LIMIT_MAX_SECONDS, True),
    ((_H, "MaxConcurrentTaskCount"), gt.CONCURRENT_TASKS_MIN, gt.CONCURRENT_TASKS_MAX, False),
    ((_H, "PublicWorkforceTaskPrice", "AmountInUsd", "Dollars"), 0, 2, False),
    ((_H, "PublicWorkforceTaskPrice", "AmountInUsd", "Cents"), 0, 99, False),
    ((_H, "PublicWorkforceTaskPrice", "AmountInUsd", "TenthFractionsOfACent"), 0, 9, False),
    (("StoppingConditions", "MaxHumanLabeledObjectCount"), gt.HUMAN_LABELED_OBJECTS_MIN, None, False),
    (("StoppingConditions", "MaxPercentageOfInputDatasetLabeled"), gt.PERCENTAGE_LABELED_MIN,
     gt.PERCENTAGE_LABELED_MAX, False),
)  # fmt: skip


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


class _Check:
    """Collects ``"<path>: expected ...; received ..."`` lines."""

    def __init__(self, request: Mapping[str, Any]) -> None:
        self.request = request
        self.problems: list[str] = []

    def fail(self, path: str, expected: str, received: Any) -> None:
        self.problems.append(f"{path}: expected {expected}; received {received!r}")

    def text(self, path: tuple[str, ...], lo: int, hi: int, pattern: re.Pattern[str] | None, what: str,
             required: bool) -> None:  # fmt: skip
        value = _get(self.request, *path)
        if value is None and not required:
            return
        ok = (
            isinstance(value, str)
            and lo <= len(value) <= hi
            and (pattern is None or pattern.fullmatch(value))
        )
        if not ok:
            self.fail(".".join(path), f"{what} of {lo} to {hi} characters", value)

    def number(self, path: tuple[str, ...], lo: int, hi: int | None, required: bool) -> None:
        value = _get(self.request, *path)
        if value is None and not required:
            return
        ok = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and lo <= value <= (value if hi is None else hi)
        )
        if not ok:
            expected = f"an integer from {lo} to {hi}" if hi is not None else f"an integer >= {lo}"
            self.fail(".".join(path), expected, value)


def _task_spec(request: Mapping[str, Any]) -> TaskTypeSpec | None:
    pre = _get(request, _H, "PreHumanTaskLambdaArn")
    for spec in TASK_TYPES.values():
        if isinstance(pre, str) and pre.endswith(f":function:PRE-{spec.lambda_suffix}"):
            return spec
    return None


def _tag_text_ok(value: str) -> bool:
    # Python's re has no \p{L}/\p{Z}/\p{N}; unicodedata categories give the same classes.
    return all(c in "_.:/=+-@" or unicodedata.category(c)[0] in "LZN" for c in value)


def _check_task_type(c: _Check, spec: TaskTypeSpec | None) -> None:
    """PRE, ACS and algorithm of one task type; the label attribute's ``-metadata``/``-ref`` rules."""
    request = c.request
    if spec is None:
        c.fail(f"{_H}.PreHumanTaskLambdaArn", "the PRE- function of an auto-labeling task type",
               _get(request, _H, "PreHumanTaskLambdaArn"))  # fmt: skip
    acs = _get(request, _H, "AnnotationConsolidationConfig", "AnnotationConsolidationLambdaArn")
    if spec and isinstance(acs, str) and not acs.endswith(f":function:ACS-{spec.lambda_suffix}"):
        c.fail(f"{_H}.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn",
               f"the ACS-{spec.lambda_suffix} function matching PRE-{spec.lambda_suffix}", acs)  # fmt: skip
    algorithm = _get(request, _A, "LabelingJobAlgorithmSpecificationArn")
    if _A in request:
        if (
            not isinstance(algorithm, str)
            or not 1 <= len(algorithm) <= 2048
            or not ANY_ARN.fullmatch(algorithm)
        ):
            c.fail(f"{_A}.LabelingJobAlgorithmSpecificationArn", "an algorithm specification ARN", algorithm)
        elif spec and spec_for_algorithm_arn(algorithm) is not spec:
            c.fail(f"{_A}.LabelingJobAlgorithmSpecificationArn", f"the {spec.algorithm} algorithm", algorithm)
    lan = request.get("LabelAttributeName")
    problem = gt.label_attribute_problem(lan, spec) if isinstance(lan, str) else None
    if problem:
        c.fail("LabelAttributeName", problem, lan)


def _check_workforce(c: _Check) -> None:
    """Public crowd: a price, the PII classifier, a short task lifetime; other teams: no price, a long one."""
    team = _get(c.request, _H, "WorkteamArn")
    public = isinstance(team, str) and gt.PUBLIC_CROWD in team
    c.number((_H, "TaskAvailabilityLifetimeInSeconds"), gt.TASK_AVAILABILITY_MIN_SECONDS,
             gt.task_availability_max_seconds(public), required=False)  # fmt: skip
    amount = _get(c.request, _H, "PublicWorkforceTaskPrice")
    if public and not isinstance(_get(amount, "AmountInUsd"), Mapping):
        c.fail(f"{_H}.PublicWorkforceTaskPrice.AmountInUsd", "a price for the public workforce", amount)
    elif not public and amount is not None:
        c.fail(f"{_H}.PublicWorkforceTaskPrice", "no price for a private or vendor workteam", amount)
    classifiers = _get(c.request, "InputConfig", "DataAttributes", "ContentClassifiers")
    if public and (not isinstance(classifiers, Sequence) or gt.PII_CLASSIFIER not in classifiers):
        c.fail(
            "InputConfig.DataAttributes.ContentClassifiers",
            f"{gt.PII_CLASSIFIER} with the public workforce",
            classifiers,
        )


def _check_lists(c: _Check) -> None:
    """Keywords, the warm-start model ARN (never empty) and tags."""
    keywords = _get(c.request, _H, "TaskKeywords")
    if keywords is not None and (not isinstance(keywords, list) or not gt.task_keywords_ok(keywords)):
        c.fail(
            f"{_H}.TaskKeywords",
            f"1 to {gt.TASK_KEYWORDS_MAX} keywords of at most {gt.TASK_KEYWORD_MAX_LENGTH} letters, "
            "digits and single spaces",
            keywords,
        )
    if "InitialActiveLearningModelArn" in (c.request.get(_A) or {}):
        # Present means "warm start": an empty or null value is refused rather than sent (min length 20).
        c.text((_A, "InitialActiveLearningModelArn"), 20, 2048, MODEL_ARN, "a SageMaker model ARN", True)
    tags = c.request.get("Tags", [])
    if not isinstance(tags, list) or len(tags) > 50:
        c.fail("Tags", "a list of at most 50 tags", tags)
        return
    for i, tag in enumerate(tags):
        key, value = _get(tag, "Key"), _get(tag, "Value")
        if (
            not isinstance(key, str)
            or not 1 <= len(key) <= 128
            or not _tag_text_ok(key)
            or key.startswith("aws:")
        ):
            c.fail(
                f"Tags[{i}].Key", "1 to 128 letters, digits, spaces or _.:/=+-@, not starting with aws:", key
            )
        if not isinstance(value, str) or len(value) > 256 or not _tag_text_ok(value):
            c.fail(f"Tags[{i}].Value", "0 to 256 letters, digits, spaces or _.:/=+-@", value)


def validate_request(request: Mapping[str, Any]) -> list[str]:
    """Return every problem of a CreateLabelingJob request (an empty list when it is acceptable).

    Checks the ``max``, ``pattern`` and cross-field rules of ground-truth.md §2 (numbers in
    :mod:`.limits`): names, label attribute (``-metadata``, ``-ref`` per task type), S3 URIs,
    role/workteam/Lambda/model ARNs, PRE/ACS/algorithm of one task type, title/description/keywords,
    workers per object, task time, task lifetime (shorter for the public crowd), ``MaxConcurrentTaskCount``,
    price parts, stopping conditions and tags.
    Each problem reads ``"<member path>: expected <rule>; received <value>"``.
    """
    c = _Check(request)
    for path, lo, hi, pattern, what, required in TEXT_RULES:
        c.text(path, lo, hi, pattern, what, required)
    for int_path, low, high, needed in INT_RULES:
        c.number(int_path, low, high, needed)
    _check_task_type(c, _task_spec(request))
    _check_workforce(c)
    _check_lists(c)
    return c.problems
