"""The pipeline's CloudWatch metrics: names, dimensions and which values a finished job reports.

The handlers emit these with Powertools (embedded metric format) in the ``LabelChain`` namespace; the
stack's dashboard and alarms read the same names from here, so the two cannot drift apart. Powertools
adds the ``service`` dimension to every metric, so a metric is identified by ``{chain, service}`` (per
chain) or ``{service}`` alone (pipeline-wide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .items import JobSummary

#: ``POWERTOOLS_METRICS_NAMESPACE`` and ``POWERTOOLS_SERVICE_NAME`` of every function.
NAMESPACE = "LabelChain"
SERVICE = "labelchain"
CHAIN_DIMENSION = "chain"
SERVICE_DIMENSION = "service"

# Per chain (dimensions chain + service), one data point per labeling job.
JOBS_STARTED = "JobsStarted"
JOBS_COMPLETED = "JobsCompleted"
JOBS_FAILED = "JobsFailed"
MACHINE_LABELED_PERCENT = "MachineLabeledPercent"
ESTIMATED_COST_USD = "EstimatedCostUsd"
JOB_DURATION_SECONDS = "JobDurationSeconds"
EXECUTIONS_FAILED = "ExecutionsFailed"
COMPARISONS = "Comparisons"
WARM_START_COST_SAVING_PERCENT = "WarmStartCostSavingPercent"

# Pipeline-wide (dimension service only).
NOTIFICATIONS_FAILED = "NotificationsFailed"
STALLED_JOBS = "StalledJobs"
ACTIVE_JOBS = "ActiveJobs"

#: Record statuses that count as a failed job.
FAILED_STATUSES = ("FAILED", "STOPPED")


@dataclass(frozen=True)
class MetricDatum:
    """One value to emit: ``name``, Powertools ``unit`` (``Count``, ``Percent``, ``Seconds``, ``None``)."""

    name: str
    unit: str
    value: float


def count(name: str, value: int = 1) -> MetricDatum:
    """A ``Count`` datum (default 1)."""
    return MetricDatum(name, "Count", float(value))


def recorded_job_metrics(summary: Mapping[str, Any]) -> list[MetricDatum]:
    """The per-chain metrics of a job RecordJob has just recorded (a ``records.job_summary``).

    ``JobsCompleted`` (status ``COMPLETED``) or ``JobsFailed`` (``FAILED``/``STOPPED``), then the job's
    machine-labeled share, estimated total cost (``cost.totalUsd``, default 0) and elapsed seconds.
    """
    job = JobSummary.from_item(summary)
    status = str(job.status or "")
    data = []
    if status == "COMPLETED":
        data.append(count(JOBS_COMPLETED))
    elif status in FAILED_STATUSES:
        data.append(count(JOBS_FAILED))
    data += [
        MetricDatum(MACHINE_LABELED_PERCENT, "Percent", float(job.machine_percent or 0)),
        MetricDatum(ESTIMATED_COST_USD, "None", float(job.cost.total_usd or 0)),
        MetricDatum(JOB_DURATION_SECONDS, "Seconds", float(job.elapsed_seconds or 0)),
    ]
    return data
