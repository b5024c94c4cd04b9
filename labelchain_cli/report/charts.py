"""PNG charts of a chain report, drawn with matplotlib's Agg backend (no display, no pyplot state)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from ..rows import JobRow
from .data import ReportData
from .lineage import lineage_chart
from .style import COMPUTE, CONTROL, FEE, HUMAN, MACHINE

DPI = 110


def _label(job: JobRow) -> str:
    return f"#{job.sequence}" + (" control" if job.role == "control" else "")


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, format="png")
    return path


def _bar_values(ax: Axes, bars: BarContainer, fmt: str) -> None:
    ax.bar_label(bars, fmt=fmt, padding=2, fontsize=8)


def machine_percent_chart(data: ReportData, ax: Axes) -> None:
    colors = [CONTROL if j.role == "control" else MACHINE for j in data.jobs]
    bars = ax.bar([_label(j) for j in data.jobs], [j.machine_percent for j in data.jobs], color=colors)
    _bar_values(ax, bars, "%.1f%%")
    ax.set(
        ylabel="machine-labeled objects (%)",
        ylim=(0, 105),
        title=f"Machine-labeled share, chain {data.chain}",
    )


def cost_chart(data: ReportData, ax: Axes) -> None:
    labels = [_label(j) for j in data.jobs]
    workforce = [j.workforce_usd for j in data.jobs]
    fee = [j.fee_usd for j in data.jobs]
    compute = [j.compute_usd for j in data.jobs]
    ax.bar(labels, workforce, color=HUMAN, label="human workforce")
    ax.bar(labels, fee, bottom=workforce, color=FEE, label="per-object fee")
    if any(compute):
        ax.bar(
            labels,
            compute,
            bottom=[w + f for w, f in zip(workforce, fee, strict=True)],
            color=COMPUTE,
            label="auto-labeling compute",
        )
    for x, job in enumerate(data.jobs):
        ax.annotate(f"${job.total_usd:,.2f}", (x, job.total_usd), ha="center", va="bottom", fontsize=8)
    # Headroom above the tallest bar keeps the legend clear of the totals.
    ax.set(
        ylabel="USD (estimate)",
        title="Cost per job",
        ylim=(0, max(j.total_usd for j in data.jobs) * 1.3 or 1),
    )
    ax.legend(loc="upper center", ncol=3, fontsize=8)


def elapsed_chart(data: ReportData, ax: Axes) -> None:
    colors = [CONTROL if j.role == "control" else HUMAN for j in data.jobs]
    bars = ax.bar([_label(j) for j in data.jobs], [j.elapsed_seconds / 3600 for j in data.jobs], color=colors)
    _bar_values(ax, bars, "%.1f h")
    ax.set(ylabel="hours", title="Elapsed time per job")


def comparison_chart(data: ReportData, axes: Sequence[Axes]) -> None:
    labels = [f"#{c.sequence}" for c in data.comparisons]
    positions = range(len(labels))
    metrics = (
        (
            "machine-labeled %",
            [c.warm_machine_percent for c in data.comparisons],
            [c.control_machine_percent for c in data.comparisons],
        ),
        (
            "cost (USD)",
            [c.warm_cost_usd for c in data.comparisons],
            [c.control_cost_usd for c in data.comparisons],
        ),
        (
            "elapsed (h)",
            [c.warm_elapsed_seconds / 3600 for c in data.comparisons],
            [c.control_elapsed_seconds / 3600 for c in data.comparisons],
        ),
    )
    for ax, (title, warm, control) in zip(axes, metrics, strict=True):
        warm_bars = ax.bar([p - 0.2 for p in positions], warm, width=0.4, color=MACHINE, label="warm start")
        control_bars = ax.bar(
            [p + 0.2 for p in positions], control, width=0.4, color=CONTROL, label="cold control"
        )
        _bar_values(ax, warm_bars, "%.1f")
        _bar_values(ax, control_bars, "%.1f")
        ax.margins(y=0.15)
        ax.set_xticks(list(positions), labels)
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8, loc="lower left")


def time_unit(longest_seconds: int) -> tuple[str, int]:
    """The x-axis unit for a span: seconds under 3 minutes, minutes under 3 hours, else hours."""
    if longest_seconds < 180:
        return "seconds", 1
    return ("minutes", 60) if longest_seconds < 3 * 3600 else ("hours", 3600)


def progress_chart(data: ReportData, ax: Axes) -> None:
    unit, divisor = time_unit(max(p.seconds for points in data.progress.values() for p in points))
    for name, points in data.progress.items():
        times = [p.seconds / divisor for p in points]
        labeled = ax.plot(
            times, [p.labeled for p in points], marker="o", markersize=3, label=f"{name} labeled"
        )
        machine = [p.machine for p in points]
        ax.plot(times, machine, linestyle="--", color=labeled[0].get_color(), label=f"{name} machine")
    ax.set(xlabel=f"{unit} since job creation", ylabel="objects", title="Progress (monitor snapshots)")
    ax.legend(fontsize=7)


def _single(draw: Callable[[ReportData, Axes], None], size: tuple[float, float]) -> Callable[..., Path]:
    def render(data: ReportData, path: Path) -> Path:
        fig = Figure(figsize=size)
        draw(data, fig.add_subplot())
        return _save(fig, path)

    return render


def _comparison(data: ReportData, path: Path) -> Path:
    fig = Figure(figsize=(10, 3.8))
    comparison_chart(data, fig.subplots(1, 3))
    fig.suptitle("Warm start vs cold control")
    return _save(fig, path)


#: Chart file name and renderer, by data-table key; a chart is drawn only when its table has rows.
CHARTS: dict[str, tuple[str, Callable[..., Path]]] = {
    "machine_percent": ("machine-percent.png", _single(machine_percent_chart, (8, 4.5))),
    "cost": ("cost.png", _single(cost_chart, (8, 4.5))),
    "elapsed": ("elapsed.png", _single(elapsed_chart, (8, 4.5))),
    "comparison": ("warm-vs-control.png", _comparison),
    "progress": ("progress.png", _single(progress_chart, (9, 4.8))),
    "lineage": ("lineage.png", _single(lineage_chart, (9, 3.6))),
}


def draw_charts(data: ReportData, out_dir: Path) -> dict[str, Path]:
    """Write the PNGs into ``out_dir``; returns their paths by data-table key (charts without data are
    skipped)."""
    return {
        key: render(data, out_dir / file_name)
        for key, (file_name, render) in CHARTS.items()
        if data.tables[key].rows
    }
