"""The sweep's scenarios, the driver that runs them to the end in simulated time, and one run.

A run deploys the synthesized stack into a fresh :func:`~sandbox.mock.mock_sandbox` (as
``tests/reliability/conftest.py`` does; the boto3 clients are cached per process, the only shortcut),
installs an :class:`~tests.faults.injection.Injector` with the run's faults, plays the scenario, lets the
monitor settle, takes a :class:`~tests.faults.invariants.Snapshot` and checks it.

* ``main``: a good 1,250-line batch uploaded to ``incoming/birds/batch-0001.manifest`` (EventBridge starts
  the execution), and once that execution ended a second batch (``batch-0002``: warm start from the head);
* ``control``: a chain with a head (one batch, fault-free: faults are armed afterwards), then a console
  execution with ``"control": true`` (warm main and cold control job in a Parallel state, CompareJobs).

The driver advances simulated time only when the sandbox is quiet (no invocation running and nothing
happened for ``quiet`` seconds), first Ground Truth (jobs end, their events are delivered), then the
scheduled rules (the monitor), sampling I4 before each step.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import boto3
from labelchain_fn.adapters import settings as handler_settings

from sandbox import groundtruth
from sandbox.deploy import deploy
from sandbox.harness import REGION, Deployed, MockTarget, bind_handlers, manifest_lines
from sandbox.mock import mock_sandbox
from tests.faults.injection import Fault, Injector, Site, installed
from tests.faults.invariants import Snapshot, Upload, check, emf_documents, unguarded_jobs

SCENARIOS = ("main", "control")
CHAIN = "birds"
STEP_HOURS = 4.0  # simulated hours per step while executions run (a 1,250-object job takes ~6-9 h)
QUIET_SECONDS = 0.025  # real time without activity before the driver advances simulated time
MAX_PHASE_HOURS = 96.0  # an execution still running after this is reported (I4), not waited for
SETTLE_ROUNDS, SETTLE_HOURS = 3, 24.0

_CLIENTS: dict[str, Any] = {}


@dataclass
class CachedTarget(MockTarget):
    """:class:`~sandbox.harness.MockTarget` whose clients are built once per process (~50 ms each)."""

    def client(self, service: str, **kwargs: Any) -> Any:
        if kwargs:
            return super().client(service, **kwargs)
        if service not in _CLIENTS:
            _CLIENTS[service] = super().client(service)
        return _CLIENTS[service]


def deploy_fast(box: Any, assembly: Path | str) -> Deployed:
    """:func:`sandbox.harness.deploy_in_process` with cached clients."""
    target = CachedTarget(boto3.Session(region_name=REGION))
    result = deploy(target, assembly)  # type: ignore[arg-type]
    functions, handlers, environments = bind_handlers(box, target)
    return Deployed(box, target, result.outputs, functions, handlers, environments)


@dataclass
class RunSpec:
    """One run: a scenario and the faults injected into it (none: the baseline)."""

    run_id: str
    scenario: str
    faults: tuple[Fault, ...] = ()

    def describe(self) -> str:
        return "; ".join(str(f) for f in self.faults) or "no fault"


@dataclass
class RunResult:
    """What a run reports (JSON-able)."""

    run_id: str
    scenario: str
    faults: list[str]
    fired: list[str]
    outcome: str
    violations: list[str]
    seconds: float
    advances: int = 0
    monitor_errors: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)  # every call site reached (baselines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Driver:
    """Plays a scenario against a deployed stack and runs it to the end in simulated time."""

    def __init__(
        self,
        deployed: Deployed,
        injector: Injector,
        *,
        step_hours: float = STEP_HOURS,
        quiet: float = QUIET_SECONDS,
        max_phase_hours: float = MAX_PHASE_HOURS,
    ) -> None:
        self.deployed, self.injector = deployed, injector
        self.step_hours, self.quiet, self.max_phase_hours = step_hours, quiet, max_phase_hours
        self.sfn = deployed.client("stepfunctions")
        self.s3 = deployed.client("s3")
        self.sagemaker = deployed.client("sagemaker")
        self.uploads: list[Upload] = []
        self.samples: list[str] = []  # I4 violations seen before a step
        self.monitor_errors: list[str] = []
        self.advances, self.hours = 0, 0.0

    # --- inputs ------------------------------------------------------------------------------------
    def upload(self, key: str, prefix: str, *, console: bool = False) -> Upload:
        """Upload a good 1,250-line manifest to the input bucket; remembers the version."""
        bucket = self.deployed.input_bucket
        body = "\n".join(manifest_lines(1250, bucket, prefix)).encode()
        response = self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        self.injector.touch()
        upload = Upload(bucket, key, response.get("VersionId", ""), response["ETag"], console)
        self.uploads.append(upload)
        return upload

    def start_console(self, payload: dict[str, Any]) -> None:
        self.sfn.start_execution(
            stateMachineArn=self.deployed.outputs["StateMachineArn"], input=_json(payload)
        )
        self.injector.touch()

    # --- time --------------------------------------------------------------------------------------
    def executions(self) -> list[dict[str, Any]]:
        arn = self.deployed.outputs["StateMachineArn"]
        return list(self.sfn.list_executions(stateMachineArn=arn)["executions"])

    def sample(self) -> None:
        """I4: every labeling job Ground Truth runs now has a record in the ``active`` index."""
        jobs = self.sagemaker.list_labeling_jobs(MaxResults=100)["LabelingJobSummaryList"]
        if any(j["LabelingJobStatus"] not in ("Completed", "Failed", "Stopped") for j in jobs):
            for violation in unguarded_jobs(jobs, self.deployed.items()):
                if violation not in self.samples:
                    self.samples.append(violation)

    def advance(self, hours: float) -> None:
        """Sample I4, move Ground Truth ``hours`` on and let its events land, then fire due schedules; returns
        when the sandbox is quiet again. Call it only when the sandbox is quiet."""
        self.sample()
        before = self.injector.activity
        moment = groundtruth.advance(hours)
        self.injector.wait_quiet(self.quiet, unless_idle_since=before)
        before = self.injector.activity
        self.deployed.box.scheduler.tick(moment)
        self.injector.wait_quiet(self.quiet, unless_idle_since=before)
        self.advances, self.hours = self.advances + 1, self.hours + hours

    def run_until_ended(self, count: int) -> None:
        """Advance until ``count`` executions exist and none runs (at most ``max_phase_hours``)."""
        started = self.hours
        self.injector.wait_quiet(self.quiet)
        while True:
            executions = self.executions()
            if len(executions) >= count and all(e["status"] != "RUNNING" for e in executions):
                return
            if self.hours - started >= self.max_phase_hours:
                return
            self.advance(self.step_hours)

    def invoke_monitor(self) -> None:
        """Invoke the monitor as its schedule would; a failure (an injected fault) is noted, not raised."""
        response = self.deployed.client("lambda").invoke(
            FunctionName=self.deployed.functions["monitor"], Payload=b"{}"
        )
        body = response["Payload"].read()
        if "FunctionError" in response:
            error = _loads(body).get("errorType", "?") if body else "?"
            self.monitor_errors.append(str(error))
        self.injector.touch()

    def settle(self, rounds: int = SETTLE_ROUNDS, hours: float = SETTLE_HOURS) -> None:
        """Let the monitor settle: ``rounds`` x (advance ``hours``, invoke the monitor)."""
        for _ in range(rounds):
            self.advance(hours)
            self.invoke_monitor()
            self.injector.wait_quiet(self.quiet)

    # --- the end -----------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        names = [
            j["LabelingJobName"]
            for j in self.sagemaker.list_labeling_jobs(MaxResults=100)["LabelingJobSummaryList"]
        ]
        return Snapshot(
            uploads=list(self.uploads),
            items=self.deployed.items(),
            labeling_jobs={n: self.sagemaker.describe_labeling_job(LabelingJobName=n) for n in names},
            executions=[
                self.sfn.describe_execution(executionArn=e["executionArn"]) for e in self.executions()
            ],
            created=self.injector.created.copy(),
            metrics=emf_documents(self.injector.stdout.text()),
        )

    def stop_running(self) -> None:
        """Stop executions still running, so no interpreter thread outlives the run."""
        for execution in self.executions():
            if execution["status"] == "RUNNING":
                with contextlib.suppress(Exception):
                    self.sfn.stop_execution(executionArn=execution["executionArn"], error="FaultSweepCleanup")


def play_main(driver: Driver) -> None:
    """Two batches on one chain, the second uploaded once the first execution ended (a warm start)."""
    driver.upload(f"incoming/{CHAIN}/batch-0001.manifest", "images/b1")
    driver.run_until_ended(1)
    driver.upload(f"incoming/{CHAIN}/batch-0002.manifest", "images/b2")
    driver.run_until_ended(2)


def play_control(driver: Driver) -> None:
    """A chain with a head (one batch, played fault-free: no site is reached there), then a console execution
    with a control job: a Parallel state runs the warm main job and the cold control job, then CompareJobs."""
    with driver.injector.disarmed():
        driver.upload(f"incoming/{CHAIN}/batch-0001.manifest", "images/b1")
        driver.run_until_ended(1)
    upload = driver.upload("manual/with-control.manifest", "images/b2", console=True)
    driver.start_console({"chain": CHAIN, "manifest": f"s3://{upload.bucket}/{upload.key}", "control": True})
    driver.run_until_ended(2)


PLAYS: dict[str, Callable[[Driver], None]] = {"main": play_main, "control": play_control}


@contextlib.contextmanager
def quiet_process() -> Iterator[None]:
    """No log records and no warnings while a run goes (handlers log per call; it costs time)."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    hook = threading.excepthook
    threading.excepthook = lambda args: None  # a thread of a killed invocation may end with the fault
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        threading.excepthook = hook
        logging.disable(previous)


class Stack:
    """A sandbox with the stack deployed, reusable by many runs (:meth:`reset` between them).

    ``reset`` puts back what a run can change: executions (stopped, then forgotten), labeling jobs, models
    and scripted faults of the simulated Ground Truth, every table item, every object version written after
    the deployment; :meth:`verify_clean` proves it. Simulated time only moves on. A fresh sandbox per run
    (``reuse=False`` in :func:`run`) is the reference this is checked against.
    """

    def __init__(self, assembly: Path | str) -> None:
        self._exit = contextlib.ExitStack()
        self.box = self._exit.enter_context(mock_sandbox(seed=0))
        self.deployed = deploy_fast(self.box, assembly)
        self.deployed.client("s3").create_bucket(Bucket="shared-images")
        self.objects = self._object_versions()

    def close(self) -> None:
        self.box.registry.apply_environment = True
        self._exit.close()

    def _object_versions(self) -> set[tuple[str, str, str]]:
        s3, found = self.deployed.client("s3"), set()
        for bucket in s3.list_buckets()["Buckets"]:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket["Name"]):
                for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    found.add((bucket["Name"], version["Key"], version.get("VersionId") or "null"))
        return found

    def reset(self) -> None:
        from moto.stepfunctions.responses import get_backend

        from sandbox.groundtruth.state import existing_states

        arn = self.deployed.outputs["StateMachineArn"]
        sfn = self.deployed.client("stepfunctions")
        for execution in sfn.list_executions(stateMachineArn=arn)["executions"]:
            if execution["status"] == "RUNNING":
                with contextlib.suppress(Exception):
                    sfn.stop_execution(executionArn=execution["executionArn"], error="FaultSweepReset")
        parts = arn.split(":")
        get_backend(parts[4], parts[3]).describe_state_machine(arn).executions.clear()
        for backend, state in existing_states():
            with state.lock:
                state.jobs.clear()
                state.models.clear()
                state.faults.clear()
            backend._models.clear()
        dynamodb, table = self.deployed.client("dynamodb"), self.deployed.outputs["JobTableName"]
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk, sk"):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
        s3 = self.deployed.client("s3")
        for bucket, key, version in self._object_versions() - self.objects:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
        handler_settings.reset()

    def verify_clean(self) -> list[str]:
        """What a reset left behind (nothing, or the reuse is unsafe)."""
        left = [f"object {b}/{k}" for b, k, _v in self._object_versions() - self.objects]
        left += [f"item {i['pk']}" for i in self.deployed.items()]
        left += [f"execution {e['executionArn']}" for e in self.deployed.executions()]
        left += [f"labeling job {j['LabelingJobName']}" for j in self.deployed.labeling_jobs()]
        return left


@contextlib.contextmanager
def fast_moto() -> Iterator[None]:
    """moto's Step Functions interpreter builds a boto3 Lambda client for every task (~40 ms); build it once
    per region (the clients are stateless; moto intercepts their calls)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    real = lambda_eval_utils.boto_client_for
    cache: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if state_credentials is not None:
            return real(region, service, state_credentials)
        with lock:
            if (region, service) not in cache:
                cache[(region, service)] = real(region, service)
            return cache[(region, service)]

    lambda_eval_utils.boto_client_for = boto_client_for
    try:
        yield
    finally:
        lambda_eval_utils.boto_client_for = real


def run(spec: RunSpec, target: Path | str | Stack, **driver_options: Any) -> RunResult:
    """Play ``spec`` and check the invariants, in ``target`` (reset first) or in a fresh sandbox with the
    assembly ``target`` deployed."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(quiet_process())
        stack.enter_context(fast_moto())
        started = time.monotonic()
        if isinstance(target, Stack):
            target.reset()
            if left := target.verify_clean():
                raise RuntimeError(f"the reset left {len(left)} things behind: {left[:5]}")
            reused = target
        else:
            reused = Stack(target)
            stack.callback(reused.close)
        return _play(spec, reused.deployed, started, **driver_options)
    raise AssertionError("unreachable")  # pragma: no cover (mypy: ExitStack may swallow)


def _play(spec: RunSpec, deployed: Deployed, started: float, **driver_options: Any) -> RunResult:
    injector = Injector(spec.faults)
    driver = Driver(deployed, injector, **driver_options)
    violations: list[str] = []
    outcome = ""
    with installed(injector):
        injector.bind(deployed)
        try:
            PLAYS[spec.scenario](driver)
            driver.settle()
            snapshot = driver.snapshot()
            violations = driver.samples + check(snapshot)
            outcome = summarize(snapshot)
        except Exception as error:  # the harness itself failed: reported as a violation
            violations = [*driver.samples, f"I0 run did not complete: {type(error).__name__}: {error}"]
            outcome = "harness error"
        finally:
            driver.stop_running()
            injector.wait_quiet(driver.quiet, timeout=10)
    # The handlers' boto3 clients are kept (moto intercepts every client, whenever it was built; building
    # them again would cost ~0.5 s a run); their settings are parsed per call anyway.
    handler_settings.reset()
    return RunResult(
        run_id=spec.run_id,
        scenario=spec.scenario,
        faults=[str(f) for f in spec.faults],
        fired=[str(f) for f in injector.fired],
        outcome=outcome,
        violations=violations,
        seconds=round(time.monotonic() - started, 2),
        advances=driver.advances,
        monitor_errors=driver.monitor_errors,
        sites=[str(s) for s in sorted(injector.sites)],
    )


def summarize(snapshot: Snapshot) -> str:
    """Executions and labeling jobs in short form: ``exec S,F(LabelingJobFailed) jobs C,S``."""
    executions = ",".join(
        e["status"][0] + (f"({e['error']})" if e.get("error") else "")
        for e in sorted(snapshot.executions, key=lambda e: e["startDate"])
    )
    jobs = ",".join(
        f"{j['LabelingJobStatus'][:1]}{'c' if name.split('-')[-2].endswith('c') else ''}"
        for name, j in sorted(snapshot.labeling_jobs.items())
    )
    return f"exec {executions or '-'} jobs {jobs or '-'}"


def _json(data: Any) -> str:
    import json

    return json.dumps(data)


def _loads(body: bytes) -> dict[str, Any]:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


__all__ = ["PLAYS", "SCENARIOS", "Driver", "RunResult", "RunSpec", "Site", "run", "summarize"]
