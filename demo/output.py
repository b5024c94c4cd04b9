"""What the demo shows and writes: the comparison tables, ``result.json`` and the chain report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from labelchain_cli.chain_records import ChainRecords
from labelchain_cli.commands.report import load_report_data, write_report
from labelchain_cli.rows import model_name

from .checks import Check
from .figures import BLOG, Deltas, DemoJob

#: The report chart to look at first: warm vs control, side by side.
SHOWCASE_PNG = "warm-vs-control.png"


def _blog(value: float, fmt: str) -> str:
    return f"[dim]({fmt.format(value)})[/]"


def jobs_table(jobs: Mapping[str, DemoJob]) -> Table:
    """Per job: counts, machine share, both prices and the simulated time, with the blog's in brackets."""
    table = Table(title="The blog experiment, replayed (blog figures in brackets)", title_justify="left")
    for column in ("Job", "Sequence", "Human", "Machine", "Machine %", "Cost, notebook prices"):
        table.add_column(column, justify="left" if column == "Job" else "right")
    table.add_column("Cost, 3 workers", justify="right")
    table.add_column("Elapsed (sim.)", justify="right")
    for key, job in jobs.items():
        blog = BLOG[key]
        table.add_row(
            job.label,
            f"{job.sequence}{'c' if job.role == 'control' else ''}",
            f"{job.human:,}",
            f"{job.machine:,}",
            f"{job.machine_percent:.1f} % {_blog(blog.machine_percent, '{:.1f} %')}",
            f"${job.notebook_usd:,.2f} {_blog(blog.notebook_usd, '${:,.2f}')}",
            f"${job.corrected_usd:,.2f} {_blog(blog.corrected_usd, '${:,.2f}')}",
            f"{job.elapsed_hours:.1f} h",
        )
    return table


def lineage_table(jobs: Mapping[str, DemoJob]) -> Table:
    """Job → initial model → final model."""
    table = Table(title="Model lineage", title_justify="left")
    for column in ("Job", "Labeling job", "Initial model", "Final model"):
        table.add_column(column)
    for job in jobs.values():
        table.add_row(
            job.label,
            job.labeling_job_name,
            model_name(job.initial_model_arn) if job.initial_model_arn else "[dim]none (cold start)[/]",
            model_name(job.final_model_arn),
        )
    return table


def deltas_table(delta: Deltas, recorded: Mapping[str, Any] | None) -> Table:
    """Warm vs control, next to the blog's and the pipeline's own COMPARISON record."""
    blog_points = BLOG["job2"].machine_percent - BLOG["control"].machine_percent
    blog_saving = 100 * (1 - BLOG["job2"].notebook_usd / BLOG["control"].notebook_usd)
    blog_corrected = 100 * (1 - BLOG["job2"].corrected_usd / BLOG["control"].corrected_usd)
    record = recorded or {}
    table = Table(title="Warm start vs control (same manifest)", title_justify="left")
    for column in ("Measure", "Demo", "Blog", "Pipeline record"):
        table.add_column(column, justify="left" if column == "Measure" else "right")
    table.add_row(
        "Machine-labeled share",
        f"{delta.machine_points:+.1f} points",
        f"{blog_points:+.1f} points",
        f"{float(record.get('machinePercentDelta', 0)):+.1f} points" if record else "-",
    )
    table.add_row(
        "Cost saving, notebook prices", f"{delta.notebook_saving_percent:.1f} %", f"{blog_saving:.1f} %", "-"
    )
    table.add_row(
        "Cost saving, 3 workers",
        f"{delta.corrected_saving_percent:.1f} %",
        f"{blog_corrected:.1f} %",
        f"{float(record['costSavingPercent']):.1f} %" if "costSavingPercent" in record else "-",
    )
    table.add_row(
        "Time, warm / control",
        f"{delta.time_ratio:.2f}",
        "≈ 0.50",
        f"{float(record['elapsedRatio']):.2f}" if "elapsedRatio" in record else "-",
    )
    return table


def checks_table(checks: list[Check]) -> Table:
    """One line per check, ✓ or ✗."""
    table = Table(title="Checks", title_justify="left", show_header=False)
    table.add_column("")
    table.add_column("Check")
    table.add_column("Detail")
    for check in checks:
        table.add_row("[green]✓[/]" if check.ok else "[red]✗[/]", check.name, check.detail)
    return table


def show(
    console: Console, jobs: Mapping[str, DemoJob], delta: Deltas, recorded: Any, checks: list[Check]
) -> None:
    """Print every table."""
    for table in (jobs_table(jobs), lineage_table(jobs), deltas_table(delta, recorded), checks_table(checks)):
        console.print()
        console.print(table)


def write_chain_report(records: ChainRecords, chain: str, out: Path) -> dict[str, Path]:
    """The CLI's chain report (``labelchain report``): ``index.html``, ``report-data.json`` and PNGs."""
    data = load_report_data(records, chain)
    return write_report(data, out, datetime.now(UTC).isoformat(timespec="seconds"))


def write_result(path: Path, result: Mapping[str, Any]) -> Path:
    """``result.json`` (indented, keys sorted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path
