"""Bad uploads fail in Prepare with a named error and a failure record, before any labeling job exists."""

from __future__ import annotations

import json
from typing import Any

import pytest
from e2e_harness import BATCH, Harness, manifest


def _cases(bucket: str) -> dict[str, tuple[str, bytes]]:
    good = manifest(bucket, "bad").decode().splitlines()
    malformed = [*good[:2], "{not json", *good[3:]]
    foreign = [*good[:4], json.dumps({"source-ref": "s3://someone-elses-bucket/img.png"}), *good[5:]]
    return {
        "malformed-line": ("incoming/birds/malformed.manifest", "\n".join(malformed).encode()),
        "foreign-bucket": ("incoming/birds/foreign.manifest", "\n".join(foreign).encode()),
        "too-few-objects": ("incoming/birds/small.manifest", "\n".join(good[:10]).encode()),
        "empty": ("incoming/birds/empty.manifest", b""),
        "unknown-chain": ("incoming/no-such-chain/batch.manifest", manifest(bucket, "unknown")),
    }


@pytest.fixture(scope="module")
def rejected(harness: Harness) -> dict[str, Any]:
    """Upload every bad manifest at once; returns each case's execution and the records left behind."""
    harness.reset()
    cases = _cases(harness.bucket)
    for key, body in cases.values():
        harness.put(key, body)
    executions = harness.finished(len(cases))
    by_key = {json.loads(e["input"])["detail"]["object"]["key"]: e for e in executions}
    return {
        "executions": {case: by_key[key] for case, (key, _) in cases.items()},
        "failures": harness.failures(),
        "jobs": harness.jobs(),
        "labeling_jobs": harness.new_labeling_jobs(),
    }


@pytest.mark.parametrize(
    ("case", "error", "cause"),
    [
        ("malformed-line", "ManifestInvalid", "line 3"),
        ("foreign-bucket", "SourceBucketNotAllowed", "someone-elses-bucket"),
        ("too-few-objects", "ManifestTooSmall", str(BATCH)),
        ("empty", "ManifestTooSmall", ""),
        ("unknown-chain", "UnknownChain", "no-such-chain"),
    ],
)
def test_rejects_a_bad_upload_with_a_named_error(rejected, case, error, cause):
    # GIVEN/WHEN the bad manifests are uploaded together (see the fixture)
    execution = rejected["executions"][case]
    # THEN the execution fails with the named error
    assert (execution["status"], execution["error"]) == ("FAILED", error)
    assert cause in execution["cause"]
    # AND a failure record of that execution names the error and its cause
    name = execution["executionArn"].rsplit(":", 1)[1]
    [failure] = [f for f in rejected["failures"] if f["pk"] == f"FAILURE#{name}"]
    assert failure["error"] == error and cause in failure["cause"]


def test_rejects_bad_uploads_before_creating_any_labeling_job(rejected):
    # GIVEN/WHEN the bad manifests are uploaded (see the fixture) THEN no job was recorded or created
    assert rejected["jobs"] == []
    assert rejected["labeling_jobs"] == []
