"""Monitor (the reconciler): snapshots, missed events, jobs nobody will record, and one alert per stall."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from emf_points import chain_metric_names, chain_point, metric_points, service_point
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.message_format import execution_url, labeling_job_url
from labelchain_fn.handlers import monitor as monitor_module
from labelchain_fn.handlers.monitor import MonitorIncomplete, Reconciler, monitor
from lambda_fakes import (
    EXECUTION_ARN,
    MODEL_ARN,
    REGION,
    T0,
    AwsClients,
    Deployed,
    Kit,
    describe_response,
    pending_job,
    request_of,
)

NAME = "lc-birds-0001-abcd1234"
STARTED = "2026-03-02T14:00:00+00:00"
NOW = "2026-03-02T17:00:00+00:00"
Calls = list[tuple[str, dict[str, Any]]]
Mailbox = Callable[[], list[dict[str, Any]]]
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


@pytest.fixture
def execution(aws: AwsClients) -> str:
    """The running execution of EXECUTION_ARN (state machine ``labelchain``, execution ``run-1``)."""
    machine = aws.sfn.create_state_machine(
        name="labelchain", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    arn = str(aws.sfn.start_execution(stateMachineArn=machine, name="run-1")["executionArn"])
    assert arn == EXECUTION_ARN
    return arn


@pytest.fixture
def item(store: JobStore, chain: ChainConfig, execution: str) -> dict[str, Any]:
    job = pending_job(chain, NAME, now=STARTED)
    store.put_job(job)
    store.mark_in_progress(NAME, "token-1", execution, "arn:job", STARTED)
    return job


@pytest.fixture
def run(
    pipeline_settings: Settings,
    chain: ChainConfig,
    store: JobStore,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    objects: Objects,
    notifier: Notifier,
) -> Callable[..., dict[str, Any]]:
    def _run(now: str = NOW, callbacks: Callbacks = callbacks) -> dict[str, Any]:
        reconciler = Reconciler(
            settings=pipeline_settings,
            chains={"birds": chain},
            store=store,
            labeling=labeling,
            callbacks=callbacks,
            objects=objects,
            notifier=notifier,
            now=now,
        )
        return monitor(reconciler)

    return _run


def describe(sagemaker: Stubber, item: dict[str, Any], status: str = "InProgress", **counts: Any) -> None:
    sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), status, **counts),
        {"LabelingJobName": item["labelingJobName"]},
    )


def no_such_job(sagemaker: Stubber) -> None:
    """Ground Truth has no job of the name (it was never created)."""
    sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "Could not find job")


def abort_while_running(kit: Kit, item: dict[str, Any], execution: str) -> None:
    """The execution of the running job ``item`` is aborted; the monitor will describe and stop the job."""
    kit.aws.sfn.stop_execution(executionArn=execution)
    describe(kit.sagemaker, item, human=10)
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": NAME})


def test_first_look_writes_a_snapshot(
    kit: Kit,
    item: dict[str, Any],
    run: Any,
) -> None:
    # GIVEN a running job with some human labels
    describe(kit.sagemaker, item, human=10, unlabeled=1240)
    # WHEN the monitor runs
    summary = run()
    # THEN a snapshot holds the counters, the progress clock starts, and nothing is sent
    assert summary["checked"] == 1 and summary["jobs"][0]["snapshot"] is True
    snapshot = kit.store.last_snapshot(NAME)
    assert snapshot is not None and snapshot["counters"]["HumanLabeled"] == 10 and snapshot["at"] == NOW
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["lastProgressAt"] == NOW and kit.sfn_calls == []


def test_sends_a_missed_callback(
    kit: Kit,
    item: dict[str, Any],
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN the job completed but its event was lost
    describe(kit.sagemaker, item, "Completed", human=651, machine=599)
    # WHEN the monitor runs
    summary = run()
    # THEN it resumes the execution like JobStateChanged would, and leaves the recording to RecordJob
    [job] = summary["jobs"]
    assert (job["callback"], job["settled"]) == ("sent", False)
    assert chain_metric_names(capsys.readouterr().out) == []
    assert [op for op, _ in kit.sfn_calls] == ["SendTaskSuccess"]
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [NAME]


def test_resends_a_callback_whose_claim_a_dead_sender_left(
    kit: Kit,
    item: dict[str, Any],
    run: Any,
) -> None:
    # GIVEN JobStateChanged claimed the callback of the completed job, then died before sending it
    assert kit.store.mark_callback_sent(NAME, "token-1", STARTED)
    describe(kit.sagemaker, item, "Completed", human=651, machine=599)
    # WHEN the monitor runs while the execution still waits
    summary = run()
    # THEN it sends the callback anyway (a task that no longer waits would refuse it), once
    assert summary["jobs"][0]["callback"] == "sent"
    assert kit.sfn_calls == [
        (
            "SendTaskSuccess",
            {
                "taskToken": "token-1",
                "output": json.dumps({"labelingJobName": NAME, "labelingJobStatus": "Completed"}),
            },
        )
    ]
    # AND the record waits for RecordJob
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "IN_PROGRESS" and stored["callbackSent"] is True


def test_settles_a_completed_job_whose_task_no_longer_waits(
    item: dict[str, Any],
    sagemaker: Stubber,
    store: JobStore,
    run: Any,
    boto_session: boto3.session.Session,
    mailbox: Mailbox,
) -> None:
    # GIVEN the execution still runs, but its task no longer waits on the job's token (it timed out)
    client = boto_session.client("stepfunctions")
    describe(sagemaker, item, "Completed", human=651, machine=599)
    with Stubber(client) as stepfunctions:
        stepfunctions.add_response(
            "describe_execution",
            {
                "executionArn": EXECUTION_ARN,
                "stateMachineArn": EXECUTION_ARN.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0],
                "status": "RUNNING",
                "startDate": T0,
            },
            {"executionArn": EXECUTION_ARN},
        )
        stepfunctions.add_client_error("send_task_success", "TaskTimedOut", "Task Timed Out")
        # WHEN the monitor runs
        summary = run(callbacks=Callbacks(client))
        stepfunctions.assert_no_pending_responses()
    # THEN nobody will record the job, so the monitor settles it as Ground Truth reports it
    [job] = summary["jobs"]
    assert (job["callback"], job["settled"]) == ("not-waiting", True)
    stored = store.get_job(NAME)
    assert (
        stored is not None and stored["status"] == "COMPLETED" and stored["counters"]["HumanLabeled"] == 651
    )
    assert list(store.list_active_jobs()) == []
    assert [m["subject"] for m in mailbox()] == [
        f"labelchain: {NAME} Completed (47.9% machine-labeled, $170.31)"
    ]


def test_stops_a_job_whose_execution_was_aborted(
    kit: Kit,
    item: dict[str, Any],
    execution: str,
    run: Any,
    mailbox: Mailbox,
    capsys: Any,
) -> None:
    # GIVEN the execution was aborted while the job runs
    abort_while_running(kit, item, execution)
    # WHEN the monitor runs
    summary = run()
    # THEN the job is asked to stop and the stop announced
    [job] = summary["jobs"]
    assert job["stopped"] is True and job["settled"] is False
    assert chain_metric_names(capsys.readouterr().out) == []
    [mail] = mailbox()
    assert mail["subject"] == f"labelchain: stopped {NAME}"
    assert "Stopping (the execution is ABORTED)" in mail["message"]
    assert labeling_job_url(REGION, NAME) in mail["message"]
    # AND the record stays active, with why, until Ground Truth reports the job stopped
    [active] = kit.store.list_active_jobs()
    assert (active["status"], active["error"]) == ("IN_PROGRESS", "ExecutionEnded")
    assert "ABORTED" in active["cause"]


def test_records_a_stopped_job_once_ground_truth_says_it_stopped(
    kit: Kit,
    item: dict[str, Any],
    execution: str,
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN the monitor stopped the job of an aborted execution
    abort_while_running(kit, item, execution)
    run()
    # WHEN Ground Truth reports it Stopped at the next run
    describe(kit.sagemaker, item, "Stopped", human=10)
    summary = run("2026-03-02T17:05:00+00:00")
    # THEN the job is settled STOPPED, counted as failed once, and leaves the active index
    [job] = summary["jobs"]
    assert job["settled"] is True and chain_metric_names(capsys.readouterr().out)[0] == "JobsFailed"
    stored = kit.store.get_job(NAME)
    assert stored is not None and (stored["status"], stored["labelingJobStatus"]) == ("STOPPED", "Stopped")
    assert stored["countedAt"] == "2026-03-02T17:05:00+00:00"
    assert list(kit.store.list_active_jobs()) == []


def test_settles_a_completed_job_whose_execution_ended_exactly_once(
    kit: Kit,
    item: dict[str, Any],
    execution: str,
    run: Any,
    mailbox: Mailbox,
    capsys: Any,
) -> None:
    # GIVEN the execution was aborted and the job then completed with a final model
    kit.aws.sfn.stop_execution(executionArn=execution)
    output_uri = f"s3://lc-output/jobs/birds/{NAME}/manifests/output/output.manifest"
    describe(
        kit.sagemaker, item, "Completed", human=651, machine=599, model_arn=MODEL_ARN, output_uri=output_uri
    )
    # WHEN the monitor runs twice
    first, second = run(), run("2026-03-02T17:05:00+00:00")
    # THEN the first run records the job as Ground Truth reports it (nobody else will), counting it once
    [job] = first["jobs"]
    assert job["settled"] is True and chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "COMPLETED" and stored["notifiedAt"] == NOW
    assert stored["counters"]["HumanLabeled"] == 651
    # AND its model feeds the chain head, although the execution ended
    head = kit.store.get_head("birds")
    assert head is not None and (head["headJobName"], head["headModelArn"]) == (NAME, MODEL_ARN)
    # AND the second run finds nothing left to do
    assert (second["checked"], second["jobs"]) == (0, [])
    assert [m["subject"] for m in mailbox()] == [
        f"labelchain: {NAME} Completed (47.9% machine-labeled, $170.31)"
    ]


def test_closes_a_record_whose_job_was_never_created_once_its_execution_ended(
    kit: Kit,
    execution: str,
    run: Any,
    capsys: Any,
) -> None:
    # GIVEN a PENDING record whose execution was aborted before StartJob created the job
    kit.store.put_job(pending_job(kit.chain, NAME, now=STARTED))
    kit.aws.sfn.stop_execution(executionArn=execution)
    no_such_job(kit.sagemaker)
    # WHEN the monitor runs
    summary = run()
    # THEN the record is closed FAILED (nothing exists to settle), counted once, and leaves the index
    [job] = summary["jobs"]
    assert job["settled"] is True and chain_metric_names(capsys.readouterr().out) == ["JobsFailed"]
    stored = kit.store.get_job(NAME)
    assert stored is not None and (stored["status"], stored["error"]) == ("FAILED", "ExecutionEnded")
    assert "ABORTED" in stored["cause"] and list(kit.store.list_active_jobs()) == []


def test_waits_for_a_job_its_running_execution_has_not_created_yet(
    kit: Kit,
    execution: str,
    run: Any,
) -> None:
    # GIVEN a PENDING record of a running execution (StartJob is about to create the job)
    kit.store.put_job(pending_job(kit.chain, NAME, now=STARTED))
    no_such_job(kit.sagemaker)
    # WHEN the monitor runs THEN the record is left as it is
    [job] = run()["jobs"]
    assert job["settled"] is False and job["labelingJobStatus"] is None
    [active] = kit.store.list_active_jobs()
    assert active["status"] == "PENDING" and "error" not in active


def test_alerts_once_per_stall(
    item: dict[str, Any],
    sagemaker: Stubber,
    store: JobStore,
    run: Any,
    mailbox: Mailbox,
) -> None:
    # GIVEN counters unchanged for 3 hours (alert after 60 minutes)
    store.put_snapshot(
        {
            **records.snapshot_key(NAME, STARTED),
            "counters": {"TotalLabeled": 10, "HumanLabeled": 10, "Unlabeled": 1240},
        }
    )
    store.note_progress(NAME, STARTED)
    for _ in range(2):
        describe(sagemaker, item, human=10, unlabeled=1240)
    # WHEN the monitor runs twice
    first, second = run(), run("2026-03-02T17:15:00+00:00")
    # THEN exactly one alert is sent
    assert (first["jobs"][0]["stalled"], second["jobs"][0]["stalled"]) == (True, False)
    alerts = mailbox()
    assert [a["subject"] for a in alerts] == [f"labelchain: {NAME} has stalled"]
    # AND the alert gives the progress so far, when it stopped moving, and the console pages
    lines = alerts[0]["message"].splitlines()
    assert "Human-labeled:         10" in lines and "Unlabeled:             1,240" in lines
    assert f"Last progress:         {STARTED} (alert after 60 min without progress)" in lines
    assert f"  Execution: {execution_url(REGION, EXECUTION_ARN)}" in lines


def test_progress_rearms_the_stall_alert(
    item: dict[str, Any],
    sagemaker: Stubber,
    store: JobStore,
    run: Any,
) -> None:
    # GIVEN a stall already reported
    store.put_snapshot({**records.snapshot_key(NAME, STARTED), "counters": {"HumanLabeled": 10}})
    store.mark_stalled_alerted(NAME, STARTED)
    # WHEN the counters move
    describe(sagemaker, item, human=20)
    run()
    # THEN the progress clock restarts and a later stall would be reported again
    stored = store.get_job(NAME)
    assert stored is not None and stored["lastProgressAt"] == NOW and "stalledAlertedAt" not in stored


def test_fails_when_a_job_cannot_be_checked_after_checking_the_others(
    kit: Kit,
    item: dict[str, Any],
    execution: str,
    run: Any,
) -> None:
    # GIVEN two active jobs; describing the older one fails
    other = pending_job(kit.chain, "lc-birds-0002-abcd1234", sequence=2, now="2026-03-02T15:00:00+00:00")
    kit.store.put_job(other)
    kit.store.mark_in_progress(other["labelingJobName"], "token-2", execution, "arn:job2", STARTED)
    kit.sagemaker.add_client_error("describe_labeling_job", "InternalFailure", "boom")
    describe(kit.sagemaker, other, human=3)
    # WHEN/THEN the monitor still checks the second job, then reports the failure
    with pytest.raises(MonitorIncomplete, match=NAME):
        run()
    assert kit.store.last_snapshot("lc-birds-0002-abcd1234") is not None


def test_handler_reports_active_jobs(
    deployed: Deployed,
    item: dict[str, Any],
    capsys: Any,
) -> None:
    # GIVEN the deployed environment and one running job
    describe(deployed.sagemaker, item, human=1)
    # WHEN the scheduled entry point runs
    summary = monitor_module.handler({"source": "aws.events"}, deployed.context)
    # THEN it checked the job and emitted the pipeline-wide metrics
    assert summary["checked"] == 1
    assert metric_points(capsys.readouterr().out) == [
        service_point("NotificationsFailed", 0.0),
        service_point("ActiveJobs", 1.0),
        service_point("StalledJobs", 0.0),
    ]


def test_handler_counts_a_stall(
    deployed: Deployed,
    item: dict[str, Any],
    store: JobStore,
    capsys: Any,
) -> None:
    # GIVEN a job whose counters have not moved since it started, hours ago (alert after 60 minutes)
    counters = {"TotalLabeled": 10, "HumanLabeled": 10, "Unlabeled": 1240}
    store.put_snapshot({**records.snapshot_key(NAME, STARTED), "counters": counters})
    describe(deployed.sagemaker, item, human=10, unlabeled=1240)
    # WHEN the scheduled entry point runs
    monitor_module.handler({"source": "aws.events"}, deployed.context)
    # THEN the stall is counted once
    assert service_point("StalledJobs", 1.0) in metric_points(capsys.readouterr().out)


def test_handler_counts_jobs_it_settles_per_chain(
    deployed: Deployed,
    item: dict[str, Any],
    execution: str,
    aws: AwsClients,
    capsys: Any,
) -> None:
    # GIVEN the execution was aborted and Ground Truth reports the job Stopped (nobody else will count it)
    aws.sfn.stop_execution(executionArn=execution)
    describe(deployed.sagemaker, item, "Stopped", human=10)
    # WHEN the scheduled entry point runs twice
    first = monitor_module.handler({"source": "aws.events"}, deployed.context)
    monitor_module.handler({"source": "aws.events"}, deployed.context)
    # THEN the job counts as failed for its chain, once, with its figures
    points = metric_points(capsys.readouterr().out)
    assert [p for p in points if p.name == "JobsFailed"] == [chain_point("JobsFailed", 1.0)]
    assert chain_point("JobDurationSeconds", 3600.0, "Seconds") in points
    # AND the answer stays JSON (the metrics were emitted, not returned)
    assert first["jobs"][0]["settled"] is True and "metrics" not in first["jobs"][0]
    assert json.loads(json.dumps(first)) == first


def test_handler_reports_the_checked_jobs_when_some_fail(
    deployed: Deployed,
    item: dict[str, Any],
    capsys: Any,
) -> None:
    # GIVEN describing the only active job fails
    deployed.sagemaker.add_client_error("describe_labeling_job", "InternalFailure", "boom")
    # WHEN/THEN the invocation fails but still reports its metrics
    with pytest.raises(MonitorIncomplete):
        monitor_module.handler({"source": "aws.events"}, deployed.context)
    points = metric_points(capsys.readouterr().out)
    assert service_point("ActiveJobs", 0.0) in points and service_point("NotificationsFailed", 0.0) in points
