"""The demo's steps against a running sandbox: deploy, upload, the two batches, read the records back."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from botocore.config import Config
from labelchain_fn.core.record_keys import from_dynamo
from rich.console import Console
from rich.progress import Progress

from labelchain_cli.aws import Aws, AwsOptions
from labelchain_cli.chain_records import ChainRecords
from labelchain_cli.commands.start import console_input, execution_name
from labelchain_cli.job_watch import JobWatcher
from sandbox.deploy import DeployResult, deploy
from sandbox.groundtruth.config import BLOG_SECOND_HALF_DIFFICULTY
from sandbox.server import Sandbox

from .dataset import (
    DATASET_PREFIX,
    UPLOAD_THREADS,
    Half,
    count_objects,
    plan_halves,
    upload_images,
    upload_in_background,
)
from .figures import DemoJob, demo_job
from .output import write_chain_report
from .progress import Background, ExecutionFollower, Followed
from .synth import synthesize

#: Real seconds a batch may take before the demo gives up (a job takes about 9 simulated hours).
BATCH_TIMEOUT_SECONDS = 300.0
SERVICES = ("cloudformation", "dynamodb", "s3", "sagemaker", "ssm", "stepfunctions")
T = TypeVar("T")


class DemoError(RuntimeError):
    """A demo step found the pipeline in a state it should not be in."""


class DemoRun:
    """One demo against ``sandbox``; ``timings`` receives the real seconds of each step."""

    def __init__(self, sandbox: Sandbox, chain: str, console: Console, timings: dict[str, float]) -> None:
        self.sandbox = sandbox
        self.chain = chain
        self.console = console
        self.timings = timings
        self.stack: DeployResult
        self.aws: Aws

    @contextmanager
    def step(self, name: str, text: str) -> Iterator[None]:
        """Announce a step and time it."""
        self.console.print(f"[bold]•[/] {text}")
        started = time.monotonic()
        yield
        self.timings[name] = round(time.monotonic() - started, 1)

    def deploy(self, cdk_out: Path) -> None:
        """Deploy the cloud assembly (synthesized first when missing); check that the chain exists."""
        if not (cdk_out / "manifest.json").exists():
            with self.step("synth", f"Synthesizing the app into {cdk_out} (no cloud assembly yet)"):
                synthesize(cdk_out)
        with self.step("deploy", f"Deploying {cdk_out} into the sandbox at {self.sandbox.endpoint_url}"):
            self.stack = deploy(self.sandbox, cdk_out)
            self.console.print(f"  {self.stack.stack_name}: {self.stack.summary()}")
        options = AwsOptions(
            stack_name=self.stack.stack_name,
            endpoint_url=self.sandbox.endpoint_url,
            region=self.sandbox.settings.region,
        )
        self.aws = Aws(options, {name: self.sandbox.client(name) for name in SERVICES})
        self.aws.check_chain(self.chain)

    def prepare_dataset(self, manifests_dir: Path) -> tuple[Half, Half]:
        """Plan both halves, declare the second one easier (the calibrated difficulty), write both manifests
        to ``manifests_dir``."""
        halves = plan_halves(self.aws.input_bucket)
        rule = {"pattern": halves[1].source_glob, "difficulty": BLOG_SECOND_HALF_DIFFICULTY}
        _post(f"{self.sandbox.endpoint_url}/_sandbox/difficulty", rule)
        self.console.print(
            f"  dataset: 2 x {len(halves[0].keys):,} generated PNG images under "
            f"s3://{halves[0].bucket}/{DATASET_PREFIX}/; half 2 is easier (difficulty "
            f"{BLOG_SECOND_HALF_DIFFICULTY}, as calibrated)"
        )
        manifests_dir.mkdir(parents=True, exist_ok=True)
        for half in halves:
            (manifests_dir / f"batch-{half.number:04d}.manifest").write_bytes(half.manifest())
        return halves

    def _uploader(self) -> Any:
        return self.sandbox.client(
            "s3", config=Config(max_pool_connections=UPLOAD_THREADS * 2, retries={"mode": "standard"})
        )

    def upload(self, half: Half, seed: int) -> None:
        """Upload the images of ``half`` with a progress bar."""
        with (
            self.step(
                f"upload{half.number}", f"Uploading the {len(half.keys):,} images of half {half.number}"
            ),
            # Off the terminal (make demo in a log) the bar would only leave a blank line behind.
            Progress(console=self.console, transient=True, disable=not self.console.is_terminal) as progress,
        ):
            task = progress.add_task(f"half {half.number}", total=len(half.keys))
            upload_images(self._uploader(), half, seed, lambda: progress.advance(task))

    def check_uploaded(self, halves: Sequence[Half]) -> None:
        """Every image of ``halves`` exists in the bucket."""
        expected = sum(len(half.keys) for half in halves)
        landed = count_objects(self.aws.client("s3"), halves[0].bucket, [half.prefix for half in halves])
        if landed != expected:
            raise DemoError(f"{landed} of {expected} images landed in the input bucket")

    def _follow(self, followed: Followed, background: Sequence[Background] = ()) -> Followed:
        watcher = JobWatcher(self.aws)
        follower = ExecutionFollower(watcher, self.sandbox.clock.now, self.console)
        follower.follow([followed], BATCH_TIMEOUT_SECONDS, background)
        return followed

    def run_batch_1(self, half: Half, next_half: Half, seed: int) -> Followed:
        """Upload batch 1 under ``incoming/<chain>/``: EventBridge starts the execution (job 1, cold).

        The images of ``next_half`` upload meanwhile, as a next batch arrives while the first is labeled.
        """
        key = f"incoming/{self.chain}/batch-0001.manifest"
        sfn = self.aws.client("stepfunctions")
        with self.step("batch1", f"Batch 1: uploading s3://{half.bucket}/{key} (job 1 starts cold)"):
            self.aws.client("s3").put_object(Bucket=half.bucket, Key=key, Body=half.manifest())

            def started() -> str | None:
                executions = sfn.list_executions(stateMachineArn=self.aws.state_machine_arn)["executions"]
                return str(executions[0]["executionArn"]) if executions else None

            arn = _wait_for(started, 30, "no execution started for the upload")
            upload, thread = upload_in_background(self._uploader(), next_half, seed)
            followed = self._follow(Followed(arn, {"main": "Job 1 (cold)"}), [upload])
            thread.join()
            if upload.error is not None:
                raise DemoError(f"uploading half {next_half.number} failed: {upload.error}")
        return followed

    def run_batch_2(self, half: Half) -> Followed:
        """Start batch 2 from the console input with a control job (job 2 warm + control cold)."""
        key = f"{DATASET_PREFIX}/manifests/batch-0002.manifest"
        self.aws.client("s3").put_object(Bucket=half.bucket, Key=key, Body=half.manifest())
        data = console_input(self.chain, f"s3://{half.bucket}/{key}", None, True)
        with self.step("batch2", f"Batch 2: StartExecution {json.dumps(data)}"):
            arn = self.aws.client("stepfunctions").start_execution(
                stateMachineArn=self.aws.state_machine_arn,
                name=execution_name(self.chain),
                input=json.dumps(data),
            )["executionArn"]
            return self._follow(Followed(arn, {"main": "Job 2 (warm)", "control": "Control (cold)"}))

    def collect(self) -> tuple[dict[str, DemoJob], str | None, dict[str, Any] | None]:
        """The three jobs (``job1``, ``job2``, ``control``), the chain head's model and the COMPARISON."""
        records = ChainRecords(self.aws.store())
        items = {(int(i["sequence"]), str(i.get("role", "main"))): i for i in records.jobs(self.chain)}
        wanted = {"job1": (1, "main"), "job2": (2, "main"), "control": (2, "control")}
        missing = [key for key, at in wanted.items() if at not in items]
        if missing:
            raise DemoError(f"no job record for {', '.join(missing)}")
        jobs = {key: demo_job(key, items[at]) for key, at in wanted.items()}
        head = self.aws.store().get_head(self.chain) or {}
        comparisons = records.comparisons(self.chain)
        recorded = from_dynamo(dict(comparisons[0])) if comparisons else None
        return jobs, head.get("headModelArn"), recorded

    def report(self, out: Path) -> dict[str, Path]:
        """The CLI's chain report into ``out``."""
        with self.step("report", f"Writing the chain report to {out}/"):
            return write_chain_report(ChainRecords(self.aws.store()), self.chain, out)


def _post(url: str, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def _wait_for(probe: Callable[[], T | None], timeout: float, message: str) -> T:
    deadline = time.monotonic() + timeout
    while (value := probe()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(message)
        time.sleep(0.2)
    return value
