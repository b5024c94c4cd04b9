"""Fault injection for the reliability tests: handler wrappers, spies and a crash at an exact point."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

import pytest
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from reliability_stack import Deployed, Handler


def counting(calls: list[Any]) -> Any:
    """A wrapper factory that records each event a handler receives, then runs the real handler."""

    def wrapper(real: Handler) -> Handler:
        def call(event: Any, context: Any) -> Any:
            calls.append(event)
            return real(event, context)

        return call

    return wrapper


def count_calls(deployed: Deployed, handler_name: str) -> list[Any]:
    """Wrap the handler with :func:`counting`; returns the list that receives each event it is given."""
    calls: list[Any] = []
    deployed.wrap(handler_name, counting(calls))
    return calls


def count_sent_callbacks(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count SendTaskSuccess/SendTaskFailure calls that reached Step Functions (whatever path sent them)."""
    sent: Counter[str] = Counter()
    for method in ("send_success", "send_failure"):
        real = getattr(Callbacks, method)

        def spy(self: Callbacks, *args: Any, _real: Any = real, _name: str = method, **kwargs: Any) -> bool:
            delivered = bool(_real(self, *args, **kwargs))
            sent[_name] += int(delivered)
            return delivered

        monkeypatch.setattr(Callbacks, method, spy)
    return sent


def crash_after_create(monkeypatch: pytest.MonkeyPatch, deployed: Deployed, crashes: int) -> list[str]:
    """Make StartJob die (time out) after CreateLabelingJob, before the token write, ``crashes`` times.

    The Start function's timeout is cut to 1 s and the token write stalls past it, then raises, so the
    dead "container" never writes: exactly what a Lambda timeout or crash at that point leaves behind.
    """
    deployed.client("lambda").update_function_configuration(
        FunctionName=deployed.functions["start"], Timeout=1
    )
    real = JobStore.mark_in_progress
    left, lock, crashed = [crashes], threading.Lock(), []

    def mark_in_progress(self: JobStore, name: str, *args: Any, **kwargs: Any) -> bool:
        with lock:
            crash = left[0] > 0
            left[0] -= int(crash)
        if not crash:
            return bool(real(self, name, *args, **kwargs))
        crashed.append(name)
        time.sleep(1.5)
        raise RuntimeError("the container died before the token was stored")

    monkeypatch.setattr(JobStore, "mark_in_progress", mark_in_progress)
    return crashed


def emitted_metric(stdout: str, name: str) -> list[float]:
    """Every value of metric ``name`` in the CloudWatch EMF documents printed to ``stdout``."""
    values: list[float] = []
    for line in stdout.splitlines():
        if not line.startswith("{") or f'"{name}"' not in line:
            continue
        document = json.loads(line)
        if "_aws" in document and name in document:
            raw = document[name]
            values.extend(float(v) for v in (raw if isinstance(raw, list) else [raw]))
    return values


def create_foreign_job(deployed: Deployed, name: str) -> str:
    """Create someone else's small labeling job named ``name``; returns its manifest URI."""
    s3, bucket = deployed.client("s3"), "someone-elses-bucket"
    body = "\n".join(json.dumps({"source-ref": f"s3://{bucket}/img-{i}.jpg"}) for i in range(10))
    s3.put_object(Bucket=bucket, Key="their.manifest", Body=body.encode())
    labels = {"document-version": "2018-11-28", "labels": [{"label": "Cat"}]}
    s3.put_object(Bucket=bucket, Key="labels.json", Body=json.dumps(labels).encode())
    region, lambdas = "us-east-1", "arn:aws:lambda:us-east-1:432418664414:function"
    deployed.client("sagemaker").create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName="category",
        InputConfig={
            "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://{bucket}/their.manifest"}},
            "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]},
        },
        OutputConfig={"S3OutputPath": f"s3://{bucket}/out/"},
        RoleArn="arn:aws:iam::123456789012:role/someone-else",
        LabelCategoryConfigS3Uri=f"s3://{bucket}/labels.json",
        HumanTaskConfig={
            "WorkteamArn": f"arn:aws:sagemaker:{region}:394669845002:workteam/public-crowd/default",
            "UiConfig": {"UiTemplateS3Uri": f"s3://{bucket}/template.liquid.html"},
            "PreHumanTaskLambdaArn": f"{lambdas}:PRE-BoundingBox",
            "TaskTitle": "Their task",
            "TaskDescription": "Not ours.",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "TaskAvailabilityLifetimeInSeconds": 21600,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"{lambdas}:ACS-BoundingBox"
            },
            "PublicWorkforceTaskPrice": {
                "AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}
            },
        },
    )
    return f"s3://{bucket}/their.manifest"
