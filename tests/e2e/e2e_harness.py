"""Drive the deployed stack in a running sandbox the way a user and AWS would: uploads, console starts,
EventBridge redeliveries, injected Ground Truth faults; then read executions, records and labeling jobs."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer
from labelchain_fn.core.naming import batch_hash

from sandbox.deploy import DeployResult
from sandbox.server import Sandbox

BATCH = 1250  # the fewest objects automated data labeling accepts
CHAIN = "birds"
T = TypeVar("T")
_DESERIALIZER = TypeDeserializer()


def wait_for(
    probe: Callable[[], T | None], timeout: float = 90.0, what: str = "condition", interval: float = 0.25
) -> T:
    """Poll ``probe`` every ``interval`` seconds until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(interval)


def manifest(bucket: str, tag: str, count: int = BATCH) -> bytes:
    """``count`` JSON lines ``{"source-ref": "s3://<bucket>/e2e/<tag>/img-<i>.png"}``."""
    lines = (json.dumps({"source-ref": f"s3://{bucket}/e2e/{tag}/img-{i:05d}.png"}) for i in range(count))
    return ("\n".join(lines) + "\n").encode()


class Harness:
    """One deployed stack in one sandbox, shared by the whole session.

    Tests isolate themselves with :meth:`reset` (empties the jobs table, drops pending faults) and unique
    manifest keys; executions and labeling jobs of earlier tests stay, so reads filter by time or name.
    """

    def __init__(self, sandbox: Sandbox, stack: DeployResult) -> None:
        self.sandbox = sandbox
        self.outputs = stack.outputs
        self.bucket = stack.outputs["InputBucketName"]
        self.table = stack.outputs["JobTableName"]
        self.state_machine_arn = stack.outputs["StateMachineArn"]
        self.s3 = sandbox.client("s3")
        self.sfn = sandbox.client("stepfunctions")
        self.sagemaker = sandbox.client("sagemaker")
        self.dynamodb = sandbox.client("dynamodb")
        self.events = sandbox.client("events")
        self.since = datetime.now().astimezone()
        self.simulated_since = sandbox.clock.now()

    # -- isolation -------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Start a test from an empty jobs table (no chain head, sequence counter or dedup claims) and no
        pending Ground Truth faults."""
        paginator = self.dynamodb.get_paginator("scan")
        for page in paginator.paginate(TableName=self.table, ProjectionExpression="pk, sk"):
            for item in page["Items"]:
                self.dynamodb.delete_item(TableName=self.table, Key={"pk": item["pk"], "sk": item["sk"]})
        self.control("DELETE", "faults")
        self.since = datetime.now().astimezone()
        self.simulated_since = self.sandbox.clock.now()

    def control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        """Call the sandbox control API (``/_sandbox/<route>``)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.sandbox.endpoint_url}/_sandbox/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def add_fault(self, kind: str, name_pattern: str, **fields: Any) -> None:
        """Queue a Ground Truth fault for jobs (or CreateLabelingJob calls) matching ``name_pattern``."""
        self.control("POST", "faults", {"kind": kind, "namePattern": name_pattern, **fields})

    # -- starting work ---------------------------------------------------------------------------------
    def put(self, key: str, body: bytes, bucket: str | None = None) -> dict[str, Any]:
        """PutObject; returns the response (``VersionId``, ``ETag``)."""
        return dict(self.s3.put_object(Bucket=bucket or self.bucket, Key=key, Body=body))

    def upload(self, name: str, tag: str | None = None, chain: str = CHAIN) -> dict[str, Any]:
        """Upload a 1,250-object manifest to ``incoming/<chain>/<name>.manifest`` (starts an execution)."""
        return self.put(f"incoming/{chain}/{name}.manifest", manifest(self.bucket, tag or name))

    def job_pattern(self, key: str, version_id: str) -> str:
        """A fault name pattern matching only the job(s) of one uploaded manifest version."""
        return f"*-{batch_hash(self.bucket, key, version_id)}"

    def start(self, key: str, **fields: Any) -> str:
        """StartExecution with the console input ``{"chain", "manifest", ...}``; returns the execution ARN."""
        data = {"chain": CHAIN, "manifest": f"s3://{self.bucket}/{key}", **fields}
        response = self.sfn.start_execution(stateMachineArn=self.state_machine_arn, input=json.dumps(data))
        return str(response["executionArn"])

    def redeliver(self, key: str, put_response: dict[str, Any]) -> None:
        """Put an upload's S3 "Object Created" event on the default bus again (at-least-once delivery)."""
        detail = {
            "version": "0",
            "bucket": {"name": self.bucket},
            "object": {
                "key": key,
                "size": 1,
                "etag": put_response["ETag"].strip('"'),
                "version-id": put_response["VersionId"],
            },
            "reason": "PutObject",
        }
        entry = {
            "Source": "aws.s3",
            "DetailType": "Object Created",
            "Detail": json.dumps(detail),
            "Resources": [f"arn:aws:s3:::{self.bucket}"],
        }
        result = self.events.put_events(Entries=[entry])
        assert result["FailedEntryCount"] == 0, result

    # -- reading ---------------------------------------------------------------------------------------
    def executions(self) -> list[dict[str, Any]]:
        """Executions started since the last :meth:`reset`, oldest first."""
        found = []
        for page in self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.state_machine_arn
        ):
            found += [e for e in page["executions"] if e["startDate"] >= self.since]
        return sorted(found, key=lambda e: e["startDate"])

    def finished(self, count: int, timeout: float = 120.0) -> list[dict[str, Any]]:
        """Wait for ``count`` executions (since the reset) to have ended; returns their descriptions."""

        def ended() -> list[dict[str, Any]] | None:
            executions = self.executions()
            if len(executions) >= count and all(e["status"] != "RUNNING" for e in executions):
                return [dict(self.sfn.describe_execution(executionArn=e["executionArn"])) for e in executions]
            return None

        return wait_for(ended, timeout, f"{count} finished executions", interval=0.5)

    def finished_one(self, arn: str, timeout: float = 120.0) -> dict[str, Any]:
        """Wait for one execution to end; returns its description."""

        def ended() -> dict[str, Any] | None:
            execution = dict(self.sfn.describe_execution(executionArn=arn))
            return execution if execution["status"] != "RUNNING" else None

        return wait_for(ended, timeout, f"end of {arn}", interval=0.5)

    def items(self, prefix: str = "") -> list[dict[str, Any]]:
        """Every item of the jobs table whose ``pk`` starts with ``prefix`` (deserialized)."""
        found = []
        for page in self.dynamodb.get_paginator("scan").paginate(TableName=self.table):
            for raw in page["Items"]:
                item = {key: _DESERIALIZER.deserialize(value) for key, value in raw.items()}
                if str(item["pk"]).startswith(prefix):
                    found.append(item)
        return found

    def jobs(self) -> list[dict[str, Any]]:
        """JOB items, by sequence then role."""
        jobs = [i for i in self.items("JOB#") if i["sk"] == "JOB"]
        return sorted(jobs, key=lambda i: (int(i["sequence"]), str(i.get("role"))))

    def failures(self) -> list[dict[str, Any]]:
        """FAILURE items."""
        return self.items("FAILURE#")

    def head(self) -> dict[str, Any] | None:
        """The chain head item, if any."""
        key = {"pk": {"S": f"CHAIN#{CHAIN}"}, "sk": {"S": "HEAD"}}
        raw = self.dynamodb.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return {k: _DESERIALIZER.deserialize(v) for k, v in raw.items()} if raw else None

    def labeling_job(self, name: str) -> dict[str, Any]:
        """DescribeLabelingJob."""
        return dict(self.sagemaker.describe_labeling_job(LabelingJobName=name))

    def labeling_jobs_containing(self, text: str) -> list[str]:
        """Names of every labeling job whose name contains ``text``."""
        paginator = self.sagemaker.get_paginator("list_labeling_jobs")
        pages = paginator.paginate(NameContains=text)
        return [s["LabelingJobName"] for page in pages for s in page["LabelingJobSummaryList"]]

    def new_labeling_jobs(self) -> list[str]:
        """Names of the labeling jobs created since the last :meth:`reset` (Ground Truth's own list)."""
        paginator = self.sagemaker.get_paginator("list_labeling_jobs")
        pages = paginator.paginate(CreationTimeAfter=self.simulated_since)
        return [s["LabelingJobName"] for page in pages for s in page["LabelingJobSummaryList"]]

    def deliveries(self, text: str) -> list[dict[str, Any]]:
        """Recent EventBridge deliveries (to Step Functions or Lambda) whose input contains ``text``."""
        return [d for d in self.control("GET", "deliveries") if text in d["input"]]

    def prepared(self, execution: dict[str, Any]) -> dict[str, Any]:
        """The ``$.prepared`` output of an execution that succeeded."""
        return dict(json.loads(execution["output"])["prepared"])
