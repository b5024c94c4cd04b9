"""Workflow tier: the synthesized template deployed into moto (decorator mode), its rendered ASL executed by
moto's Step Functions interpreter, and every Lambda running its real handler in this process.

The stack is synthesized once per session; each test gets a fresh ``mock_sandbox`` with the stack deployed
(about a second), so tests never share records or labeling jobs.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from labelchain_fn.adapters import clients, settings
from moto.core import DEFAULT_ACCOUNT_ID

from sandbox import groundtruth
from sandbox.deploy import deploy
from sandbox.mock import MockSandbox, mock_sandbox
from stacks.app_builder import build_app

REGION = "us-east-1"
# Handlers run outside Lambda: no X-Ray daemon, fake credentials, one region.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION=REGION,
    AWS_REGION=REGION,
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_DEV="false",
    # Powertools reads these when the handler module is imported (as Lambda does at cold start).
    POWERTOOLS_METRICS_NAMESPACE="LabelChain",
    POWERTOOLS_SERVICE_NAME="labelchain",
)
for _name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def cloud_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cdk synth`` of the project's app (cdk.json context), written to a temporary cloud assembly."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, _stack = build_app(nag=False, outdir=str(outdir))
    app.synth()
    return outdir


@dataclass
class _MockTarget:
    """What :func:`sandbox.deploy.deploy` needs from a sandbox, backed by ``mock_aws`` in this process."""

    session: boto3.Session
    account_id: str = DEFAULT_ACCOUNT_ID
    endpoint_url: str = "http://localhost:5000"  # moto resolves TemplateURLs on localhost to its own S3
    settings: Any = field(default_factory=lambda: SimpleNamespace(region=REGION))

    def client(self, service: str, **kwargs: Any) -> Any:
        return self.session.client(service, region_name=REGION, **kwargs)


def _fresh_container(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Each in-process call behaves like its own Lambda container: settings and clients are re-read."""

    def call(event: Any, context: Any) -> Any:
        settings.reset()
        clients.reset()
        return handler(event, context)

    return call


@dataclass
class Deployed:
    """A deployed stack in a running mock sandbox, with helpers the tests share."""

    box: MockSandbox
    target: _MockTarget
    outputs: dict[str, str]

    def client(self, service: str) -> Any:
        return self.target.client(service)

    def upload_manifest(self, key: str, objects: int, *, prefix: str = "images/b1") -> str:
        bucket = self.outputs["InputBucketName"]
        body = "\n".join(
            json.dumps({"source-ref": f"s3://{bucket}/{prefix}/img-{i:05d}.jpg"}) for i in range(objects)
        )
        self.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())
        return f"s3://{bucket}/{key}"

    def executions(self) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        return sfn.list_executions(stateMachineArn=self.outputs["StateMachineArn"])["executions"]

    def wait_for_executions(self, count: int, *, hours_per_step: float = 2.0, timeout: float = 60.0) -> list:
        """Advance simulated time until ``count`` executions have ended; returns their descriptions."""
        sfn, deadline = self.client("stepfunctions"), time.monotonic() + timeout
        while time.monotonic() < deadline:
            executions = self.executions()
            if len(executions) >= count and all(e["status"] != "RUNNING" for e in executions):
                return [sfn.describe_execution(executionArn=e["executionArn"]) for e in executions]
            self.box.advance(hours=hours_per_step)
            time.sleep(0.05)
        raise AssertionError(f"executions did not end within {timeout} s: {self.executions()}")

    def items(self) -> list[dict[str, Any]]:
        deserializer = TypeDeserializer()
        raw = self.client("dynamodb").scan(TableName=self.outputs["JobTableName"])["Items"]
        return [{k: deserializer.deserialize(v) for k, v in item.items()} for item in raw]

    def item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return next((i for i in self.items() if i["pk"] == pk and i["sk"] == sk), None)

    def jobs(self) -> list[dict[str, Any]]:
        return sorted((i for i in self.items() if i["sk"] == "JOB"), key=lambda i: (i["sequence"], i["role"]))

    def failures(self) -> list[dict[str, Any]]:
        return [i for i in self.items() if i["sk"] == "FAILURE"]

    def fault(self, fault: dict[str, Any]) -> None:
        """Script the simulated Ground Truth (see sandbox.groundtruth.faults for the kinds)."""
        groundtruth.add_fault(fault, account_id=self.target.account_id, region=REGION)

    def labeling_jobs(self) -> list[dict[str, Any]]:
        return self.client("sagemaker").list_labeling_jobs()["LabelingJobSummaryList"]


@pytest.fixture
def deployed(cloud_assembly: Path) -> Iterator[Deployed]:
    """A fresh mock sandbox with the synthesized stack deployed and every function's real handler bound."""
    with mock_sandbox(seed=0) as box:
        target = _MockTarget(boto3.Session(region_name=REGION))
        result = deploy(target, cloud_assembly)  # type: ignore[arg-type]
        lam = target.client("lambda")
        for function in lam.list_functions()["Functions"]:
            module_name, _, attribute = function["Handler"].rpartition(".")
            handler = getattr(importlib.import_module(module_name), attribute)
            box.register(function["FunctionName"], _fresh_container(handler))
        yield Deployed(box, target, result.outputs)
        settings.reset()
