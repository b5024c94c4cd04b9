"""The deployed stack in a local sandbox, shared by the sandbox benchmarks.

``deployed_sandbox()`` starts a :class:`~sandbox.server.Sandbox` in this process, deploys ``cdk.out`` and
yields a :class:`Deployment`; the helpers upload batches, wait for executions and count their history.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer

import sandbox.groundtruth as gt
from sandbox.deploy import deploy
from sandbox.patches import events_targets
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings

ROOT = Path(__file__).resolve().parents[1]
CDK_OUT = ROOT / "cdk.out"
#: The Standard-workflow execution history quota (events per execution).
HISTORY_EVENT_CAP = 25_000
T = TypeVar("T")


@dataclass
class Deployment:
    """A sandbox with the stack deployed: clients, stack outputs and the first chain's settings."""

    sandbox: Sandbox
    outputs: dict[str, str]
    chain: str
    source_key: str

    def client(self, service: str) -> Any:
        """A boto3 client bound to the sandbox."""
        return self.sandbox.client(service)


def fast_workforce() -> None:
    """Make the simulated workforce and training near-instant, so a job lasts only its delay fault."""
    gt.configure(
        timing=gt.TimingConstants(
            human_batch_overhead=1e-6, human_objects_per_hour=1e9, training=1e-6, inference=1e-6
        )
    )


@contextmanager
def deployed_sandbox(
    ms_per_simulated_hour: float = 100.0, *, cold_starts: bool = False
) -> Iterator[Deployment]:
    """Start a sandbox (seed 0, handlers in subprocesses: warm processes per function, or a fresh one per
    invocation with ``cold_starts``), deploy ``cdk.out`` and yield it."""
    if not (CDK_OUT / "manifest.json").exists():
        raise SystemExit("cdk.out is missing: run `make synth` first")
    settings = SandboxSettings(ms_per_simulated_hour=ms_per_simulated_hour, seed=0, cold_starts=cold_starts)
    with Sandbox(settings) as box:
        box.reset()  # moto's backends are per process: a second sandbox in one run starts empty too
        outputs = deploy(box, CDK_OUT).outputs
        parameter = box.client("ssm").get_parameter(Name=outputs["ChainsParameterName"])
        chain, settings = next(iter(json.loads(parameter["Parameter"]["Value"])["chains"].items()))
        task_type = settings.get("taskType", settings.get("task_type"))
        source_key = "source" if task_type == "TextClassification" else "source-ref"
        yield Deployment(box, outputs, chain, source_key)


def upload_batch(env: Deployment, batch: int, objects: int = 1250) -> str:
    """Upload ``incoming/<chain>/batch-<n>.manifest`` (``objects`` lines); returns its key."""
    bucket = env.outputs["InputBucketName"]
    lines = (
        json.dumps(
            {env.source_key: f"s3://{bucket}/images/{env.chain}/b{batch}/img-{i:05d}.jpg"}
            if env.source_key == "source-ref"
            else {env.source_key: f"text {batch} {i}"}
        )
        for i in range(objects)
    )
    key = f"incoming/{env.chain}/batch-{batch:04d}.manifest"
    env.client("s3").put_object(Bucket=bucket, Key=key, Body="\n".join(lines).encode())
    return key


def wait_for(predicate: Callable[[], T | None], timeout: float, interval: float = 0.05) -> T:
    """Poll ``predicate`` until it returns something truthy; ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"condition not met within {timeout} s")


def finished_executions(env: Deployment, count: int, timeout: float) -> list[dict[str, Any]]:
    """Wait until the state machine has ``count`` executions, none RUNNING; returns them (newest first)."""
    sfn = env.client("stepfunctions")

    def done() -> list[dict[str, Any]] | None:
        executions = sfn.list_executions(stateMachineArn=env.outputs["StateMachineArn"])["executions"]
        finished = len(executions) >= count and all(e["status"] != "RUNNING" for e in executions)
        return executions if finished else None

    return wait_for(done, timeout)


def history(env: Deployment, execution_arn: str) -> list[dict[str, Any]]:
    """Every history event of an execution (moto returns them all in one page)."""
    return list(env.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"])


def count_history(events: list[dict[str, Any]]) -> dict[str, int]:
    """Events, state transitions (``*StateEntered``) and Lambda invocations of one execution history."""
    transitions = sum(1 for e in events if e["type"].endswith("StateEntered"))
    lambdas = sum(
        1
        for e in events
        if e["type"] == "LambdaFunctionScheduled"
        or (e["type"] == "TaskScheduled" and e["taskScheduledEventDetails"]["resourceType"] == "lambda")
    )
    service_calls = sum(
        1
        for e in events
        if e["type"] == "TaskScheduled" and e["taskScheduledEventDetails"]["resourceType"] != "lambda"
    )
    return {"events": len(events), "transitions": transitions, "lambdas": lambdas, "sdkCalls": service_calls}


def job_items(env: Deployment) -> list[dict[str, Any]]:
    """Job records (``sk = JOB``) of the jobs table, by sequence."""
    deserializer = TypeDeserializer()
    raw = env.client("dynamodb").scan(TableName=env.outputs["JobTableName"])["Items"]
    items = [{k: deserializer.deserialize(v) for k, v in item.items()} for item in raw]
    return sorted((i for i in items if i["sk"] == "JOB"), key=lambda i: int(i["sequence"]))


def lambda_deliveries(function_fragment: str, contains: str = "") -> int:
    """EventBridge deliveries to Lambda targets whose ARN contains ``function_fragment`` (and input text)."""
    return sum(
        1
        for d in list(events_targets.deliveries)
        if ":function:" in d["target"] and function_fragment in d["target"] and contains in d["input"]
    )
