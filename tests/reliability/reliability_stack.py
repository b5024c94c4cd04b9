"""Reliability-specific pieces on top of :mod:`sandbox.harness`: the test configuration and assertions."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.harness import (  # re-exported: the reliability tests import the harness from here
    ACCOUNT,
    BATCH,
    REGION,
    Deployed,
    Handler,
    MockTarget,
    bind_handlers,
    manifest_lines,
    statuses,
)
from stacks.context import cdk_json_context

__all__ = [
    "ACCOUNT", "BATCH", "MANUAL_KEY", "REGION", "Deployed", "Handler", "MockTarget", "assert_rejected",
    "bind_handlers", "manifest_lines", "reliability_context", "statuses", "upload_batch",
]  # fmt: skip

MANUAL_KEY = "manual/batch-0001.manifest"  # outside incoming/: uploading it starts nothing


def reliability_context() -> dict[str, Any]:
    """The ``cdk.json`` context plus a text chain (``notes``: another task type) and a source bucket."""
    context = copy.deepcopy(cdk_json_context())
    config = context["labelchain"]
    config["allowedSourceBuckets"] = ["shared-images"]
    config["chains"]["notes"] = {
        "taskType": "TextClassification",
        "labels": ["positive", "negative"],
        "taskTitle": "Classify the sentiment",
        "taskDescription": "Choose the sentiment of each sentence.",
        "workforce": {"type": "public", "taskPriceUsd": "0.036"},
        "autoLabeling": True,
        "warmStart": "latest",
    }
    return context


def assert_rejected(deployed: Deployed, run: dict[str, Any], error: str, cause: str) -> None:
    """The execution and its failure record name ``error``; nothing was created or left running."""
    assert run["status"] == "FAILED", run
    assert run["error"] == error, run
    assert cause in run["cause"], run["cause"]
    failure = deployed.failure_of(run)
    assert failure is not None, deployed.items()
    assert failure["error"] == error and cause in failure["cause"]
    assert deployed.labeling_jobs() == []
    assert [i for i in deployed.items() if i["sk"] in ("JOB", "UPLOAD")] == []
    deployed.assert_settled()


def upload_batch(deployed: Deployed, key: str) -> dict[str, Any]:
    """Upload a full batch of valid lines under ``key``; returns the one execution it starts, once ended."""
    deployed.put(key, "\n".join(deployed.lines()))
    [run] = deployed.wait_for_executions(1)
    return run
