"""Job items of the jobs table as flat rows (pure), shared by ``status`` and ``report``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from labelchain_fn.core.cost import machine_percent
from labelchain_fn.core.items import Cost, JobRecord, Snapshot, WarmStartItem
from labelchain_fn.core.times import seconds_between

_MODEL_MARKER = ":model/"
#: JSON names of the row fields that differ from their plain camelCase (the API's counter vocabulary).
_JSON_NAMES = {
    "name": "labelingJobName",
    "human": "humanLabeled",
    "machine": "machineLabeled",
    "objects": "objectCount",
}


def camel_case(data: Mapping[str, Any], renames: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``data`` with snake_case keys in camelCase, like the table's attributes (``renames`` win)."""
    names = renames or {}

    def convert(key: str) -> str:
        head, *rest = key.split("_")
        return names.get(key) or head + "".join(part.title() for part in rest)

    return {convert(key): value for key, value in data.items()}


@dataclass(frozen=True)
class JobRow:
    """One labeling job as the operator sees it; amounts in USD, times in seconds."""

    sequence: int
    role: str
    name: str
    status: str
    human: int
    machine: int
    objects: int
    machine_percent: float
    fee_usd: float
    workforce_usd: float
    compute_usd: float
    total_usd: float
    elapsed_seconds: int
    warm_start_policy: str | None
    initial_model_arn: str | None
    final_model_arn: str | None
    created_at: str | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """camelCase JSON: ``labelingJobName``, ``humanLabeled``, ``machineLabeled``, ``objectCount``,
        ``machinePercent``, ``totalUsd``, ``elapsedSeconds``, ``initialModelArn``..."""
        return camel_case(asdict(self), _JSON_NAMES)


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0


def job_row(
    item: Mapping[str, Any], *, snapshot: Mapping[str, Any] | None = None, now: str | None = None
) -> JobRow:
    """The row of a JOB item.

    Parameters
    ----------
    item : the item as stored (Decimals or plain numbers).
    snapshot : default ``None``; the newest progress snapshot, whose counters stand in while the job runs
        (the job item gets its counters only when the job is recorded).
    now : default ``None``; ISO time used for the elapsed time of a job that has not been recorded.
    """
    job = JobRecord.from_item(item)
    counters = job.counters or (Snapshot.from_item(snapshot).counters if snapshot else None) or {}
    human, machine = int(counters.get("HumanLabeled", 0)), int(counters.get("MachineLabeled", 0))
    percent = job.machine_percent
    if percent is None:
        percent = machine_percent(human, machine)
    cost = job.cost or Cost()
    elapsed = job.elapsed_seconds
    if elapsed is None:
        elapsed = seconds_between(job.created_at, now) if now and job.created_at else 0
    warm = job.warm_start or WarmStartItem()
    return JobRow(
        sequence=job.sequence or 0,
        role=str(job.role or "main"),
        name=job.labeling_job_name,
        status=str(job.status or ""),
        human=human,
        machine=machine,
        objects=job.object_count or 0,
        machine_percent=_number(percent),
        fee_usd=_number(cost.fee_usd),
        workforce_usd=_number(cost.workforce_usd),
        compute_usd=_number(cost.compute_usd),
        total_usd=_number(cost.total_usd),
        elapsed_seconds=int(elapsed),
        warm_start_policy=warm.policy,
        initial_model_arn=warm.initial_model_arn,
        final_model_arn=job.final_model_arn,
        created_at=job.created_at,
        error=job.error,
    )


def sort_rows(rows: list[JobRow]) -> list[JobRow]:
    """Sequence order, the main job before its control."""
    return sorted(rows, key=lambda row: (row.sequence, row.role != "main", row.name))


def model_name(arn: str | None) -> str:
    """The model name of a SageMaker model ARN (the text after ``:model/``), ``-`` for none."""
    if not arn:
        return "-"
    return arn.split(_MODEL_MARKER, 1)[1] if _MODEL_MARKER in arn else arn


def duration(seconds: int) -> str:
    """``1h 05m``, ``12m 03s`` or ``42s``."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def lineage(row: JobRow) -> str:
    """``initial → final`` model names (``cold`` when the job started without a model)."""
    start = model_name(row.initial_model_arn) if row.initial_model_arn else "cold"
    return f"{start} → {model_name(row.final_model_arn)}"
