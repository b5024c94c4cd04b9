"""Follow executions and their labeling jobs live: one stacked bar per job (human vs machine labels), read
from ``DescribeLabelingJob`` through the CLI's :class:`~labelchain_cli.job_watch.JobWatcher`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from labelchain_cli.errors import CommandFailed
from labelchain_cli.job_watch import JobWatcher

POLL_SECONDS = 0.25
HUMAN_STYLE, MACHINE_STYLE, UPLOAD_STYLE, EMPTY_STYLE = "dark_orange", "deep_sky_blue1", "green", "grey30"


class StackedBar(ProgressColumn):
    """A bar whose filled part is split into human (orange) and machine (blue) labels."""

    def __init__(self, width: int = 40) -> None:
        super().__init__()
        self.width = width

    def render(self, task: Task) -> Text:
        total = task.total or 1
        if "human" not in task.fields:  # a plain task (an upload): one colour
            done = round(self.width * task.completed / total)
            return Text("█" * done, style=UPLOAD_STYLE) + Text("━" * (self.width - done), style=EMPTY_STYLE)
        human = round(self.width * task.fields["human"] / total)
        machine = min(self.width - human, round(self.width * task.fields["machine"] / total))
        bar = Text("█" * human, style=HUMAN_STYLE)
        bar.append("█" * machine, style=MACHINE_STYLE)
        bar.append("━" * (self.width - human - machine), style=EMPTY_STYLE)
        return bar


@dataclass
class Followed:
    """An execution being followed and what was seen of its jobs.

    Attributes
    ----------
    execution_arn : the Step Functions execution.
    roles : the jobs it runs, by role, with their display label (``{"main": "Job 1 (cold)"}``).
    status : the execution's last status.
    jobs : the labeling-job name of each role, once Prepare wrote it.
    samples : per job name, ``(simulated hours since creation, human, machine)`` over time.
    """

    execution_arn: str
    roles: dict[str, str]
    status: str = "RUNNING"
    jobs: dict[str, str] = field(default_factory=dict)
    samples: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict)


@dataclass
class Background:
    """Work running in another thread next to the executions (an upload): ``done`` of ``total`` items."""

    label: str
    total: int
    done: int = 0
    finished: bool = False
    error: Exception | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def advance(self) -> None:
        """Count one item (thread-safe: the upload threads call it)."""
        with self._lock:
            self.done += 1


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _counts(human: int, machine: int) -> str:
    return f"[{HUMAN_STYLE}]{human:>5,} human[/]  [{MACHINE_STYLE}]{machine:>5,} machine[/]"


class ExecutionFollower:
    """Polls executions and their jobs until every execution has ended.

    Parameters
    ----------
    watcher : the CLI's job watcher (job names of an execution, DescribeLabelingJob).
    now : the sandbox's simulated time (for the elapsed time of running jobs).
    console : where the bars are drawn.
    """

    def __init__(self, watcher: JobWatcher, now: Callable[[], datetime], console: Console) -> None:
        self.watcher = watcher
        self.sfn = watcher.aws.client("stepfunctions")
        self.sagemaker = watcher.aws.client("sagemaker")
        self.now = now
        self.console = console

    def _job_name(self, progress: Progress, task: TaskID, followed: Followed, role: str) -> str | None:
        name = followed.jobs.get(role)
        if name is None:
            try:
                name = self.watcher.job_of_execution(followed.execution_arn, role)
            except CommandFailed as err:  # the execution ended without this job: say why on its row
                progress.update(task, status=f"[red]{err}")
                return None
            if name is not None:
                followed.jobs[role] = name
                progress.update(task, description=f"{followed.roles[role]}  {name}")
        return name

    def _update(self, progress: Progress, tasks: dict[tuple[str, str], TaskID], followed: Followed) -> None:
        for role in followed.roles:
            task = tasks[(followed.execution_arn, role)]
            name = self._job_name(progress, task, followed, role)
            if name is None:
                continue
            try:
                job = self.sagemaker.describe_labeling_job(LabelingJobName=name)
            except self.sagemaker.exceptions.ResourceNotFound:
                progress.update(task, status="Pending")
                continue
            counters = job.get("LabelCounters") or {}
            human, machine = int(counters.get("HumanLabeled", 0)), int(counters.get("MachineLabeled", 0))
            ended = job["LabelingJobStatus"] in ("Completed", "Failed", "Stopped")
            hours = _hours(job["CreationTime"], job["LastModifiedTime"] if ended else self.now())
            followed.samples.setdefault(name, []).append((round(hours, 3), human, machine))
            objects = human + machine + int(counters.get("Unlabeled", 0))
            progress.update(
                task,
                total=objects or None,  # None keeps the total while Ground Truth reports none
                completed=human + machine,
                human=human,
                machine=machine,
                counts=_counts(human, machine),
                clock=f"{hours:5.1f} h simulated",
                status=job["LabelingJobStatus"],
            )

    def follow(
        self, executions: Sequence[Followed], timeout_seconds: float, background: Sequence[Background] = ()
    ) -> None:
        """Draw the bars until every execution has left ``RUNNING`` and every background item finished;
        statuses land in ``executions``.

        Raises
        ------
        TimeoutError
            When an execution still runs after ``timeout_seconds``.
        """
        columns: list[Any] = [
            TextColumn("{task.description}", style="bold"),
            StackedBar(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("{task.fields[clock]}"),
            TextColumn("{task.fields[status]}"),
        ]
        deadline = time.monotonic() + timeout_seconds
        with Progress(*columns, console=self.console, refresh_per_second=8) as progress:
            tasks = {
                (f.execution_arn, role): progress.add_task(
                    label, total=1250, human=0, machine=0, counts=_counts(0, 0), clock="", status="Preparing"
                )
                for f in executions
                for role, label in f.roles.items()
            }
            side = {
                id(b): progress.add_task(b.label, total=b.total, counts="", clock="", status="")
                for b in background
            }
            while True:
                for item in background:
                    progress.update(
                        side[id(item)], completed=item.done, counts=f"{item.done:,} / {item.total:,}"
                    )
                for followed in executions:
                    if followed.status == "RUNNING":
                        self._update(progress, tasks, followed)
                        execution = self.sfn.describe_execution(executionArn=followed.execution_arn)
                        followed.status = execution["status"]
                        if followed.status != "RUNNING":
                            self._update(progress, tasks, followed)  # the final counters
                if all(f.status != "RUNNING" for f in executions) and all(b.finished for b in background):
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"executions still running after {timeout_seconds:.0f} s")
                time.sleep(POLL_SECONDS)
