"""The model-lineage diagram of a chain report (matplotlib, drawn on a given Axes)."""

from __future__ import annotations

from matplotlib.axes import Axes

from .data import ReportData
from .style import CONTROL, HUMAN, MACHINE


def lineage_chart(data: ReportData, ax: Axes) -> None:
    """Jobs as boxes in sequence order (controls below); an arrow for each model handed to a later job."""
    sequences = sorted({j.sequence for j in data.jobs})
    where = {
        j.name: (sequences.index(j.sequence) * 3.0, 0.0 if j.role == "main" else -1.6) for j in data.jobs
    }
    box = {"boxstyle": "round,pad=0.4", "facecolor": "#EEF2F8", "edgecolor": HUMAN}
    for job in data.jobs:
        x, y = where[job.name]
        text = f"#{job.sequence} {job.role}\n{job.status}\n{job.machine_percent:.1f}% machine"
        ax.text(x, y, text, ha="center", va="center", fontsize=8, bbox=box)
        if not job.initial_model_arn:
            ax.text(x, y - 0.75, "cold start", ha="center", fontsize=7, color=CONTROL)
    for row in data.lineage:
        target = where[row.job]
        if row.parent_job in where:
            source = where[row.parent_job]
            ax.annotate(
                "",
                xy=(target[0] - 0.6, target[1]),
                xytext=(source[0] + 0.6, source[1]),
                arrowprops={"arrowstyle": "->", "color": MACHINE, "lw": 1.5},
            )
            ax.text(
                (source[0] + target[0]) / 2,
                (source[1] + target[1]) / 2 + 0.35,
                row.initial_model or "",
                ha="center",
                fontsize=6,
                color=MACHINE,
            )
        elif row.initial_model:
            ax.annotate(
                f"model {row.initial_model}",
                xy=(target[0], target[1] + 0.45),
                xytext=(target[0], target[1] + 1.1),
                ha="center",
                fontsize=6,
                arrowprops={"arrowstyle": "->", "color": CONTROL},
            )
    ax.set(xlim=(-1.5, max(1, len(sequences) - 1) * 3.0 + 1.5), ylim=(-2.4, 1.6), title="Model lineage")
    ax.axis("off")
