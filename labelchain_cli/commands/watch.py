"""``labelchain watch``: follow one job until it ends, with a progress bar of human and machine labels."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import click
from labelchain_fn.core.cost import machine_percent
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..aws import Aws
from ..command import LabelChainCommand
from ..errors import CommandFailed
from ..job_watch import JobWatcher, Observation
from ..output import console, print_json

#: ``LabelingJobName`` as SageMaker defines it.
LABELING_JOB_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
#: A standard workflow's execution ARN (the pipeline's state machine is a standard one).
EXECUTION_ARN = re.compile(r"arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]+:[^:\s]+")


def _resolve(
    watcher: JobWatcher, execution_arn: str, role: str, interval: float, deadline: float | None
) -> str:
    with console(stderr=True).status(f"waiting for {execution_arn} to prepare its {role} job"):
        while True:
            name = watcher.job_of_execution(execution_arn, role)
            if name is not None:
                return name
            _pause(interval, deadline, "the execution to prepare its job")


def _pause(interval: float, deadline: float | None, what: str) -> None:
    if deadline is not None and time.monotonic() + interval > deadline:
        raise CommandFailed(f"timed out waiting for {what}")
    time.sleep(interval)


def _follow(watcher: JobWatcher, name: str, interval: float, deadline: float | None) -> Observation:
    # The first look comes before any progress bar, so a job that does not exist fails on one line.
    seen = watcher.observe(name)
    if seen.terminal:
        return seen
    columns = (
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(stderr=True)) as progress:
        human = progress.add_task("human", total=None, status="")
        machine = progress.add_task("machine", total=None, status="")
        while True:
            total = seen.objects or None
            state = seen.status if seen.recorded else f"{seen.status}, recording"
            progress.update(human, completed=seen.human, total=total, status=state)
            progress.update(machine, completed=seen.machine, total=total, status=f"via {seen.source}")
            if seen.terminal:
                return seen
            _pause(interval, deadline, f"{name} to end (last status {seen.status})")
            seen = watcher.observe(name)


def _checked(pattern: re.Pattern[str], expected: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback refusing a value that does not match ``pattern`` (a usage error naming it) before
    botocore sees it."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and not pattern.fullmatch(value):
            raise click.BadParameter(f"expected {expected}; received {value!r}", ctx, param)
        return value

    return check


@click.command(cls=LabelChainCommand)
@click.option(
    "--job",
    "job_name",
    callback=_checked(LABELING_JOB_NAME, "a labeling job name (1-63 letters, digits and hyphens)"),
    help="Labeling job name.",
)
@click.option(
    "--execution-arn",
    callback=_checked(
        EXECUTION_ARN,
        "a Step Functions execution ARN, arn:aws:states:<region>:<account>:execution:<state machine>:<name>",
    ),
    help="Execution started by an upload or `labelchain start`.",
)
@click.option(
    "--role",
    type=click.Choice(["main", "control"]),
    default="main",
    show_default=True,
    help="Which job of the execution to follow.",
)
@click.option(
    "--interval", type=click.FloatRange(min=0), default=30.0, show_default=True, help="Seconds between polls."
)
@click.option("--timeout", type=click.FloatRange(min=0), help="Give up (exit 1) after this many seconds.")
@click.option(
    "--from-record",
    is_flag=True,
    help="Read the job record and the monitor's snapshots instead of DescribeLabelingJob.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the final state as JSON.")
@click.pass_obj
def watch(
    aws: Aws,
    job_name: str | None,
    execution_arn: str | None,
    role: str,
    interval: float,
    timeout: float | None,
    from_record: bool,
    as_json: bool,
) -> None:
    """Follow a labeling job until it ends: exit 0 when Completed, 1 when Failed or Stopped."""
    if (job_name is None) == (execution_arn is None):
        raise click.UsageError("give exactly one of --job and --execution-arn")
    deadline = time.monotonic() + timeout if timeout is not None else None
    watcher = JobWatcher(aws, from_record=from_record)
    name = job_name or _resolve(watcher, str(execution_arn), role, interval, deadline)
    final = _follow(watcher, name, interval, deadline)
    if as_json:
        print_json(final.to_dict())
    else:
        share = machine_percent(final.human, final.machine)
        console().print(
            f"{name} {final.status}: {final.human} human, {final.machine} machine ({share}% machine)"
            + (f" — {final.failure_reason}" if final.failure_reason else ""),
            highlight=False,
        )
    if final.status != "Completed":
        raise CommandFailed(
            f"labeling job {name} {final.status}"
            + (f": {final.failure_reason}" if final.failure_reason else "")
        )
