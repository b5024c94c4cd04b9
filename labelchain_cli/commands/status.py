"""``labelchain status``: chains and their jobs, from the jobs table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from labelchain_fn.core.records import from_dynamo
from rich.table import Table

from ..aws import Aws
from ..chain_records import ChainRecords
from ..command import LabelChainCommand
from ..errors import CommandFailed
from ..output import console, print_json
from ..rows import JobRow, duration, job_row, lineage, model_name, sort_rows

_RUNNING = ("PENDING", "IN_PROGRESS")
_STATE_STYLE = {"COMPLETED": "green", "FAILED": "red", "STOPPED": "yellow", "IN_PROGRESS": "cyan"}


def chain_status(records: ChainRecords, head: dict[str, Any], now: str) -> dict[str, Any]:
    """``{"chain", "lastSequence", "headSequence", "headJobName", "headModelArn", "updatedAt", "jobs":
    [JobRow...], "failures"}`` of one chain; running jobs show the counters of their newest snapshot."""
    chain = str(head["chain"])
    rows = []
    for item in records.jobs(chain):
        running = item.get("status") in _RUNNING
        snapshot = records.store.last_snapshot(str(item["labelingJobName"])) if running else None
        rows.append(job_row(item, snapshot=snapshot, now=now))
    fields = ("lastSequence", "headSequence", "headJobName", "headModelArn", "updatedAt")
    return {
        "chain": chain,
        **from_dynamo({key: head.get(key) for key in fields}),
        "jobs": sort_rows(rows),
        "failures": len(records.failures(chain)),
    }


def _jobs_table(chain: str, rows: list[JobRow]) -> Table:
    table = Table(title=f"Jobs of chain {chain}")
    for column in ("Seq", "Role", "Job", "State", "Human", "Machine", "Machine %", "Cost USD", "Elapsed"):
        table.add_column(column, justify="right" if column not in ("Role", "Job", "State") else "left")
    table.add_column("Model lineage (initial → final)")
    for row in rows:
        style = _STATE_STYLE.get(row.status, "")
        table.add_row(
            str(row.sequence),
            row.role,
            row.name,
            f"[{style}]{row.status}[/]" if style else row.status,
            str(row.human),
            str(row.machine),
            f"{row.machine_percent:.1f}",
            f"{row.total_usd:.2f}",
            duration(row.elapsed_seconds),
            lineage(row),
        )
    return table


def _chains_table(chains: list[dict[str, Any]]) -> Table:
    table = Table("Chain", "Jobs", "Last sequence", "Head job", "Head model", "Failures", title="Chains")
    for chain in chains:
        table.add_row(
            chain["chain"],
            str(len(chain["jobs"])),
            str(chain.get("lastSequence") or 0),
            chain.get("headJobName") or "-",
            model_name(chain.get("headModelArn")),
            str(chain["failures"]),
        )
    return table


@click.command(cls=LabelChainCommand)
@click.option("--chain", help="Only this chain (default: every chain).")
@click.option("--json", "as_json", is_flag=True, help="Print the chains and their jobs as JSON.")
@click.pass_obj
def status(aws: Aws, chain: str | None, as_json: bool) -> None:
    """Show chains and their jobs: sequence, role, state, human/machine counts, machine %, cost, elapsed
    time and model lineage."""
    records = ChainRecords(aws.store())
    heads = records.chains()
    if chain is not None:
        heads = [head for head in heads if head["chain"] == chain]
        if not heads:
            raise CommandFailed(f"no records for chain {chain!r} (no batch was prepared for it yet)")
    now = datetime.now(UTC).isoformat()
    chains = [chain_status(records, head, now) for head in heads]
    if as_json:
        print_json(
            {"chains": [{**chain, "jobs": [row.to_dict() for row in chain["jobs"]]} for chain in chains]}
        )
        return
    out = console()
    if not chains:
        out.print("no chains recorded yet: prepare or upload a manifest first")
        return
    out.print(_chains_table(chains))
    for entry in chains:
        if entry["jobs"]:
            out.print(_jobs_table(entry["chain"], entry["jobs"]))
