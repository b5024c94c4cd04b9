"""DescribeLabelingJob and ListLabelingJobs shapes of a simulated job (botocore parses them strictly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .lifecycle import effective, last_modified
from .state import LabelingJob

_ECHOED = (
    "LabelAttributeName",
    "InputConfig",
    "OutputConfig",
    "RoleArn",
    "LabelCategoryConfigS3Uri",
    "StoppingConditions",
    "LabelingJobAlgorithmsConfig",
    "HumanTaskConfig",
    "Tags",
)


def _observed(job: LabelingJob, now: datetime) -> tuple[dict[str, int], datetime, str | None]:
    plan, _end = effective(job)
    hours = (now - job.created).total_seconds() / 3600.0
    counters = plan.counters_at(min(hours, plan.end_hours))
    reason = plan.failure_reason if job.status == "Failed" else None
    return counters, last_modified(job, hours), reason


def describe(job: LabelingJob, now: datetime) -> dict[str, Any]:
    """The ``DescribeLabelingJob`` response at ``now`` (call after refreshing the job)."""
    counters, modified, reason = _observed(job, now)
    response: dict[str, Any] = {
        "LabelingJobStatus": job.status,
        "LabelCounters": counters,
        "CreationTime": job.created,
        "LastModifiedTime": modified,
        "JobReferenceCode": job.reference_code,
        "LabelingJobName": job.name,
        "LabelingJobArn": job.arn,
    }
    response.update({key: job.request[key] for key in _ECHOED if key in job.request})
    if reason:
        response["FailureReason"] = reason
    if job.output:
        response["LabelingJobOutput"] = dict(job.output)
    return response


def summary(job: LabelingJob, now: datetime) -> dict[str, Any]:
    """One ``LabelingJobSummaryList`` entry."""
    counters, modified, reason = _observed(job, now)
    human = job.request["HumanTaskConfig"]
    entry: dict[str, Any] = {
        "LabelingJobName": job.name,
        "LabelingJobArn": job.arn,
        "CreationTime": job.created,
        "LastModifiedTime": modified,
        "LabelingJobStatus": job.status,
        "LabelCounters": counters,
        "WorkteamArn": human["WorkteamArn"],
        "InputConfig": job.request["InputConfig"],
    }
    if human.get("PreHumanTaskLambdaArn"):
        entry["PreHumanTaskLambdaArn"] = human["PreHumanTaskLambdaArn"]
    acs = human.get("AnnotationConsolidationConfig", {}).get("AnnotationConsolidationLambdaArn")
    if acs:
        entry["AnnotationConsolidationLambdaArn"] = acs
    if reason:
        entry["FailureReason"] = reason
    if job.output:
        entry["LabelingJobOutput"] = dict(job.output)
    return entry
