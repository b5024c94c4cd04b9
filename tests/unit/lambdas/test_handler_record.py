"""RecordJob: figures from DescribeLabelingJob and the output manifest; the head moves only forward."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from emf_points import chain_metric_names, chain_point, metric_points, service_point
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.core import records
from labelchain_fn.core.errors import JobRecordNotFound, LabelingJobNotEnded
from labelchain_fn.core.message_format import execution_url, labeling_job_url
from labelchain_fn.handlers import record as record_module
from labelchain_fn.handlers.record import record
from lambda_fakes import (
    EXECUTION_ARN,
    MODEL_ARN,
    OUTPUT_BUCKET,
    REGION,
    Kit,
    describe_response,
    output_line,
    pending_job,
    request_of,
    settling_of,
)

from stacks.job_run import TRANSIENT_ERRORS

NAME = "lc-birds-0002-abcd1234"
CONTROL = "lc-birds-0002c-abcd1234"
NOW = "2026-03-02T16:00:00+00:00"
OUTPUT_KEY = f"jobs/birds/{NAME}/manifests/output/output.manifest"
Mailbox = Callable[[], list[dict[str, Any]]]


def record_with(kit: Kit, event: dict[str, Any], notifier: Notifier | None = None) -> Any:
    """RecordJob for ``event`` on the test's clients (``notifier`` default the test topic's) at ``NOW``."""
    return record(event, settling_of(kit, NOW, notifier))


def queue_completed(kit: Kit, item: dict[str, Any]) -> None:
    """Queue the DescribeLabelingJob of ``item`` completed with 651 human and 599 machine labels."""
    kit.sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), "Completed", human=651, machine=599, model_arn=MODEL_ARN),
        {"LabelingJobName": NAME},
    )


@pytest.fixture
def run(kit: Kit) -> Callable[[str], dict[str, Any]]:
    def _run(name: str = NAME) -> dict[str, Any]:
        summary: dict[str, Any] = record_with(kit, {"labelingJobName": name}).summary
        return summary

    return _run


def finished(
    kit: Kit,
    *,
    role: str = "main",
    sequence: int = 2,
    model: str | None = MODEL_ARN,
    human: int = 651,
    machine: int = 599,
    write_output: bool = True,
    status: str = "Completed",
) -> dict[str, Any]:
    """A recorded job that completed with ``human``/``machine`` labels and an output manifest."""
    name = NAME if role == "main" else NAME.replace("0002-", "0002c-")
    item = pending_job(kit.chain, name, sequence=sequence, role=role)
    kit.store.put_job(item)
    kit.store.mark_in_progress(name, "t", item["executionArn"], "arn:job", NOW)
    output_uri = f"s3://{OUTPUT_BUCKET}/{OUTPUT_KEY}"
    if write_output:
        body = b"".join(output_line(i, human=i < human) for i in range(human + machine))
        kit.aws.s3.put_object(Bucket=OUTPUT_BUCKET, Key=OUTPUT_KEY, Body=body)
    kit.sagemaker.add_response(
        "describe_labeling_job",
        describe_response(
            request_of(item),
            status,
            human=human,
            machine=machine,
            model_arn=model,
            output_uri=output_uri,
        ),
        {"LabelingJobName": name},
    )
    return item


@pytest.mark.usefixtures("buckets")
def test_records_figures_and_advances_the_head(
    kit: Kit,
    run: Any,
    mailbox: Mailbox,
) -> None:
    # GIVEN job 2 completed with 651 human and 599 machine labels and a final model
    finished(kit)
    # WHEN it is recorded
    summary = run()
    # THEN the summary has the blog's figures at 3 workers x $0.036 ($170.31 in cents) and the head moved
    assert summary["status"] == "COMPLETED" and summary["headAdvanced"] is True
    assert summary["counters"]["HumanLabeled"] == 651 and summary["machinePercent"] == 47.9
    assert summary["cost"]["totalUsd"] == 170.308 and summary["elapsedSeconds"] == 3600
    assert summary["finalModelArn"] == MODEL_ARN
    head = kit.store.get_head("birds")
    assert head is not None and (head["headSequence"], head["headJobName"], head["headModelArn"]) == (
        2,
        NAME,
        MODEL_ARN,
    )
    # AND the model is registered for later warm starts, the job left the active index, and it was announced
    model = kit.store.get_model(MODEL_ARN)
    assert model is not None and model["taskType"] == "BoundingBox" and model["labels"] == ["Bird"]
    assert list(kit.store.list_active_jobs()) == []
    [mail] = mailbox()
    assert mail["subject"] == f"labelchain: {NAME} Completed (47.9% machine-labeled, $170.31)"
    lines = mail["message"].splitlines()
    assert "Human-labeled:         651" in lines and "Machine-labeled:       599" in lines
    assert f"Final model:           {MODEL_ARN}" in lines and "Elapsed:               1 h 00 min" in lines
    assert f"  Execution: {execution_url(REGION, EXECUTION_ARN)}" in lines
    assert f"  Labeling job {NAME}: {labeling_job_url(REGION, NAME)}" in lines


@pytest.mark.usefixtures("buckets")
def test_head_does_not_move_back(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN job 3 already is the head when job 2 finishes
    kit.store.advance_head("birds", 3, "lc-birds-0003-abcd1234", MODEL_ARN + "-3", NOW)
    finished(kit)
    # WHEN job 2 is recorded THEN the head keeps job 3's model
    assert run()["headAdvanced"] is False
    head = kit.store.get_head("birds")
    assert head is not None and head["headModelArn"] == MODEL_ARN + "-3"


@pytest.mark.usefixtures("buckets")
def test_control_job_never_becomes_the_head(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN the cold control job of a comparison completed with a model
    finished(kit, role="control")
    # WHEN it is recorded THEN the chain head is untouched
    summary = run(NAME.replace("0002-", "0002c-"))
    assert summary["headAdvanced"] is False and summary["role"] == "control"
    assert kit.store.get_head("birds") is None


@pytest.mark.usefixtures("buckets")
def test_job_without_a_model_does_not_move_the_head(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN a job that completed before any model was trained, and whose output manifest is missing
    finished(kit, model=None, human=1250, machine=0, write_output=False)
    # WHEN it is recorded
    summary = run()
    # THEN its figures are stored but neither head nor model registry change
    assert (
        summary["status"] == "COMPLETED"
        and summary["machinePercent"] == 0
        and summary["headAdvanced"] is False
    )
    assert kit.store.get_head("birds") is None and kit.store.get_model(MODEL_ARN) is None


def test_fails_when_the_job_record_is_missing(run: Any) -> None:
    with pytest.raises(JobRecordNotFound, match=NAME):
        run()


@pytest.mark.usefixtures("handler_env", "buckets")
def test_handler_emits_the_job_metrics(
    kit: Kit,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN the deployed environment and a completed job
    finished(kit)
    # WHEN the entry point records it
    summary = record_module.handler({"labelingJobName": NAME}, lambda_context)
    # THEN the summary is returned and the job is counted once, with its figures, under its chain
    assert summary == records.job_summary(kit.store.get_job(NAME) or {}, head_advanced=True)
    assert sorted(metric_points(capsys.readouterr().out), key=lambda p: p.name) == [
        chain_point("EstimatedCostUsd", 170.308, "None"),
        chain_point("JobDurationSeconds", 3600.0, "Seconds"),
        chain_point("JobsCompleted", 1.0),
        chain_point("MachineLabeledPercent", 47.9, "Percent"),
        service_point("NotificationsFailed", 0.0),
    ]


@pytest.mark.usefixtures("handler_env", "buckets")
def test_handler_counts_a_stopped_job_as_failed(
    kit: Kit,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN a job that was stopped after some labeling
    finished(kit, model=None, human=100, machine=0, status="Stopped")
    # WHEN the entry point records it
    summary = record_module.handler({"labelingJobName": NAME}, lambda_context)
    # THEN it counts as failed, not completed
    names = {p.name: p for p in metric_points(capsys.readouterr().out)}
    assert summary["status"] == "STOPPED" and names["JobsFailed"] == chain_point("JobsFailed", 1.0)
    assert "JobsCompleted" not in names


@pytest.mark.usefixtures("buckets")
def test_a_retried_record_does_not_count_the_job_again(
    kit: Kit,
    run: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a job RecordJob already recorded
    item = finished(kit)
    run()
    capsys.readouterr()
    # WHEN RecordJob runs again (a Lambda retry)
    queue_completed(kit, item)
    gone = Notifier("arn:aws:sns:us-east-1:123456789012:gone", kit.aws.sns)
    again = record_with(kit, {"labelingJobName": NAME}, notifier=gone)
    # THEN the summary is the same but no metric is emitted a second time
    assert again.summary["status"] == "COMPLETED" and chain_metric_names(capsys.readouterr().out) == []


@pytest.mark.usefixtures("buckets")
def test_refuses_a_job_ground_truth_still_runs(
    kit: Kit,
    run: Any,
    mailbox: Mailbox,
) -> None:
    # GIVEN RecordJob runs for a job Ground Truth still reports InProgress (a stale or misordered event)
    finished(kit, status="InProgress")
    # WHEN/THEN it refuses with the retryable LabelingJobNotEnded (the workflow waits for the job again)
    with pytest.raises(LabelingJobNotEnded, match=f"{NAME} is InProgress") as refused:
        run()
    assert refused.value.retryable is True
    # AND nothing was recorded: the job stays in progress and active, head and models untouched, no mail
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "IN_PROGRESS" and "labelingJobStatus" not in stored
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [NAME]
    assert kit.store.get_head("birds") is None and kit.store.get_model(MODEL_ARN) is None
    assert mailbox() == []


@pytest.mark.usefixtures("buckets")
def test_a_retry_after_a_crash_before_the_record_was_written_counts_the_job_once(
    kit: Kit,
    run: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN RecordJob dies after registering the model and moving the head, before settling the record
    item = finished(kit)
    original = kit.store.record_figures

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Lambda died")

    monkeypatch.setattr(kit.store, "record_figures", crash)
    with pytest.raises(RuntimeError):
        run()
    head = kit.store.get_head("birds")
    assert head is not None and head["headJobName"] == NAME and kit.store.get_model(MODEL_ARN) is not None
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [NAME]
    # WHEN Step Functions retries it
    monkeypatch.setattr(kit.store, "record_figures", original)
    kit.sagemaker.add_response(
        "describe_labeling_job",
        describe_response(
            request_of(item),
            "Completed",
            human=651,
            machine=599,
            model_arn=MODEL_ARN,
            output_uri=f"s3://{OUTPUT_BUCKET}/{OUTPUT_KEY}",
        ),
        {"LabelingJobName": NAME},
    )
    again = record_with(kit, {"labelingJobName": NAME})
    # THEN the retry settles the job, counts it (once) and reports the head it moved
    assert again.first is True and again.summary["headAdvanced"] is True
    assert chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    assert list(kit.store.list_active_jobs()) == []


@pytest.mark.usefixtures("buckets")
def test_the_notification_is_sent_until_it_is_marked_sent(
    kit: Kit,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN RecordJob settled the job and published, then died before marking the notification sent
    item = finished(kit)
    for _ in range(2):
        queue_completed(kit, item)
    original = kit.store.mark_notified

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Lambda died")

    def record_once() -> Any:
        return record_with(kit, {"labelingJobName": NAME})

    monkeypatch.setattr(kit.store, "mark_notified", crash)
    with pytest.raises(RuntimeError):
        record_once()
    monkeypatch.setattr(kit.store, "mark_notified", original)
    # WHEN RecordJob is retried twice
    second, third = record_once(), record_once()
    # THEN the first retry sends the notification again (at least once), the second does not; neither
    # counts the job a second time
    assert [m["subject"].split(" ")[1] for m in mailbox()] == [NAME, NAME]
    assert (second.first, third.first) == (False, False)
    assert chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["notifiedAt"] == NOW


def failed_branch(error: str = "States.Timeout", cause: str = "the branch timed out") -> dict[str, Any]:
    """The ControlJobFailed payload: the job name and the caught ``{"Error", "Cause"}``."""
    return {"labelingJobName": CONTROL, "error": {"Error": error, "Cause": cause}}


@pytest.mark.usefixtures("buckets")
def test_a_failed_control_job_that_completed_is_recorded_as_ground_truth_says(
    kit: Kit,
    mailbox: Mailbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN the control branch failed (RecordControlJob timed out) after Ground Truth completed the job
    finished(kit, role="control")
    # WHEN ControlJobFailed runs RecordJob with the error
    closed = record_with(kit, failed_branch())
    # THEN the job is recorded COMPLETED with its figures, the summary carries the branch's error
    summary = closed.summary
    assert (summary["status"], summary["error"], summary["cause"], summary["stopped"]) == (
        "COMPLETED",
        "States.Timeout",
        "the branch timed out",
        False,
    )
    assert summary["counters"]["HumanLabeled"] == 651 and summary["role"] == "control"
    # AND it is counted once, but as a control it never becomes the head
    assert closed.first is True and chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    assert kit.store.get_head("birds") is None and list(kit.store.list_active_jobs()) == []
    stored = kit.store.get_job(CONTROL)
    assert stored is not None and stored["error"] == "States.Timeout"
    assert [m["subject"].split(" ")[1] for m in mailbox()] == [CONTROL]


def test_a_failed_control_job_still_running_is_stopped_and_left_to_the_reconciler(
    kit: Kit,
    mailbox: Mailbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN the control branch failed while Ground Truth still runs the control job
    item = pending_job(kit.chain, CONTROL, sequence=2, role="control")
    kit.store.put_job(item)
    kit.store.mark_in_progress(CONTROL, "t", EXECUTION_ARN, "arn:job", NOW)
    kit.sagemaker.add_response(
        "describe_labeling_job", describe_response(request_of(item), human=10), {"LabelingJobName": CONTROL}
    )
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": CONTROL})
    # WHEN ControlJobFailed runs RecordJob with the error (a Lambda error's JSON cause)
    cause = '{"errorMessage": "boom", "errorType": "RuntimeError"}'
    closed = record_with(kit, failed_branch("RuntimeError", cause))
    # THEN the job is asked to stop; the summary is not COMPLETED, so CompareJobs reports a failed control
    summary = closed.summary
    assert (summary["status"], summary["error"], summary["cause"], summary["stopped"]) == (
        "IN_PROGRESS",
        "RuntimeError",
        "boom",
        True,
    )
    assert closed.first is False and chain_metric_names(capsys.readouterr().out) == []
    # AND the record stays active with the error until Ground Truth reports the job stopped
    [active] = kit.store.list_active_jobs()
    assert active["labelingJobName"] == CONTROL and active["error"] == "RuntimeError"
    assert mailbox() == []


def test_a_failed_control_job_ground_truth_never_created_is_closed_failed(
    kit: Kit,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN StartControlJob failed before Ground Truth created the job
    kit.store.put_job(pending_job(kit.chain, CONTROL, sequence=2, role="control"))
    kit.sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "no such job")
    # WHEN ControlJobFailed runs RecordJob with the error
    closed = record_with(kit, failed_branch("LabelingJobRequestInvalid", "bad request"))
    # THEN the record is FAILED with the branch's error, out of the active index, and counted once
    assert (closed.summary["status"], closed.summary["error"]) == ("FAILED", "LabelingJobRequestInvalid")
    assert closed.first is True and chain_metric_names(capsys.readouterr().out) == ["JobsFailed"]
    stored = kit.store.get_job(CONTROL)
    assert stored is not None and (stored["status"], stored["cause"]) == ("FAILED", "bad request")
    assert list(kit.store.list_active_jobs()) == []


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.usefixtures("handler_env")
def test_handler_fails_a_throttled_describe_with_an_error_the_state_retries(
    kit: Kit,
    lambda_context: SimpleNamespace,
) -> None:
    # GIVEN a completed job, and DescribeLabelingJob still throttled after the SDK's own retries
    item = pending_job(kit.chain, NAME, sequence=2)
    kit.store.put_job(item)
    kit.store.mark_in_progress(NAME, "t", EXECUTION_ARN, "arn:job", NOW)
    kit.sagemaker.add_client_error("describe_labeling_job", "ThrottlingException", "Rate exceeded", 400)
    # WHEN the entry point runs
    with pytest.raises(Exception) as raised:
        record_module.handler({"labelingJobName": NAME}, lambda_context)
    # THEN it fails with a name RecordJob's state retries with backoff (a throttle says nothing about the
    # job: it must not fail the execution), and the job is left to record on the retry
    assert type(raised.value).__name__ in TRANSIENT_ERRORS
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [NAME]


@pytest.mark.usefixtures("buckets")
def test_a_failure_to_remember_the_count_does_not_fail_the_record(
    kit: Kit,
    run: Callable[[str], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a completed job, and a table that refuses the write remembering the job was counted
    finished(kit)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("throttled beyond the SDK's retries")

    monkeypatch.setattr(kit.store, "mark_counted", refuse)
    # WHEN RecordJob records it
    summary = run(NAME)
    # THEN the job is recorded and counted once: failing now would only make a retry count it twice
    assert summary["status"] == "COMPLETED"
    assert chain_metric_names(capsys.readouterr().out).count("JobsCompleted") == 1
    stored = kit.store.get_job(NAME)
    assert stored is not None and "countedAt" not in stored
