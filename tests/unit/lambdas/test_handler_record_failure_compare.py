"""RecordFailure (stores why, closes the execution's jobs by Ground Truth's truth) and CompareJobs."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber
from emf_points import chain_metric_names, chain_point, metric_points, service_point
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.message_format import execution_url, labeling_job_url
from labelchain_fn.handlers import compare as compare_module
from labelchain_fn.handlers import record_failure as record_failure_module
from labelchain_fn.handlers.compare import compare
from labelchain_fn.handlers.record_failure import record_failure
from lambda_fakes import (
    EXECUTION_ARN,
    INPUT_BUCKET,
    MODEL_ARN,
    OUTPUT_BUCKET,
    REGION,
    AwsClients,
    Kit,
    describe_response,
    output_line,
    pending_job,
    request_of,
    s3_event,
    settling_of,
)

MAIN = "lc-birds-0002-abcd1234"
CONTROL = "lc-birds-0002c-abcd1234"
NOW = "2026-03-02T16:00:00+00:00"
UPLOAD = s3_event(INPUT_BUCKET, "incoming/birds/b.manifest", "v1")
UPLOAD_KEY = records.upload_key(INPUT_BUCKET, "incoming/birds/b.manifest", "v1")
LAMBDA_CAUSE = json.dumps({"errorMessage": "labeling job lc-birds-0002-abcd1234 failed", "errorType": "X"})
Mailbox = Callable[[], list[dict[str, Any]]]


def failure_event(
    prepared: dict[str, Any] | None,
    error: str = "LabelingJobFailed",
    cause: str = LAMBDA_CAUSE,
    execution_input: dict[str, Any] = UPLOAD,
) -> dict[str, Any]:
    state: dict[str, Any] = {**execution_input, "error": {"Error": error, "Cause": cause}}
    if prepared is not None:
        state["prepared"] = prepared
    return {
        "input": state,
        "executionArn": EXECUTION_ARN,
        "executionName": "run-1",
        "error": {"Error": error, "Cause": cause},
    }


def prepared(*names: str) -> dict[str, Any]:
    """Prepare's output for the jobs ``names`` (main, then control) of the upload ``UPLOAD_KEY``."""
    roles = ("main", "control")
    return {
        "duplicate": False,
        "chain": "birds",
        "sequence": 2,
        "control": len(names) > 1,
        "jobs": {role: {"labelingJobName": name} for role, name in zip(roles, names, strict=False)},
        "upload": UPLOAD_KEY,
    }


def running(store: JobStore, chain: ChainConfig, name: str, role: str = "main") -> dict[str, Any]:
    """A job StartJob created and waits on."""
    item = pending_job(chain, name, sequence=2, role=role)
    store.put_job(item)
    store.mark_in_progress(name, "t", EXECUTION_ARN, f"arn:job/{name}", NOW)
    return item


def claimed(store: JobStore) -> None:
    """The upload claim Prepare left: this execution's, PREPARED."""
    store.claim_upload({**UPLOAD_KEY, "executionArn": EXECUTION_ARN, "status": "PREPARED", "createdAt": NOW})


def describe(sagemaker: Stubber, item: dict[str, Any], status: str = "InProgress", **details: Any) -> None:
    sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), status, **details),
        {"LabelingJobName": item["labelingJobName"]},
    )


@pytest.fixture
def run(kit: Kit) -> Callable[..., dict[str, Any]]:
    def _run(event: dict[str, Any], notifier: Notifier = kit.notifier) -> dict[str, Any]:
        return record_failure(event, settling_of(kit, NOW, notifier))

    return _run


def test_records_the_failure_and_stops_the_running_job(
    kit: Kit,
    run: Any,
    mailbox: Mailbox,
) -> None:
    # GIVEN RecordJob failed while Ground Truth still runs the main job
    item = running(kit.store, kit.chain, MAIN)
    claimed(kit.store)
    describe(kit.sagemaker, item, human=10)
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": MAIN})
    # WHEN RecordFailure runs
    result = run(failure_event(prepared(MAIN)))
    # THEN the readable cause is returned; the job is not settled yet, so only the execution counts
    assert {k: v for k, v in result.items() if k != "metrics"} == {
        "error": "LabelingJobFailed",
        "cause": "labeling job lc-birds-0002-abcd1234 failed",
        "chain": "birds",
        "closedJobs": [],
    }
    assert [d.name for d in result["metrics"]] == ["ExecutionsFailed"]
    # AND the job is asked to stop and keeps its status and the active index (the monitor records STOPPED
    # once Ground Truth says so), with the execution's error noted
    [job] = kit.store.list_active_jobs()
    assert (job["labelingJobName"], job["status"], job["error"]) == (MAIN, "IN_PROGRESS", "LabelingJobFailed")
    # AND the upload stays claimed: its labeling job exists
    upload = kit.store.get_upload(UPLOAD_KEY)
    assert upload is not None and upload["status"] == "PREPARED" and "error" not in upload
    # AND a FAILURE item keeps the original execution input
    failure = kit.store.table.get(records.failure_key("run-1"))
    assert failure is not None and failure["chain"] == "birds" and failure["labelingJobName"] == MAIN
    assert json.loads(failure["input"]) == UPLOAD
    # AND the notification names the error, its cause, the stopped job and the console pages
    [mail] = mailbox()
    assert mail["subject"] == f"labelchain: birds failed: LabelingJobFailed ({MAIN})"
    lines = mail["message"].splitlines()
    assert "Cause:     labeling job lc-birds-0002-abcd1234 failed" in lines
    assert "  Status:        IN_PROGRESS (labeling job stopped)" in lines
    assert f"  Labeling job {MAIN}: {labeling_job_url(REGION, MAIN)}" in lines
    assert f"  Execution: {execution_url(REGION, EXECUTION_ARN)}" in lines


@pytest.mark.usefixtures("buckets")
def test_a_completed_job_is_recorded_even_though_its_execution_failed(
    kit: Kit,
    run: Any,
    mailbox: Mailbox,
    capsys: Any,
) -> None:
    # GIVEN Ground Truth completed the main job, then RecordJob failed (a paid job must not be lost)
    item = running(kit.store, kit.chain, MAIN)
    claimed(kit.store)
    output_key = f"jobs/birds/{MAIN}/manifests/output/output.manifest"
    body = b"".join(output_line(i, human=i < 651) for i in range(1250))
    kit.aws.s3.put_object(Bucket=OUTPUT_BUCKET, Key=output_key, Body=body)
    describe(
        kit.sagemaker,
        item,
        "Completed",
        human=651,
        machine=599,
        model_arn=MODEL_ARN,
        output_uri=f"s3://{OUTPUT_BUCKET}/{output_key}",
    )
    # WHEN RecordFailure runs
    result = run(failure_event(prepared(MAIN), "States.Timeout", "RecordJob timed out"))
    # THEN the job is recorded COMPLETED as Ground Truth says, with its figures and the execution's error
    job = kit.store.get_job(MAIN)
    assert job is not None and (job["status"], job["error"]) == ("COMPLETED", "States.Timeout")
    assert job["counters"]["HumanLabeled"] == 651 and list(kit.store.list_active_jobs()) == []
    # AND its model feeds the chain head
    head = kit.store.get_head("birds")
    assert head is not None and (head["headJobName"], head["headModelArn"]) == (MAIN, MODEL_ARN)
    assert kit.store.get_model(MODEL_ARN) is not None
    # AND it is counted as completed (once), next to the failed execution
    assert result["closedJobs"] == [MAIN]
    assert [d.name for d in result["metrics"]] == ["ExecutionsFailed"]
    counted = chain_metric_names(capsys.readouterr().out)
    assert counted.count("JobsCompleted") == 1 and "JobsFailed" not in counted
    # AND the upload stays claimed, and both the job and the failure are announced
    upload = kit.store.get_upload(UPLOAD_KEY)
    assert upload is not None and upload["status"] == "PREPARED"
    subjects = [m["subject"] for m in mailbox()]
    assert subjects == [
        f"labelchain: {MAIN} Completed (47.9% machine-labeled, $170.31)",
        f"labelchain: birds failed: States.Timeout ({MAIN})",
    ]


def test_a_job_ground_truth_never_created_is_closed_and_the_upload_released(
    kit: Kit,
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN StartJob failed before Ground Truth created the job
    kit.store.put_job(pending_job(kit.chain, MAIN, sequence=2))
    claimed(kit.store)
    kit.sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "no such job")
    # WHEN RecordFailure runs
    result = run(failure_event(prepared(MAIN), "LabelingJobRequestInvalid", "bad request"))
    # THEN the record is FAILED with the execution's error and out of the active index, counted once
    job = kit.store.get_job(MAIN)
    assert job is not None and (job["status"], job["error"], job["cause"]) == (
        "FAILED",
        "LabelingJobRequestInvalid",
        "bad request",
    )
    assert list(kit.store.list_active_jobs()) == []
    assert result["closedJobs"] == [MAIN]
    assert [d.name for d in result["metrics"]] == ["ExecutionsFailed"]
    assert chain_metric_names(capsys.readouterr().out) == ["JobsFailed"]
    # AND the upload claim is released with the error, so a retry of the upload can take the batch over
    upload = kit.store.get_upload(UPLOAD_KEY)
    assert upload is not None and (upload["status"], upload["error"], upload["cause"]) == (
        "RELEASED",
        "LabelingJobRequestInvalid",
        "bad request",
    )


def test_the_upload_stays_claimed_when_ground_truth_has_a_job_whose_arn_was_never_stored(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN StartJob created the job, then died before storing its token and ARN (the record is PENDING),
    # and the execution failed when the retries ran out
    item = pending_job(kit.chain, MAIN, sequence=2)
    kit.store.put_job(item)
    claimed(kit.store)
    describe(kit.sagemaker, item, human=10)
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": MAIN})
    # WHEN RecordFailure runs
    run(failure_event(prepared(MAIN), "Lambda.Unknown", "StartJob died"))
    # THEN the job Ground Truth runs is stopped and the record stays active for the monitor
    [job] = kit.store.list_active_jobs()
    assert (job["labelingJobName"], job["error"]) == (MAIN, "Lambda.Unknown")
    # AND the upload is not released: a labeling job exists for the batch, so no retry may take it over
    upload = kit.store.get_upload(UPLOAD_KEY)
    assert upload is not None and upload["status"] == "PREPARED"


def test_a_job_the_monitor_settled_keeps_its_status_and_gets_the_error(
    store: JobStore,
    chain: ChainConfig,
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN the monitor already settled the execution's job as COMPLETED, and counted it
    running(store, chain, MAIN)
    store.record_figures(MAIN, "COMPLETED", {"labelingJobStatus": "Completed"}, NOW)
    store.mark_counted(MAIN, NOW)
    claimed(store)
    # WHEN RecordFailure runs (nothing is described: the stubbed SageMaker expects no call)
    result = run(failure_event(prepared(MAIN), "States.Timeout", "timed out"))
    # THEN the job stays COMPLETED with the execution's error noted, and is not counted again
    job = store.get_job(MAIN)
    assert job is not None and (job["status"], job["error"], job["cause"]) == (
        "COMPLETED",
        "States.Timeout",
        "timed out",
    )
    assert result["closedJobs"] == [] and [d.name for d in result["metrics"]] == ["ExecutionsFailed"]
    assert chain_metric_names(capsys.readouterr().out) == []
    upload = store.get_upload(UPLOAD_KEY)
    assert upload is not None and upload["status"] == "PREPARED"


def test_a_settled_job_whose_settler_died_before_counting_it_is_counted_once(
    store: JobStore,
    chain: ChainConfig,
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN RecordJob settled the job COMPLETED, then died before it printed the job's metrics
    running(store, chain, MAIN)
    store.record_figures(
        MAIN, "COMPLETED", {"labelingJobStatus": "Completed", "labelingJobArn": "arn:job"}, NOW
    )
    claimed(store)
    # WHEN RecordFailure runs for the failed execution, then again (a retry)
    run(failure_event(prepared(MAIN), "Lambda.Unknown", "RecordJob died"))
    run(failure_event(prepared(MAIN), "Lambda.Unknown", "RecordJob died"))
    # THEN the job is counted as completed exactly once, and the record remembers it
    assert chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    job = store.get_job(MAIN)
    assert job is not None and job["countedAt"] == NOW


def test_records_a_prepare_failure_without_jobs(store: JobStore, run: Any) -> None:
    # GIVEN Prepare rejected the manifest: no job exists
    event = failure_event(None, "ManifestInvalid", json.dumps({"errorMessage": "line 3: not JSON"}))
    # WHEN RecordFailure runs
    result = run(event)
    # THEN the failure is stored under the chain named by the upload key, and no job counts as failed
    assert result["cause"] == "line 3: not JSON" and result["closedJobs"] == []
    assert [d.name for d in result["metrics"]] == ["ExecutionsFailed"]
    failure = store.table.get(records.failure_key("run-1"))
    assert failure is not None and failure["chain"] == "birds" and "labelingJobName" not in failure
    assert failure["gsi1pk"] == "CHAIN#birds"


def test_a_failed_comparison_keeps_the_finished_job(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN the main job was recorded, then the comparison failed while the control job runs
    running(kit.store, kit.chain, MAIN)
    assert kit.store.record_figures(MAIN, "COMPLETED", {}, NOW).first
    control = running(kit.store, kit.chain, CONTROL, "control")
    describe(kit.sagemaker, control, human=3)
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": CONTROL})
    # WHEN RecordFailure runs
    result = run(failure_event(prepared(MAIN, CONTROL), "States.Timeout", "timed out"))
    # THEN only the control job is stopped (it stays active until it has stopped); the completed one keeps
    # Ground Truth's status (the execution's error is noted on it), and neither is counted by this call
    assert result["closedJobs"] == []
    main, stopped = kit.store.get_job(MAIN), kit.store.get_job(CONTROL)
    assert main is not None and (main["status"], main["error"]) == ("COMPLETED", "States.Timeout")
    assert "activePk" not in main
    assert stopped is not None and (stopped["status"], stopped["cause"]) == ("IN_PROGRESS", "timed out")
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [CONTROL]


def test_jobs_of_another_execution_are_left_alone(store: JobStore, chain: ChainConfig, run: Any) -> None:
    # GIVEN the job names of the prepared output belong to another execution's records
    store.put_job(pending_job(chain, MAIN, sequence=2, execution_arn=EXECUTION_ARN.replace("run-1", "run-9")))
    # WHEN RecordFailure runs (nothing is described or stopped: the stubbed SageMaker expects no call)
    result = run(failure_event(prepared(MAIN)))
    # THEN the other execution's record is untouched
    assert result["closedJobs"] == []
    job = store.get_job(MAIN)
    assert job is not None and job["status"] == "PENDING" and "error" not in job


def test_unreadable_input_is_still_recorded(aws: AwsClients, store: JobStore, run: Any) -> None:
    # GIVEN an execution started with garbage and a notification topic that is gone
    notifier = Notifier("arn:aws:sns:us-east-1:123456789012:gone", aws.sns)
    event = failure_event(None, "InputInvalid", "bad", execution_input={"hello": "world"})
    # WHEN RecordFailure runs
    result = run(event, notifier)
    # THEN the failure is stored without a chain, and the lost notification did not fail the task
    failure = store.table.get(records.failure_key("run-1"))
    assert result["chain"] is None and failure is not None and "gsi1pk" not in failure
    assert notifier.failed == 1


def test_record_failure_handler_returns_error_and_cause(
    handler_env: None,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    result = record_failure_module.handler(
        failure_event(None, "ManifestTooSmall", "empty manifest"), lambda_context
    )
    assert result == {"error": "ManifestTooSmall", "cause": "empty manifest"}
    # AND the execution counts as failed for its chain; no labeling job existed to count
    assert metric_points(capsys.readouterr().out) == [
        service_point("NotificationsFailed", 0.0),
        chain_point("ExecutionsFailed", 1.0),
    ]


@pytest.mark.usefixtures("handler_env")
def test_record_failure_handler_counts_each_job_it_closes_once(
    kit: Kit,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN the main and control jobs of an execution that failed before Ground Truth created either
    for name, role in ((MAIN, "main"), (CONTROL, "control")):
        kit.store.put_job(pending_job(kit.chain, name, sequence=2, role=role))
        kit.sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "no such job")
    # WHEN the entry point records the failure twice (a Lambda retry)
    event = failure_event(prepared(MAIN, CONTROL), "States.Timeout", "timed out")
    first = record_failure_module.handler(event, lambda_context)
    record_failure_module.handler(event, lambda_context)
    # THEN it answers with the error and cause only, and both jobs count as failed once, under their chain
    assert first == {"error": "States.Timeout", "cause": "timed out"}
    failed = [p for p in metric_points(capsys.readouterr().out) if p.name == "JobsFailed"]
    assert failed == [chain_point("JobsFailed", 1.0), chain_point("JobsFailed", 1.0)]


def summary(name: str, role: str, machine_percent: float, total: float, elapsed: int) -> dict[str, Any]:
    return {
        "labelingJobName": name,
        "chain": "birds",
        "sequence": 2,
        "role": role,
        "status": "COMPLETED",
        "counters": {"HumanLabeled": 1},
        "machinePercent": machine_percent,
        "cost": {"totalUsd": total},
        "elapsedSeconds": elapsed,
        "initialModelArn": None,
        "finalModelArn": None,
        "headAdvanced": False,
    }


COMPARE_EVENT = {
    "main": summary(MAIN, "main", 79.2, 128.08, 3600),
    "control": summary(CONTROL, "control", 60.2, 153.78, 7200),
    "chain": "birds",
}


def test_compare_stores_and_announces_the_comparison(
    kit: Kit,
    mailbox: Mailbox,
) -> None:
    # GIVEN the warm-started job 2 (recorded by its execution) and its cold control (the blog's figures)
    # WHEN they are compared
    running(kit.store, kit.chain, MAIN)
    result = compare(COMPARE_EVENT, store=kit.store, notifier=kit.notifier, now=NOW, region=REGION)
    # THEN the saving is stored next to the main job and announced
    assert (result["machinePercentDelta"], result["costSavingPercent"], result["elapsedRatio"]) == (
        19.0,
        16.7,
        0.5,
    )
    stored = kit.store.table.get(records.comparison_key(MAIN))
    assert stored is not None and stored["gsi1sk"] == "COMPARISON#00000002"
    assert stored["warm"]["labelingJobName"] == MAIN and stored["control"]["labelingJobName"] == CONTROL
    [mail] = mailbox()
    assert (
        mail["subject"]
        == "labelchain: birds warm start vs control: +19.0 points machine-labeled, 16.7% cheaper"
    )
    body = mail["message"]
    assert f"Warm-started job {MAIN}:" in body and f"Control job (cold start) {CONTROL}:" in body
    assert "Cost saving:           16.7% of the control's cost" in body
    # AND the execution link comes from the main job's record (the payload carries no execution ARN)
    assert execution_url(REGION, EXECUTION_ARN) in body


def test_compare_handler_emits_the_saving(
    handler_env: None,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    compare_module.handler(json.loads(json.dumps(COMPARE_EVENT)), lambda_context)
    points = metric_points(capsys.readouterr().out)
    assert chain_point("Comparisons", 1.0) in points
    assert chain_point("WarmStartCostSavingPercent", 16.7, "Percent") in points
    assert service_point("NotificationsFailed", 0.0) in points


@pytest.mark.parametrize("missing", ["main", "control"])
def test_compare_fails_without_both_summaries(store: JobStore, notifier: Notifier, missing: str) -> None:
    event = {k: v for k, v in COMPARE_EVENT.items() if k != missing}
    with pytest.raises(KeyError, match=missing):
        compare(event, store=store, notifier=notifier, now=NOW, region=REGION)


def test_compare_reports_a_failed_control_without_figures(
    kit: Kit,
    mailbox: Mailbox,
) -> None:
    # GIVEN the main job completed, and ControlJobFailed's summary of a control that was stopped
    running(kit.store, kit.chain, MAIN)
    control = {**summary(CONTROL, "control", 0, 0, 0), "status": "IN_PROGRESS", "error": "States.Timeout"}
    # WHEN they are compared
    result = compare(
        {**COMPARE_EVENT, "control": control}, store=kit.store, notifier=kit.notifier, now=NOW, region=REGION
    )
    # THEN the stored comparison says the control failed and holds no deltas
    assert result["controlFailed"] is True and result["controlError"] == "States.Timeout"
    assert not {"machinePercentDelta", "costSavingPercent", "elapsedRatio"} & set(result)
    stored = kit.store.table.get(records.comparison_key(MAIN))
    assert stored is not None and stored["controlFailed"] is True
    [mail] = mailbox()
    assert mail["subject"] == "labelchain: birds control job failed (States.Timeout); no comparison"


def test_compare_handler_emits_no_saving_for_a_failed_control(
    handler_env: None,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    control = {**summary(CONTROL, "control", 0, 0, 0), "status": "FAILED", "error": "LabelingJobFailed"}
    compare_module.handler(json.loads(json.dumps({**COMPARE_EVENT, "control": control})), lambda_context)
    points = metric_points(capsys.readouterr().out)
    assert chain_point("Comparisons", 1.0) in points
    assert "WarmStartCostSavingPercent" not in [p.name for p in points]
