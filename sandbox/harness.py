"""In-process harness: the synthesized stack deployed into :func:`~sandbox.mock.mock_sandbox`, real handlers.

Workflow and reliability tests deploy the exact cloud assembly into moto in this process (about a second),
so no test can see another's records, executions or labeling jobs. Handlers run in this process, each call
as a fresh "container" (settings re-read from the function's own variables); a test can wrap one
function's handler to inject a fault at an exact point.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from labelchain_fn.adapters import settings
from moto.core import DEFAULT_ACCOUNT_ID

from . import groundtruth
from .deploy import deploy
from .mock import MockSandbox

REGION = "us-east-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
BATCH = 1250  # the fewest objects automated data labeling accepts
Handler = Callable[[Any, Any], Any]
TERMINAL_JOB_STATUSES = ("Completed", "Failed", "Stopped")


@dataclass
class MockTarget:
    """What :func:`sandbox.deploy.deploy` needs from a sandbox, backed by ``mock_aws`` in this process."""

    session: boto3.Session
    account_id: str = ACCOUNT
    endpoint_url: str = "http://localhost:5000"  # moto resolves TemplateURLs on localhost to its own S3
    settings: Any = field(default_factory=lambda: SimpleNamespace(region=REGION))

    def client(self, service: str, **kwargs: Any) -> Any:
        return self.session.client(service, region_name=REGION, **kwargs)


def fresh_container(handler: Handler, environment: Mapping[str, str]) -> Handler:
    """Each call behaves like a new Lambda container: its settings are parsed from the function's own
    environment (``environment`` over the process's), and the chains are read again.

    The runner's ``apply_environment`` is off (see :func:`bind_handlers`): writing a function's variables
    into ``os.environ`` while other threads (moto's executions, the scheduler) read it races, so the
    settings are built from the function's variables directly. The boto3 clients are kept: they carry no
    per-function state here, and building a SageMaker client per call would dominate the run time.
    """

    def call(event: Any, context: Any) -> Any:
        settings.reset()
        settings._SETTINGS["current"] = settings.Settings.from_environ({**os.environ, **environment})
        return handler(event, context)

    return call


def manifest_lines(count: int, bucket: str, prefix: str = "images/b1") -> list[str]:
    """``count`` distinct image lines (``source-ref`` in ``bucket``)."""
    return [json.dumps({"source-ref": f"s3://{bucket}/{prefix}/img-{i:05d}.jpg"}) for i in range(count)]


@dataclass
class Deployed:
    """A deployed stack in a running mock sandbox: uploads, executions, records, jobs, fault hooks."""

    box: MockSandbox
    target: MockTarget
    outputs: dict[str, str]
    functions: dict[str, str]  # handler module (``prepare``) -> function name
    handlers: dict[str, Handler]  # handler module -> the real handler
    environments: dict[str, dict[str, str]]  # handler module -> the function's variables

    # --- clients and inputs ------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        return self.target.client(service)

    @property
    def input_bucket(self) -> str:
        return self.outputs["InputBucketName"]

    def lines(self, count: int = BATCH, prefix: str = "images/b1") -> list[str]:
        return manifest_lines(count, self.input_bucket, prefix)

    def put(self, key: str, body: bytes | str, bucket: str | None = None) -> dict[str, str]:
        """Upload ``body``; returns ``{"VersionId", "ETag"}`` of the new object."""
        data = body.encode() if isinstance(body, str) else body
        response = self.client("s3").put_object(Bucket=bucket or self.input_bucket, Key=key, Body=data)
        return {"VersionId": response.get("VersionId", ""), "ETag": response["ETag"]}

    def object_state(self, key: str, bucket: str | None = None) -> dict[str, Any]:
        """Current version, ETag and body of an object, and how many versions it has."""
        s3, bucket = self.client("s3"), bucket or self.input_bucket
        head = s3.get_object(Bucket=bucket, Key=key)
        versions = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
        return {
            "VersionId": head.get("VersionId", ""),
            "ETag": head["ETag"],
            "Body": head["Body"].read(),
            "versions": len([v for v in versions if v["Key"] == key]),
        }

    def read(self, uri: str) -> bytes:
        bucket, key = uri.removeprefix("s3://").split("/", 1)
        return bytes(self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())

    def start_console(self, payload: dict[str, Any]) -> str:
        """Start an execution with a console input; returns its ARN."""
        sfn = self.client("stepfunctions")
        return str(
            sfn.start_execution(stateMachineArn=self.outputs["StateMachineArn"], input=json.dumps(payload))[
                "executionArn"
            ]
        )

    # --- executions --------------------------------------------------------------------------------
    def executions(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        return list(sfn.list_executions(stateMachineArn=self.outputs["StateMachineArn"])["executions"])

    def wait_for_executions(
        self, count: int, *, hours_per_step: float = 2.0, timeout: float = 90.0
    ) -> list[dict[str, Any]]:
        """Advance simulated time until ``count`` executions exist and none runs; oldest first."""
        sfn, deadline = self.client("stepfunctions"), time.monotonic() + timeout
        progress_at = time.monotonic()
        while time.monotonic() < deadline:
            executions = self.executions()
            if len(executions) >= count and all(e["status"] != "RUNNING" for e in executions):
                described = [sfn.describe_execution(executionArn=e["executionArn"]) for e in executions]
                return sorted(described, key=lambda e: e["startDate"])
            if time.monotonic() - progress_at > 0.3:  # idle: let simulated time move the jobs on
                self.box.advance(hours=hours_per_step)
                progress_at = time.monotonic()
            time.sleep(0.05)
        raise AssertionError(f"executions did not end within {timeout} s: {self.executions()}")

    def wait_for(self, execution_arn: str, **kwargs: Any) -> dict[str, Any]:
        """The description of one execution once it ended (simulated time advances meanwhile)."""
        self.wait_for_executions(len(self.executions()), **kwargs)
        return dict(self.client("stepfunctions").describe_execution(executionArn=execution_arn))

    # --- records -----------------------------------------------------------------------------------
    def items(self) -> list[dict[str, Any]]:
        deserializer = TypeDeserializer()
        pages = self.client("dynamodb").get_paginator("scan").paginate(TableName=self.outputs["JobTableName"])
        return [{k: deserializer.deserialize(v) for k, v in i.items()} for p in pages for i in p["Items"]]

    def item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return next((i for i in self.items() if i["pk"] == pk and i["sk"] == sk), None)

    def jobs(self) -> list[dict[str, Any]]:
        return sorted((i for i in self.items() if i["sk"] == "JOB"), key=lambda i: (i["sequence"], i["role"]))

    def failures(self) -> list[dict[str, Any]]:
        return [i for i in self.items() if i["sk"] == "FAILURE"]

    def failure_of(self, execution: dict[str, Any]) -> dict[str, Any] | None:
        return self.item(f"FAILURE#{execution['name']}", "FAILURE")

    # --- labeling jobs and faults ------------------------------------------------------------------
    def labeling_jobs(self) -> list[dict[str, Any]]:
        sagemaker = self.client("sagemaker")
        return list(sagemaker.list_labeling_jobs(MaxResults=100)["LabelingJobSummaryList"])

    def fault(self, fault: dict[str, Any]) -> None:
        """Script the simulated Ground Truth (``sandbox.groundtruth.faults``)."""
        groundtruth.add_fault(fault, account_id=ACCOUNT, region=REGION)

    def wrap(self, handler_name: str, wrapper: Callable[[Handler], Handler]) -> None:
        """Replace one function's handler by ``wrapper(real_handler)`` (a fresh container per call)."""
        real = wrapper(self.handlers[handler_name])
        self.box.register(
            self.functions[handler_name], fresh_container(real, self.environments[handler_name])
        )

    def invoke(self, handler_name: str, event: dict[str, Any]) -> Any:
        """Invoke a deployed function synchronously, as EventBridge or a person would."""
        response = self.client("lambda").invoke(
            FunctionName=self.functions[handler_name], Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"null")
        assert "FunctionError" not in response, payload
        return payload

    def wait_until_settled(self, *, hours_per_step: float = 0.5, timeout: float = 60.0) -> None:
        """Advance simulated time until :meth:`assert_settled` holds (the scheduled monitor runs in the
        background, at most every few real seconds, so its work lands a moment after an ``advance``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.assert_settled()
                return
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
            self.box.advance(hours=hours_per_step)
            time.sleep(0.2)

    def assert_settled(self) -> None:
        """Nothing left running: no RUNNING execution and no labeling job still in progress."""
        running = [e["executionArn"] for e in self.executions() if e["status"] == "RUNNING"]
        assert not running, f"executions still running: {running}"
        busy = [
            j["LabelingJobName"]
            for j in self.labeling_jobs()
            if j["LabelingJobStatus"] not in TERMINAL_JOB_STATUSES
        ]
        assert not busy, f"labeling jobs still running: {busy}"
        active = [i["labelingJobName"] for i in self.jobs() if i.get("activePk")]
        assert not active, f"job records still active: {active}"


def bind_handlers(
    box: MockSandbox, target: MockTarget
) -> tuple[dict[str, str], dict[str, Handler], dict[str, dict[str, str]]]:
    """Register every deployed function's real handler; returns the name, handler and variable maps."""
    box.registry.apply_environment = False  # fresh_container passes each function's variables instead
    functions: dict[str, str] = {}
    handlers: dict[str, Handler] = {}
    environments: dict[str, dict[str, str]] = {}
    for function in target.client("lambda").list_functions()["Functions"]:
        module_name, _, attribute = function["Handler"].rpartition(".")
        short = module_name.rsplit(".", 1)[-1]
        handlers[short] = getattr(importlib.import_module(module_name), attribute)
        functions[short] = function["FunctionName"]
        environments[short] = dict(function.get("Environment", {}).get("Variables", {}))
        box.register(function["FunctionName"], fresh_container(handlers[short], environments[short]))
    return functions, handlers, environments


def statuses(executions: Iterable[dict[str, Any]]) -> list[str]:
    return [e["status"] for e in executions]


#: Variables handlers read at import or per call when they run outside Lambda.
HANDLER_PROCESS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon
    "POWERTOOLS_DEV": "false",
    # Powertools reads these when the handler module is imported (as Lambda does at cold start).
    "POWERTOOLS_METRICS_NAMESPACE": "LabelChain",
    "POWERTOOLS_SERVICE_NAME": "labelchain",
}


def prepare_process_environment() -> None:
    """Fake credentials and Powertools settings; no endpoint override (moto intercepts in-process)."""
    os.environ.update(HANDLER_PROCESS_ENVIRONMENT)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        os.environ.pop(name, None)


def deploy_in_process(box: MockSandbox, cloud_assembly: Path | str) -> Deployed:
    """Deploy ``cloud_assembly`` into the running ``box`` and bind every function's real handler."""
    target = MockTarget(boto3.Session(region_name=REGION))
    result = deploy(target, cloud_assembly)  # type: ignore[arg-type]
    functions, handlers, environments = bind_handlers(box, target)
    return Deployed(box, target, result.outputs, functions, handlers, environments)
