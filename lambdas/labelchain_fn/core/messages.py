"""Notification messages (SNS): what an operator reads when a job is recorded, an execution fails, a warm
start is compared with its control, or a job stalls or is stopped.

Every message names the job(s), chain and status with the figures that matter (human/machine counts,
machine-labeled share, estimated cost, elapsed time, initial and final model) and ends with links to the
SageMaker and Step Functions console pages. Subjects fit the SNS limit; bodies are plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .cost import machine_percent
from .items import ComparisonRecord, Cost, JobRecord, JobSummary
from .message_format import (
    Message,
    aligned,
    fit_subject,
    format_count,
    format_duration,
    format_percent,
    format_usd,
    links,
)

__all__ = [
    "Message",
    "comparison_message",
    "execution_failed_message",
    "job_recorded_message",
    "job_stalled_message",
    "job_stopped_message",
]

#: Record status -> the word shown to people (Ground Truth's ``LabelingJobStatus`` vocabulary).
STATUS_WORDS = {
    "COMPLETED": "Completed",
    "FAILED": "Failed",
    "STOPPED": "Stopped",
    "IN_PROGRESS": "InProgress",
}
NO_MODEL = "none (cold start)"


def _status(status: str | None) -> str:
    return STATUS_WORDS.get(status or "", status or "unknown")


def _cost_line(cost: Cost) -> str:
    total = format_usd(cost.total_usd)
    parts = [
        f"{label} {format_usd(getattr(cost, part))}"
        for part, label in Cost.PARTS
        if getattr(cost, part) is not None
    ]
    return f"{total} ({', '.join(parts)})" if parts else total


def _figure_rows(summary: JobSummary) -> list[tuple[str, str]]:
    """Status, counts, share, cost, time and models of one job summary (``records.job_summary``)."""
    counters = summary.counters
    return [
        ("Status", _status(summary.status)),
        ("Human-labeled", format_count(counters.get("HumanLabeled"))),
        ("Machine-labeled", format_count(counters.get("MachineLabeled"))),
        ("Machine-labeled share", format_percent(summary.machine_percent)),
        ("Estimated cost", _cost_line(summary.cost)),
        ("Elapsed", format_duration(summary.elapsed_seconds)),
        ("Initial model", str(summary.initial_model_arn or NO_MODEL)),
        ("Final model", str(summary.final_model_arn or "none")),
    ]


def _job_line(summary: JobSummary) -> str:
    role = f", {summary.role}" if summary.role else ""
    sequence = f", job {summary.sequence}" if summary.sequence is not None else ""
    return f"{summary.labeling_job_name} (chain {summary.chain}{sequence}{role})"


def job_recorded_message(summary: Mapping[str, Any], *, region: str, execution_arn: str | None) -> Message:
    """RecordJob's message for a job summary (``records.job_summary``)."""
    job = JobSummary.from_item(summary)
    name, status = job.labeling_job_name, _status(job.status)
    subject = (
        f"labelchain: {name} {status} ({format_percent(job.machine_percent)} machine-labeled, "
        f"{format_usd(job.cost.total_usd)})"
    )
    head = "moved to this job's final model" if job.head_advanced else "unchanged"
    rows = [("Job", _job_line(job)), *_figure_rows(job), ("Chain head", head)]
    lines = [f"Labeling job {name} of chain {job.chain} ended: {status}.", "", *aligned(rows)]
    lines += links(region, labeling_jobs=[str(name)], execution_arn=execution_arn)
    return Message(fit_subject(subject), "\n".join(lines) + "\n")


def execution_failed_message(
    *,
    chain: str | None,
    error: str,
    cause: str,
    execution_arn: str,
    jobs: Sequence[Mapping[str, Any]],
    stopped: Sequence[str],
    region: str,
) -> Message:
    """RecordFailure's message. ``jobs`` are the job records the execution prepared (``labelingJobName``,
    ``role``, ``status``, ``warmStart``; a missing record is just ``{"labelingJobName"}``); ``stopped``
    names the labeling jobs stopped because nobody would record them."""
    records = [JobRecord.from_item(job) for job in jobs]
    names = [str(job.labeling_job_name) for job in records]
    subject = f"labelchain: {chain or 'execution'} failed: {error}" + (f" ({names[0]})" if names else "")
    rows = [("Chain", chain or "unknown"), ("Error", error), ("Cause", cause or "not given")]
    rows.append(("Execution", execution_arn or "unknown"))
    lines = [f"A labelchain execution of chain {chain or 'unknown'} failed with {error}.", "", *aligned(rows)]
    for job in records:
        name = str(job.labeling_job_name)
        job_rows = [
            ("Role", str(job.role or "unknown")),
            (
                "Status",
                str(job.status or "no record") + (" (labeling job stopped)" if name in stopped else ""),
            ),
            ("Initial model", str(job.initial_model_arn or NO_MODEL)),
        ]
        lines += ["", f"Labeling job {name}:", *aligned(job_rows, indent="  ")]
    lines += links(region, labeling_jobs=names, execution_arn=execution_arn or None)
    return Message(fit_subject(subject), "\n".join(lines) + "\n")


def comparison_message(comparison: Mapping[str, Any], *, region: str, execution_arn: str | None) -> Message:
    """CompareJobs' message: the warm-started job next to its cold control (a JSON-safe COMPARISON), or
    that the control failed (``controlFailed``) and nothing was compared."""
    record = ComparisonRecord.from_item(comparison)
    warm, control = record.warm_summary, record.control_summary
    chain = record.chain
    if record.control_failed:
        error = record.control_error
        subject = f"labelchain: {chain} control job failed ({error}); no comparison"
        lines = [f"The cold control job of chain {chain} failed ({error}); the warm-started job is recorded."]
    else:
        delta, saving, ratio = record.machine_percent_delta, record.cost_saving_percent, record.elapsed_ratio
        delta_text = "n/a" if delta is None else f"{float(delta):+.1f} points"
        saving_text = "n/a" if saving is None else f"{format_percent(saving)} of the control's cost"
        ratio_text = "n/a" if ratio is None else f"{ratio}x the control's time"
        subject = f"labelchain: {chain} warm start vs control: {delta_text} machine-labeled, " + (
            "cost n/a" if saving is None else f"{format_percent(saving)} cheaper"
        )
        lines = [f"Warm start compared with a cold control job on chain {chain}.", ""]
        lines += aligned(
            [
                ("Machine-labeled share", delta_text),
                ("Cost saving", saving_text),
                ("Elapsed", ratio_text),
            ]
        )
    for title, summary in (("Warm-started job", warm), ("Control job (cold start)", control)):
        lines += ["", f"{title} {summary.labeling_job_name}:", *aligned(_figure_rows(summary), "  ")]
    names = [str(s.labeling_job_name) for s in (warm, control) if s.labeling_job_name]
    lines += links(region, labeling_jobs=names, execution_arn=execution_arn)
    return Message(fit_subject(subject), "\n".join(lines) + "\n")


def _progress_rows(counters: Mapping[str, int]) -> list[tuple[str, str]]:
    human, machine = int(counters.get("HumanLabeled") or 0), int(counters.get("MachineLabeled") or 0)
    return [
        ("Human-labeled", format_count(human)),
        ("Machine-labeled", format_count(machine)),
        ("Machine-labeled share", format_percent(machine_percent(human, machine))),
        ("Unlabeled", format_count(counters.get("Unlabeled"))),
    ]


def job_stalled_message(
    job: Mapping[str, Any],
    *,
    counters: Mapping[str, int],
    stalled_after_minutes: int,
    region: str,
) -> Message:
    """The monitor's alert for a running job whose counters have not moved for ``stalled_after_minutes``.

    ``job`` is the JOB item (``labelingJobName``, ``chain``, ``executionArn``, ``lastProgressAt``,
    ``createdAt``, ``warmStart``)."""
    record = JobRecord.from_item(job)
    name = record.labeling_job_name
    since = record.progress_since or "unknown"
    rows = [
        ("Job", f"{name} (chain {record.chain})"),
        ("Status", "InProgress, no labeling progress"),
        ("Last progress", f"{since} (alert after {stalled_after_minutes} min without progress)"),
        *_progress_rows(counters),
        ("Initial model", str(record.initial_model_arn or NO_MODEL)),
    ]
    lines = [f"Labeling job {name} of chain {record.chain} has stalled.", "", *aligned(rows)]
    lines += ["", "Check the workforce (task price, availability) or stop the job."]
    lines += links(region, labeling_jobs=[str(name)], execution_arn=record.execution_arn)
    return Message(fit_subject(f"labelchain: {name} has stalled"), "\n".join(lines) + "\n")


def job_stopped_message(
    job: Mapping[str, Any], *, execution_status: str | None, counters: Mapping[str, int], region: str
) -> Message:
    """The monitor's notice that it stopped a labeling job whose execution ended (``execution_status``)."""
    record = JobRecord.from_item(job)
    name = record.labeling_job_name
    rows = [
        ("Job", f"{name} (chain {record.chain})"),
        ("Status", f"Stopping (the execution is {execution_status})"),
        *_progress_rows(counters),
    ]
    lines = [f"Labeling job {name} was stopped: its execution ended, so nobody would record it.", ""]
    lines += aligned(rows)
    lines += links(region, labeling_jobs=[str(name)], execution_arn=record.execution_arn)
    return Message(fit_subject(f"labelchain: stopped {name}"), "\n".join(lines) + "\n")
