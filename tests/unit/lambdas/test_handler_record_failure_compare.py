"""RecordFailure (stores why, stops orphaned jobs) and CompareJobs (warm start vs control)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber
from emf_points import chain_point, metric_points, service_point
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.message_format import execution_url, labeling_job_url
from labelchain_fn.handlers import compare as compare_module
from labelchain_fn.handlers import record_failure as record_failure_module
from labelchain_fn.handlers.compare import compare
from labelchain_fn.handlers.record_failure import record_failure
from lambda_fakes import EXECUTION_ARN, INPUT_BUCKET, REGION, AwsClients, pending_job, s3_event

MAIN = "lc-birds-0002-abcd1234"
CONTROL = "lc-birds-0002c-abcd1234"
NOW = "2026-03-02T16:00:00+00:00"
UPLOAD = s3_event(INPUT_BUCKET, "incoming/birds/b.manifest", "v1")
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
    roles = ("main", "control")
    return {
        "duplicate": False,
        "chain": "birds",
        "sequence": 2,
        "control": len(names) > 1,
        "jobs": {role: {"labelingJobName": name} for role, name in zip(roles, names, strict=False)},
    }


def running(store: JobStore, chain: ChainConfig, name: str, role: str = "main") -> None:
    store.put_job(pending_job(chain, name, sequence=2, role=role))
    store.mark_in_progress(name, "t", EXECUTION_ARN, f"arn:job/{name}", NOW)


def test_records_the_failure_and_stops_the_running_job(
    store: JobStore,
    chain: ChainConfig,
    sagemaker: Stubber,
    labeling: LabelingJobs,
    notifier: Notifier,
    mailbox: Mailbox,
) -> None:
    # GIVEN RecordJob failed while the main job still runs
    running(store, chain, MAIN)
    sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": MAIN})
    # WHEN RecordFailure runs
    result = record_failure(
        failure_event(prepared(MAIN)),
        store=store,
        labeling=labeling,
        notifier=notifier,
        now=NOW,
        region=REGION,
    )
    # THEN the readable cause is returned and stored on the job, which is stopped and inactive
    assert result == {
        "error": "LabelingJobFailed",
        "cause": "labeling job lc-birds-0002-abcd1234 failed",
        "chain": "birds",
        "failedJobs": [MAIN],
    }
    job = store.get_job(MAIN)
    assert job is not None and (job["status"], job["error"]) == ("FAILED", "LabelingJobFailed")
    assert list(store.list_active_jobs()) == []
    # AND a FAILURE item keeps the original execution input
    failure = store.table.get(records.failure_key("run-1"))
    assert failure is not None and failure["chain"] == "birds" and failure["labelingJobName"] == MAIN
    assert json.loads(failure["input"]) == UPLOAD
    # AND the notification names the error, its cause, the stopped job and the console pages
    [mail] = mailbox()
    assert mail["subject"] == f"labelchain: birds failed: LabelingJobFailed ({MAIN})"
    lines = mail["message"].splitlines()
    assert "Cause:     labeling job lc-birds-0002-abcd1234 failed" in lines
    assert "  Status:        FAILED (labeling job stopped)" in lines
    assert f"  Labeling job {MAIN}: {labeling_job_url(REGION, MAIN)}" in lines
    assert f"  Execution: {execution_url(REGION, EXECUTION_ARN)}" in lines


def test_records_a_prepare_failure_without_jobs(
    store: JobStore, labeling: LabelingJobs, notifier: Notifier
) -> None:
    # GIVEN Prepare rejected the manifest: no job exists
    event = failure_event(None, "ManifestInvalid", json.dumps({"errorMessage": "line 3: not JSON"}))
    # WHEN RecordFailure runs
    result = record_failure(event, store=store, labeling=labeling, notifier=notifier, now=NOW, region=REGION)
    # THEN the failure is stored under the chain named by the upload key, and no job counts as failed
    assert result["cause"] == "line 3: not JSON" and result["failedJobs"] == []
    failure = store.table.get(records.failure_key("run-1"))
    assert failure is not None and failure["chain"] == "birds" and "labelingJobName" not in failure
    assert failure["gsi1pk"] == "CHAIN#birds"


def test_a_failed_comparison_keeps_the_finished_job(
    store: JobStore, chain: ChainConfig, sagemaker: Stubber, labeling: LabelingJobs, notifier: Notifier
) -> None:
    # GIVEN the main job was recorded, then the control branch failed while its job runs
    running(store, chain, MAIN)
    store.record_figures(MAIN, "COMPLETED", {}, NOW)
    running(store, chain, CONTROL, "control")
    sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": CONTROL})
    # WHEN RecordFailure runs
    result = record_failure(
        failure_event(prepared(MAIN, CONTROL), "States.Timeout", "timed out"),
        store=store,
        labeling=labeling,
        notifier=notifier,
        now=NOW,
        region=REGION,
    )
    # THEN only the control job is stopped, marked and counted; the completed one stays completed
    assert result["failedJobs"] == [CONTROL]
    main, control = store.get_job(MAIN), store.get_job(CONTROL)
    assert main is not None and main["status"] == "COMPLETED"
    assert control is not None and (control["status"], control["cause"]) == ("FAILED", "timed out")


def test_unreadable_input_is_still_recorded(aws: AwsClients, store: JobStore, labeling: LabelingJobs) -> None:
    # GIVEN an execution started with garbage and a notification topic that is gone
    notifier = Notifier("arn:aws:sns:us-east-1:123456789012:gone", aws.sns)
    event = failure_event(None, "InputInvalid", "bad", execution_input={"hello": "world"})
    # WHEN RecordFailure runs
    result = record_failure(event, store=store, labeling=labeling, notifier=notifier, now=NOW, region=REGION)
    # THEN the failure is stored without a chain, and the lost notification did not fail the task
    failure = store.table.get(records.failure_key("run-1"))
    assert result["chain"] is None and failure is not None and "gsi1pk" not in failure
    assert notifier.failed == 1


def test_record_failure_handler_returns_error_and_cause(
    handler_env: None, lambda_context: SimpleNamespace, capsys: Any
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


def test_record_failure_handler_counts_each_job_it_closes(
    handler_env: None,
    store: JobStore,
    chain: ChainConfig,
    sagemaker: Stubber,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN the main and control jobs of an execution both still run when it fails
    running(store, chain, MAIN)
    running(store, chain, CONTROL, "control")
    for name in (MAIN, CONTROL):
        sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": name})
    # WHEN the entry point records the failure twice (a Lambda retry)
    event = failure_event(prepared(MAIN, CONTROL), "States.Timeout", "timed out")
    record_failure_module.handler(event, lambda_context)
    record_failure_module.handler(event, lambda_context)
    # THEN both jobs count as failed once, under their chain
    failed = [p for p in metric_points(capsys.readouterr().out) if p.name == "JobsFailed"]
    assert failed == [chain_point("JobsFailed", 2.0)]


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
    store: JobStore, chain: ChainConfig, notifier: Notifier, mailbox: Mailbox
) -> None:
    # GIVEN the warm-started job 2 (recorded by its execution) and its cold control (the blog's figures)
    # WHEN they are compared
    running(store, chain, MAIN)
    result = compare(COMPARE_EVENT, store=store, notifier=notifier, now=NOW, region=REGION)
    # THEN the saving is stored next to the main job and announced
    assert (result["machinePercentDelta"], result["costSavingPercent"], result["elapsedRatio"]) == (
        19.0,
        16.7,
        0.5,
    )
    stored = store.table.get(records.comparison_key(MAIN))
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
    handler_env: None, lambda_context: SimpleNamespace, capsys: Any
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
