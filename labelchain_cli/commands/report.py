"""``labelchain report``: an HTML page and PNG charts of one chain's jobs, comparisons and progress."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.progress import Progress

from ..aws import Aws
from ..chain_records import ChainRecords
from ..command import LabelChainCommand
from ..errors import CommandFailed
from ..output import console, print_json
from ..report.charts import draw_charts
from ..report.data import ReportData, build_report_data
from ..report.page import render_html

HTML_NAME = "index.html"
DATA_NAME = "report-data.json"


def load_report_data(records: ChainRecords, chain: str) -> ReportData:
    """Read the chain's jobs, comparisons and each job's snapshots, and shape them.

    Raises
    ------
    CommandFailed
        When the chain has no jobs.
    """
    jobs = records.jobs(chain)
    if not jobs:
        raise CommandFailed(f"no jobs recorded for chain {chain!r}")
    snapshots = {
        str(item["labelingJobName"]): records.snapshots(str(item["labelingJobName"])) for item in jobs
    }
    return build_report_data(chain, jobs, records.comparisons(chain), snapshots)


def write_report(data: ReportData, out: Path, generated_at: str) -> dict[str, Path]:
    """Write the PNGs, ``index.html`` and ``report-data.json`` into ``out``; returns every file by name."""
    out.mkdir(parents=True, exist_ok=True)
    charts = draw_charts(data, out)
    html = out / HTML_NAME
    html.write_text(render_html(data, charts, generated_at), encoding="utf-8")
    tables = {key: table.to_dict() for key, table in data.tables.items()}
    payload = {"chain": data.chain, "generatedAt": generated_at, "tables": tables}
    (out / DATA_NAME).write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return {HTML_NAME: html, DATA_NAME: out / DATA_NAME, **{path.name: path for path in charts.values()}}


@click.command(cls=LabelChainCommand)
@click.option("--chain", required=True, help="Chain to report on.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for index.html, report-data.json and the PNG charts.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@click.pass_obj
def report(aws: Aws, chain: str, out: Path, as_json: bool) -> None:
    """Write a self-contained HTML report of a chain with PNG charts: machine-labeled share, cost per job
    (workforce vs per-object fee), elapsed time, warm start vs control, progress curves and model lineage,
    each with the data table behind it."""
    with Progress(console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"reading chain {chain}", total=2)
        data = load_report_data(ChainRecords(aws.store()), chain)
        progress.update(task, advance=1, description="drawing charts")
        files = write_report(data, out, datetime.now(UTC).isoformat(timespec="seconds"))
        progress.advance(task)
    if as_json:
        print_json({"chain": chain, "files": {name: str(path) for name, path in files.items()}})
    else:
        console().print(
            f"report of chain {chain}: {files[HTML_NAME]} ({len(files) - 2} charts)", highlight=False
        )
