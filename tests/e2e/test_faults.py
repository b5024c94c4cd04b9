"""Ground Truth faults, injected through the sandbox control API: failed, stopped and throttled jobs, a
lost completion event, and an execution aborted while its job runs."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_harness import Harness, manifest, wait_for

FAILURE_REASON = "ClientError: Simulated failure for the end-to-end test."


@pytest.fixture(scope="module")
def faulted(harness: Harness) -> dict[str, Any]:
    """A chain with one completed job, then two batches started together: one job Ground Truth fails
    halfway, one it stops halfway."""
    harness.reset()
    harness.upload("before-faults")
    [baseline] = harness.finished(1)
    assert baseline["status"] == "SUCCEEDED"
    head_before = harness.head()
    arns = {}
    for kind in ("fail", "stop"):
        key = f"e2e/manifests/{kind}.manifest"
        version = harness.put(key, manifest(harness.bucket, kind))["VersionId"]
        harness.add_fault(kind, harness.job_pattern(key, version), reason=FAILURE_REASON)
        arns[kind] = harness.start(key)
    executions = {kind: harness.finished_one(arn) for kind, arn in arns.items()}
    return {"head_before": head_before, "executions": executions, "head_after": harness.head()}


def _job_of(harness: Harness, execution: dict[str, Any]) -> dict[str, Any]:
    [job] = [j for j in harness.jobs() if j["executionArn"] == execution["executionArn"]]
    return job


@pytest.mark.parametrize(
    ("kind", "error", "status"),
    [("fail", "LabelingJobFailed", "Failed"), ("stop", "LabelingJobStopped", "Stopped")],
)
def test_fails_when_ground_truth_ends_the_job_early(harness, faulted, kind, error, status):
    # GIVEN a chain with a head WHEN Ground Truth fails or stops the next job halfway (see the fixture)
    execution = faulted["executions"][kind]
    # THEN the execution fails with the named error
    assert (execution["status"], execution["error"]) == ("FAILED", error)
    # AND the labeling job ended that way in Ground Truth
    job = _job_of(harness, execution)
    assert harness.labeling_job(job["labelingJobName"])["LabelingJobStatus"] == status
    # AND the job record says what Ground Truth says, with the execution's error; a failure record too
    assert (job["status"], job["error"]) == ({"Failed": "FAILED", "Stopped": "STOPPED"}[status], error)
    assert job["labelingJobStatus"] == status
    if kind == "fail":
        assert FAILURE_REASON in job["cause"]
    [failure] = [f for f in harness.failures() if f.get("labelingJobName") == job["labelingJobName"]]
    assert (failure["error"], failure["chain"]) == (error, "birds")
    # AND the chain head did not move
    assert faulted["head_after"]["headJobName"] == faulted["head_before"]["headJobName"]
    assert faulted["head_after"]["headModelArn"] == faulted["head_before"]["headModelArn"]


def test_a_create_call_throttled_twice_is_retried_and_creates_the_job_once(pipeline: Harness):
    # GIVEN the next two CreateLabelingJob calls are throttled
    pipeline.add_fault("throttle", "lc-birds-0001-*", count=2)
    # WHEN a batch is uploaded
    pipeline.upload("throttled")
    [execution] = pipeline.finished(1)
    # THEN the execution succeeds and the job exists exactly once
    assert execution["status"] == "SUCCEEDED"
    [job] = pipeline.jobs()
    assert job["status"] == "COMPLETED"
    assert pipeline.new_labeling_jobs() == [job["labelingJobName"]]
    # AND both throttles were used up by the retries
    assert pipeline.control("GET", "faults") == []


def test_a_dropped_completion_event_is_made_up_for_by_the_monitor(pipeline: Harness):
    # GIVEN Ground Truth will not publish the state-change event of the next job
    pipeline.add_fault("drop_event", "lc-birds-0001-*")
    # WHEN a batch is uploaded
    pipeline.upload("event-dropped")
    [execution] = pipeline.finished(1)
    # THEN the execution still succeeds and the job is recorded as completed
    assert execution["status"] == "SUCCEEDED"
    [job] = pipeline.jobs()
    assert job["status"] == "COMPLETED" and job["finalModelArn"]
    # AND no state-change event was delivered for it: the scheduled monitor sent the callback
    assert pipeline.deliveries(job["labelingJobName"]) == []
    assert pipeline.items(f"JOB#{job['labelingJobName']}") != [job]  # the monitor's progress snapshots


def test_an_aborted_execution_makes_the_monitor_stop_its_labeling_job(pipeline: Harness):
    # GIVEN a batch whose labeling job takes very long
    pipeline.add_fault("delay", "lc-birds-0001-*", hours=5000)
    pipeline.upload("aborted")
    [running] = wait_for(pipeline.executions, what="the upload's execution")
    job = wait_for(lambda: next((j for j in pipeline.jobs() if j["status"] == "IN_PROGRESS"), None))
    # WHEN the execution is stopped while the job runs
    pipeline.sfn.stop_execution(executionArn=running["executionArn"], error="Aborted", cause="e2e test")

    # THEN the monitor stops the labeling job
    def stopped() -> str | None:
        status = pipeline.labeling_job(job["labelingJobName"])["LabelingJobStatus"]
        return status if status in ("Stopping", "Stopped") else None

    wait_for(stopped, 60, "the labeling job stopping")
    # AND the record says the job was stopped because its execution ended
    record = wait_for(lambda: next((j for j in pipeline.jobs() if j["status"] != "IN_PROGRESS"), None))
    assert (record["status"], record["error"]) == ("STOPPED", "ExecutionEnded")
    assert "ABORTED" in record["cause"]
    assert pipeline.sfn.describe_execution(executionArn=running["executionArn"])["status"] == "ABORTED"
