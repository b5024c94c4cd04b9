"""The data tables behind the report's charts (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..rows import JobRow, duration

if TYPE_CHECKING:
    from .data import ComparisonRow, LineageRow, ProgressPoint

PERCENT, USD, INT, TEXT, RATIO = "{:.1f}", "{:.2f}", "{:d}", "{}", "{:.2f}"


@dataclass(frozen=True)
class DataTable:
    """A titled table: column names, a format per column (``str.format`` spec) and rows of raw values."""

    title: str
    columns: tuple[str, ...]
    formats: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def formatted(self) -> list[list[str]]:
        """Rows as display text; ``None`` shows as ``-``."""
        return [
            [
                "-" if value is None else fmt.format(value)
                for fmt, value in zip(self.formats, row, strict=True)
            ]
            for row in self.rows
        ]

    def to_dict(self) -> dict[str, Any]:
        """``{"title", "columns", "rows"}`` with the raw values (for ``report-data.json``)."""
        return {"title": self.title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


#: Columns of the comparison table: heading, format, ``ComparisonRow`` attribute.
COMPARISON_COLUMNS = (
    ("Seq", INT, "sequence"),
    ("Warm job", TEXT, "warm_job"),
    ("Control job", TEXT, "control_job"),
    ("Warm machine %", PERCENT, "warm_machine_percent"),
    ("Control machine %", PERCENT, "control_machine_percent"),
    ("Delta (pp)", PERCENT, "machine_percent_delta"),
    ("Warm cost", USD, "warm_cost_usd"),
    ("Control cost", USD, "control_cost_usd"),
    ("Cost saving %", PERCENT, "cost_saving_percent"),
    ("Warm seconds", INT, "warm_elapsed_seconds"),
    ("Control seconds", INT, "control_elapsed_seconds"),
    ("Time ratio", RATIO, "elapsed_ratio"),
)


def _job_label(job: JobRow) -> tuple[int, str, str]:
    return job.sequence, job.role, job.name


def build_tables(
    jobs: Sequence[JobRow],
    comparisons: Sequence[ComparisonRow],
    progress: Mapping[str, Sequence[ProgressPoint]],
    lineage: Sequence[LineageRow],
) -> dict[str, DataTable]:
    """One table per chart: ``machine_percent``, ``cost``, ``elapsed``, ``comparison``, ``progress``,
    ``lineage``."""
    head = ("Seq", "Role", "Job")
    head_formats = (INT, TEXT, TEXT)
    return {
        "machine_percent": DataTable(
            "Machine-labeled share per job",
            (*head, "Human", "Machine", "Machine %"),
            (*head_formats, INT, INT, PERCENT),
            [(*_job_label(j), j.human, j.machine, j.machine_percent) for j in jobs],
        ),
        "cost": DataTable(
            "Estimated cost per job (USD)",
            (*head, "Workforce", "Per-object fee", "Compute", "Total"),
            (*head_formats, USD, USD, USD, USD),
            [(*_job_label(j), j.workforce_usd, j.fee_usd, j.compute_usd, j.total_usd) for j in jobs],
        ),
        "elapsed": DataTable(
            "Elapsed time per job",
            (*head, "Status", "Seconds", "Elapsed"),
            (*head_formats, TEXT, INT, TEXT),
            [(*_job_label(j), j.status, j.elapsed_seconds, duration(j.elapsed_seconds)) for j in jobs],
        ),
        "comparison": DataTable(
            "Warm start vs cold control",
            tuple(name for name, _, _ in COMPARISON_COLUMNS),
            tuple(fmt for _, fmt, _ in COMPARISON_COLUMNS),
            [tuple(getattr(c, attribute) for _, _, attribute in COMPARISON_COLUMNS) for c in comparisons],
        ),
        "progress": DataTable(
            "Progress snapshots",
            ("Job", "Seconds", "Elapsed", "Human", "Machine", "Labeled"),
            (TEXT, INT, TEXT, INT, INT, INT),
            [
                (name, p.seconds, duration(p.seconds), p.human, p.machine, p.labeled)
                for name, points in progress.items()
                for p in points
            ],
        ),
        "lineage": DataTable(
            "Model lineage",
            (*head, "Warm start", "Initial model", "From job", "Final model"),
            (*head_formats, TEXT, TEXT, TEXT, TEXT),
            [
                (r.sequence, r.role, r.job, r.policy, r.initial_model or "cold", r.parent_job, r.final_model)
                for r in lineage
            ],
        ),
    }
