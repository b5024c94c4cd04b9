"""The five single faults that used to lose a batch, a record or the chain's lineage (docs/design.md,
"Failure handling"), each end to end on the deployed stack in the in-process sandbox.

Every test ends with the audit of :meth:`Deployed.assert_settled`: nothing running, no record still active.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fault_injection import count_calls
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.objects import Objects
from reliability_stack import Deployed, Handler, statuses, upload_batch

KEY = "incoming/birds/batch-0001.manifest"


def _client_error(operation: str, code: str, message: str, http_status: int) -> ClientError:
    """What botocore raises for an AWS error answer to ``operation`` (after the SDK's own retries)."""
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": http_status}},
        operation,
    )


def _throttled(operation: str) -> ClientError:
    """What botocore raises when DynamoDB keeps throttling after the SDK's own retries."""
    return _client_error(operation, "ProvisionedThroughputExceededException", "Rate exceeded", 400)


def _fail_once(monkeypatch: pytest.MonkeyPatch, owner: Any, method: str, error: Exception) -> list[str]:
    """Make ``owner.method`` raise ``error`` the first time it is called; returns the calls it failed."""
    real, failed = getattr(owner, method), []

    def once(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not failed:
            failed.append(method)
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, method, once)
    return failed


def _dies_after_answering_once(deployed: Deployed, handler_name: str) -> list[Any]:
    """The handler does all its work, then its container times out once before answering."""
    deployed.client("lambda").update_function_configuration(
        FunctionName=deployed.functions[handler_name], Timeout=1
    )
    died: list[Any] = []

    def wrapper(real: Handler) -> Handler:
        def call(event: Any, context: Any) -> Any:
            result = real(event, context)
            if not died:
                died.append(result)
                time.sleep(1.5)  # past the 1 s timeout: the answer is lost, the side effects are done
            return result

        return call

    deployed.wrap(handler_name, wrapper)
    return died


def _assert_completed_and_head(deployed: Deployed) -> dict[str, Any]:
    [job] = deployed.jobs()
    assert job["status"] == "COMPLETED" and job["counters"]["TotalLabeled"] > 0, job
    assert job["cost"]["totalUsd"] > 0 and job["finalModelArn"]
    head = deployed.item("CHAIN#birds", "HEAD")
    assert head["headJobName"] == job["labelingJobName"] and head["headModelArn"] == job["finalModelArn"]
    return job


def test_record_job_failing_once_on_dynamodb_still_records_the_job_and_moves_the_head(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN RecordJob's write of the figures is throttled once beyond the SDK's retries
    failed = _fail_once(monkeypatch, JobStore, "record_figures", _throttled("UpdateItem"))
    # WHEN a batch is uploaded and its job completes
    run = upload_batch(deployed, KEY)
    # THEN the named retryable error was retried: the run succeeded, the job is recorded with its model
    assert failed and run["status"] == "SUCCEEDED", run
    _assert_completed_and_head(deployed)
    deployed.assert_settled()


def test_record_job_dying_after_its_writes_is_retried_and_counts_the_job_once(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN RecordJob times out once after it recorded the job (the answer is lost)
    died = _dies_after_answering_once(deployed, "record")
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN the retry found the job recorded: the run succeeded, and the job was counted once
    assert died and run["status"] == "SUCCEEDED", run
    _assert_completed_and_head(deployed)
    completed = [line for line in capsys.readouterr().out.splitlines() if '"JobsCompleted"' in line]
    assert len(completed) == 1
    deployed.assert_settled()


def test_prepare_failing_once_after_its_claim_is_retried_and_labels_the_batch(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the upload of the normalised manifest fails once (S3 5xx beyond the SDK's retries)
    slow_down = _client_error("PutObject", "SlowDown", "Reduce your request rate", 503)
    failed = _fail_once(monkeypatch, Objects, "upload_file", slow_down)
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN Prepare was retried under the same claim: one job, sequence 1, no gap, the batch labeled
    assert failed and run["status"] == "SUCCEEDED", run
    job = _assert_completed_and_head(deployed)
    assert job["sequence"] == 1 and deployed.item("CHAIN#birds", "HEAD")["lastSequence"] == 1
    deployed.assert_settled()


def test_a_batch_whose_prepare_failed_after_the_claim_is_released_and_a_retry_labels_it(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Prepare fails for good after claiming the upload (access to the artifacts bucket denied once)
    denied = _client_error("PutObject", "AccessDenied", "Access Denied", 403)
    _fail_once(monkeypatch, Objects, "upload_file", denied)
    first = upload_batch(deployed, KEY)
    # THEN the execution failed by name and the claim was released with that error: nothing stranded
    assert first["status"] == "FAILED" and first["error"] == "ClientError", first
    [claim] = [i for i in deployed.items() if i["sk"] == "UPLOAD"]
    assert claim["status"] == "RELEASED" and claim["error"] == "ClientError" and claim["sequence"] == 1
    assert deployed.labeling_jobs() == []
    # WHEN the same upload (same version) is run again from the console
    deployed.start_console({"chain": "birds", "manifest": f"s3://{deployed.input_bucket}/{KEY}"})
    runs = deployed.wait_for_executions(2)
    # THEN the retry took the batch over, with the same sequence number, and labeled it
    assert statuses(runs) == ["FAILED", "SUCCEEDED"]
    job = _assert_completed_and_head(deployed)
    assert job["sequence"] == 1 and deployed.item("CHAIN#birds", "HEAD")["lastSequence"] == 1
    deployed.assert_settled()


def test_a_failing_control_job_fails_only_the_control(deployed: Deployed) -> None:
    # GIVEN Ground Truth fails the cold control job (names <prefix>-birds-0001c-<hash>) halfway
    deployed.fault({"kind": "fail", "namePattern": "lc-birds-????c-*", "reason": "ClientError: workers quit"})
    deployed.put("manual/with-control.manifest", "\n".join(deployed.lines()))
    manifest = f"s3://{deployed.input_bucket}/manual/with-control.manifest"
    # WHEN the batch runs warm with a control
    run = deployed.wait_for(deployed.start_console({"chain": "birds", "manifest": manifest, "control": True}))
    # THEN the execution succeeded: the main job completed, is recorded and moved the head
    assert run["status"] == "SUCCEEDED", run
    by_role = {job["role"]: job for job in deployed.jobs()}
    main, control = by_role["main"], by_role["control"]
    assert main["status"] == "COMPLETED" and main["finalModelArn"]
    assert deployed.item("CHAIN#birds", "HEAD")["headJobName"] == main["labelingJobName"]
    # AND the control carries its own error, and the comparison says the control failed
    assert control["status"] == "FAILED" and control["labelingJobStatus"] == "Failed"
    assert control["error"] == "LabelingJobFailed" and "workers quit" in control["failureReason"]
    comparison = deployed.item(f"JOB#{main['labelingJobName']}", "COMPARISON")
    assert comparison["controlFailed"] is True and comparison["controlError"] == "LabelingJobFailed"
    assert "costSavingPercent" not in comparison
    deployed.assert_settled()


def test_a_console_rerun_of_a_batch_whose_job_failed_fails_by_name(deployed: Deployed) -> None:
    # GIVEN a batch whose labeling job failed
    deployed.fault({"kind": "fail", "reason": "ClientError: workers quit"})
    first = upload_batch(deployed, KEY)
    assert first["status"] == "FAILED" and first["error"] == "LabelingJobFailed"
    # WHEN the same upload (same version) is started again from the console
    deployed.start_console({"chain": "birds", "manifest": f"s3://{deployed.input_bucket}/{KEY}"})
    runs = deployed.wait_for_executions(2)
    # THEN the re-run fails with BatchAlreadyProcessed naming the earlier execution, job and status
    rerun = runs[1]
    assert rerun["status"] == "FAILED" and rerun["error"] == "BatchAlreadyProcessed", rerun
    [job] = deployed.jobs()
    assert job["labelingJobName"] in rerun["cause"] and first["executionArn"] in rerun["cause"]
    assert "FAILED" in rerun["cause"] and "upload the manifest again" in rerun["cause"]
    # AND nothing new was created, and the failure is recorded
    assert len(deployed.labeling_jobs()) == 1
    assert deployed.failure_of(rerun)["error"] == "BatchAlreadyProcessed"
    deployed.assert_settled()


def test_a_stale_completed_event_resumes_nothing_while_the_job_still_runs(deployed: Deployed) -> None:
    # GIVEN a batch whose job runs for a long time
    deployed.fault({"kind": "delay", "hours": 200})
    records = count_calls(deployed, "record")
    deployed.put(KEY, "\n".join(deployed.lines()))
    deadline = time.monotonic() + 30
    while not [j for j in deployed.jobs() if j["status"] == "IN_PROGRESS"] and time.monotonic() < deadline:
        time.sleep(0.05)
    [job] = deployed.jobs()
    # WHEN a "Completed" state-change event arrives while DescribeLabelingJob still says InProgress
    outcome = deployed.invoke(
        "job_state_changed",
        {
            "source": "aws.sagemaker",
            "detail-type": "SageMaker Ground Truth Labeling Job State Change",
            "resources": [job["labelingJobArn"]],
            "detail": {"LabelingJobStatus": "Completed"},
        },
    )
    # THEN nothing was resumed: the execution waits, the record stays active and IN_PROGRESS
    assert outcome["outcome"] == "not-terminal" and outcome["labelingJobStatus"] == "InProgress"
    assert statuses(deployed.executions()) == ["RUNNING"] and records == []
    assert deployed.jobs()[0]["status"] == "IN_PROGRESS" and deployed.jobs()[0]["activePk"] == "ACTIVE"
    # AND once the job really ends, it is recorded as Ground Truth reports it
    [run] = deployed.wait_for_executions(1, hours_per_step=24)
    assert run["status"] == "SUCCEEDED", run
    _assert_completed_and_head(deployed)
    assert json.loads(run["output"])["recorded"]["status"] == "COMPLETED"
    deployed.assert_settled()
