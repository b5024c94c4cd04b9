"""The demo's one-picture summary: labels over simulated time (sampled from DescribeLabelingJob while the
jobs ran) and each job's machine-labeled share and cost next to the blog's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures import BLOG, DemoJob

COLORS = {"job1": "#4c72b0", "job2": "#dd8452", "control": "#8c8c8c"}
BLOG_COLOR = "#d9d9d9"
Samples = Sequence[tuple[float, int, int]]


def _progress(ax: Axes, jobs: Mapping[str, DemoJob], samples: Mapping[str, Samples]) -> None:
    for key, job in jobs.items():
        points = samples.get(job.labeling_job_name, [])
        if not points:
            continue
        hours = [p[0] for p in points]
        ax.plot(hours, [p[2] for p in points], color=COLORS[key], lw=2, label=f"{job.label}: machine")
        ax.plot(
            hours, [p[1] for p in points], color=COLORS[key], lw=1.2, ls="--", label=f"{job.label}: human"
        )
    ax.set(title="Labels over time", xlabel="simulated hours since job creation", ylabel="objects labeled")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)


def _paired_bars(
    ax: Axes, jobs: Mapping[str, DemoJob], demo: list[float], blog: list[float], fmt: str
) -> None:
    positions = range(len(jobs))
    ours = ax.bar(
        [p - 0.2 for p in positions], demo, 0.4, color=[COLORS[k] for k in jobs], label="demo (sandbox)"
    )
    theirs = ax.bar([p + 0.2 for p in positions], blog, 0.4, color=BLOG_COLOR, label="AWS blog")
    ax.bar_label(ours, fmt=fmt, fontsize=7, padding=2)
    ax.bar_label(theirs, fmt=fmt, fontsize=7, padding=2)
    ax.set_xticks(list(positions), [job.label.replace(" (", "\n(") for job in jobs.values()], fontsize=8)
    ax.set_ylim(0, 1.3 * max([*demo, *blog]))  # head room for the legend above the bars
    ax.legend(fontsize=7, loc="upper right", ncols=2)


def draw_summary(jobs: Mapping[str, DemoJob], samples: Mapping[str, Samples], path: Path) -> Path:
    """Write the three-panel summary PNG to ``path``; returns it."""
    fig = Figure(figsize=(13, 4.4))
    FigureCanvasAgg(fig)
    progress, share, cost = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.4, 1, 1]})
    _progress(progress, jobs, samples)
    _paired_bars(
        share,
        jobs,
        [job.machine_percent for job in jobs.values()],
        [BLOG[key].machine_percent for key in jobs],
        "%.1f",
    )
    share.set(title="Machine-labeled share (%)")
    _paired_bars(
        cost,
        jobs,
        [job.notebook_usd for job in jobs.values()],
        [BLOG[key].notebook_usd for key in jobs],
        "$%.0f",
    )
    cost.set(title="Cost at the notebook's prices (USD)")
    fig.suptitle("labelchain offline demo: a warm-started job vs cold starts (the AWS blog's experiment)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format="png")
    return path
