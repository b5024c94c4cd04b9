"""The numbers of a chain report (pure: items in, rows and tables out; no plotting, no I/O).

Every chart of the report is drawn from one :class:`DataTable` here, and the same table is printed under
the chart, so a reader can check each bar against its number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from labelchain_fn.core.items import ComparisonRecord, Snapshot
from labelchain_fn.core.times import seconds_between

from ..rows import JobRow, job_row, model_name, sort_rows
from .tables import DataTable, build_tables


@dataclass(frozen=True)
class ComparisonRow:
    """A warm-started job next to its cold control (a COMPARISON item)."""

    sequence: int
    warm_job: str
    control_job: str
    warm_machine_percent: float
    control_machine_percent: float
    machine_percent_delta: float
    warm_cost_usd: float
    control_cost_usd: float
    cost_saving_percent: float | None
    warm_elapsed_seconds: int
    control_elapsed_seconds: int
    elapsed_ratio: float | None


@dataclass(frozen=True)
class ProgressPoint:
    """Counters of one snapshot, ``seconds`` after the job was created."""

    seconds: int
    human: int
    machine: int

    @property
    def labeled(self) -> int:
        return self.human + self.machine


@dataclass(frozen=True)
class LineageRow:
    """Where a job's model came from and what it produced; ``parent_job`` made the initial model."""

    sequence: int
    role: str
    job: str
    policy: str | None
    initial_model: str | None
    parent_job: str | None
    final_model: str | None


@dataclass(frozen=True)
class ReportData:
    """Everything a chain report shows."""

    chain: str
    jobs: list[JobRow]
    comparisons: list[ComparisonRow]
    progress: dict[str, list[ProgressPoint]]
    lineage: list[LineageRow]
    tables: dict[str, DataTable] = field(default_factory=dict)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def comparison_row(item: Mapping[str, Any]) -> ComparisonRow:
    """The row of a COMPARISON item (its ``warm``/``control`` job summaries)."""
    comparison = ComparisonRecord.from_item(item)
    warm, control = comparison.warm_summary, comparison.control_summary
    return ComparisonRow(
        sequence=warm.sequence or 0,
        warm_job=str(warm.labeling_job_name or ""),
        control_job=str(control.labeling_job_name or ""),
        warm_machine_percent=float(warm.machine_percent or 0),
        control_machine_percent=float(control.machine_percent or 0),
        machine_percent_delta=float(comparison.machine_percent_delta or 0),
        warm_cost_usd=float(warm.cost.total_usd or 0),
        control_cost_usd=float(control.cost.total_usd or 0),
        cost_saving_percent=_float(comparison.cost_saving_percent),
        warm_elapsed_seconds=warm.elapsed_seconds or 0,
        control_elapsed_seconds=control.elapsed_seconds or 0,
        elapsed_ratio=_float(comparison.elapsed_ratio),
    )


def progress_points(job: JobRow, snapshots: Iterable[Mapping[str, Any]]) -> list[ProgressPoint]:
    """Snapshots as points in time order; time 0 is the job's creation (else the first snapshot)."""
    ordered = sorted((Snapshot.from_item(s) for s in snapshots), key=lambda s: s.at)
    if not ordered:
        return []
    start = job.created_at or ordered[0].at
    return [
        ProgressPoint(
            seconds=seconds_between(start, s.at),
            human=int(s.counters.get("HumanLabeled", 0)),
            machine=int(s.counters.get("MachineLabeled", 0)),
        )
        for s in ordered
    ]


def lineage_rows(jobs: Sequence[JobRow]) -> list[LineageRow]:
    """Each job's initial model, the job of this chain that produced it (if any), and its final model."""
    producers = {job.final_model_arn: job.name for job in jobs if job.final_model_arn}
    return [
        LineageRow(
            sequence=job.sequence,
            role=job.role,
            job=job.name,
            policy=job.warm_start_policy,
            initial_model=model_name(job.initial_model_arn) if job.initial_model_arn else None,
            parent_job=producers.get(job.initial_model_arn) if job.initial_model_arn else None,
            final_model=model_name(job.final_model_arn) if job.final_model_arn else None,
        )
        for job in jobs
    ]


def build_report_data(
    chain: str,
    job_items: Iterable[Mapping[str, Any]],
    comparison_items: Iterable[Mapping[str, Any]],
    snapshots: Mapping[str, Iterable[Mapping[str, Any]]],
) -> ReportData:
    """Shape a chain's records for the report.

    Parameters
    ----------
    job_items, comparison_items : JOB and COMPARISON items of the chain, as stored.
    snapshots : the SNAP# items of each job, by labeling-job name (missing jobs have no curve).
    """
    jobs = sort_rows([job_row(item) for item in job_items])
    comparisons = sorted((comparison_row(item) for item in comparison_items), key=lambda c: c.sequence)
    progress = {job.name: progress_points(job, snapshots.get(job.name, ())) for job in jobs}
    progress = {name: points for name, points in progress.items() if points}
    lineage = lineage_rows(jobs)
    return ReportData(
        chain, jobs, comparisons, progress, lineage, build_tables(jobs, comparisons, progress, lineage)
    )
