"""RecordJob: figures from DescribeLabelingJob and the output manifest; the head moves only forward."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber
from emf_points import chain_point, metric_points, service_point
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import JobRecordNotFound
from labelchain_fn.core.message_format import execution_url, labeling_job_url
from labelchain_fn.handlers import record as record_module
from labelchain_fn.handlers.record import record
from lambda_fakes import (
    EXECUTION_ARN,
    MODEL_ARN,
    OUTPUT_BUCKET,
    REGION,
    AwsClients,
    describe_response,
    output_line,
    pending_job,
    request_of,
)

NAME = "lc-birds-0002-abcd1234"
NOW = "2026-03-02T16:00:00+00:00"
OUTPUT_KEY = f"jobs/birds/{NAME}/manifests/output/output.manifest"
Mailbox = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def run(
    chain: ChainConfig, store: JobStore, labeling: LabelingJobs, objects: Objects, notifier: Notifier
) -> Callable[[str], dict[str, Any]]:
    def _run(name: str = NAME) -> dict[str, Any]:
        return record(
            {"labelingJobName": name},
            chains={"birds": chain},
            store=store,
            labeling=labeling,
            objects=objects,
            notifier=notifier,
            now=NOW,
            region=REGION,
        ).summary

    return _run


def finished(
    aws: AwsClients,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
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
    item = pending_job(chain, name, sequence=sequence, role=role)
    store.put_job(item)
    store.mark_in_progress(name, "t", item["executionArn"], "arn:job", NOW)
    output_uri = f"s3://{OUTPUT_BUCKET}/{OUTPUT_KEY}"
    if write_output:
        body = b"".join(output_line(i, human=i < human) for i in range(human + machine))
        aws.s3.put_object(Bucket=OUTPUT_BUCKET, Key=OUTPUT_KEY, Body=body)
    sagemaker.add_response(
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


def test_records_figures_and_advances_the_head(
    aws: AwsClients,
    buckets: None,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
    run: Any,
    mailbox: Mailbox,
) -> None:
    # GIVEN job 2 completed with 651 human and 599 machine labels and a final model
    finished(aws, sagemaker, store, chain)
    # WHEN it is recorded
    summary = run()
    # THEN the summary has the blog's figures at 3 workers x $0.036 ($170.31 in cents) and the head moved
    assert summary["status"] == "COMPLETED" and summary["headAdvanced"] is True
    assert summary["counters"]["HumanLabeled"] == 651 and summary["machinePercent"] == 47.9
    assert summary["cost"]["totalUsd"] == 170.308 and summary["elapsedSeconds"] == 3600
    assert summary["finalModelArn"] == MODEL_ARN
    head = store.get_head("birds")
    assert head is not None and (head["headSequence"], head["headJobName"], head["headModelArn"]) == (
        2,
        NAME,
        MODEL_ARN,
    )
    # AND the model is registered for later warm starts, the job left the active index, and it was announced
    model = store.get_model(MODEL_ARN)
    assert model is not None and model["taskType"] == "BoundingBox" and model["labels"] == ["Bird"]
    assert list(store.list_active_jobs()) == []
    [mail] = mailbox()
    assert mail["subject"] == f"labelchain: {NAME} Completed (47.9% machine-labeled, $170.31)"
    lines = mail["message"].splitlines()
    assert "Human-labeled:         651" in lines and "Machine-labeled:       599" in lines
    assert f"Final model:           {MODEL_ARN}" in lines and "Elapsed:               1 h 00 min" in lines
    assert f"  Execution: {execution_url(REGION, EXECUTION_ARN)}" in lines
    assert f"  Labeling job {NAME}: {labeling_job_url(REGION, NAME)}" in lines


def test_head_does_not_move_back(
    aws: AwsClients, buckets: None, sagemaker: Stubber, store: JobStore, chain: ChainConfig, run: Any
) -> None:
    # GIVEN job 3 already is the head when job 2 finishes
    store.advance_head("birds", 3, "lc-birds-0003-abcd1234", MODEL_ARN + "-3", NOW)
    finished(aws, sagemaker, store, chain)
    # WHEN job 2 is recorded THEN the head keeps job 3's model
    assert run()["headAdvanced"] is False
    head = store.get_head("birds")
    assert head is not None and head["headModelArn"] == MODEL_ARN + "-3"


def test_control_job_never_becomes_the_head(
    aws: AwsClients, buckets: None, sagemaker: Stubber, store: JobStore, chain: ChainConfig, run: Any
) -> None:
    # GIVEN the cold control job of a comparison completed with a model
    finished(aws, sagemaker, store, chain, role="control")
    # WHEN it is recorded THEN the chain head is untouched
    summary = run(NAME.replace("0002-", "0002c-"))
    assert summary["headAdvanced"] is False and summary["role"] == "control"
    assert store.get_head("birds") is None


def test_job_without_a_model_does_not_move_the_head(
    aws: AwsClients, buckets: None, sagemaker: Stubber, store: JobStore, chain: ChainConfig, run: Any
) -> None:
    # GIVEN a job that completed before any model was trained, and whose output manifest is missing
    finished(aws, sagemaker, store, chain, model=None, human=1250, machine=0, write_output=False)
    # WHEN it is recorded
    summary = run()
    # THEN its figures are stored but neither head nor model registry change
    assert (
        summary["status"] == "COMPLETED"
        and summary["machinePercent"] == 0
        and summary["headAdvanced"] is False
    )
    assert store.get_head("birds") is None and store.get_model(MODEL_ARN) is None


def test_fails_when_the_job_record_is_missing(run: Any) -> None:
    with pytest.raises(JobRecordNotFound, match=NAME):
        run()


def test_handler_emits_the_job_metrics(
    handler_env: None,
    aws: AwsClients,
    buckets: None,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN the deployed environment and a completed job
    finished(aws, sagemaker, store, chain)
    # WHEN the entry point records it
    summary = record_module.handler({"labelingJobName": NAME}, lambda_context)
    # THEN the summary is returned and the job is counted once, with its figures, under its chain
    assert summary == records.job_summary(store.get_job(NAME) or {}, head_advanced=True)
    assert sorted(metric_points(capsys.readouterr().out), key=lambda p: p.name) == [
        chain_point("EstimatedCostUsd", 170.308, "None"),
        chain_point("JobDurationSeconds", 3600.0, "Seconds"),
        chain_point("JobsCompleted", 1.0),
        chain_point("MachineLabeledPercent", 47.9, "Percent"),
        service_point("NotificationsFailed", 0.0),
    ]


def test_handler_counts_a_stopped_job_as_failed(
    handler_env: None,
    aws: AwsClients,
    buckets: None,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN a job that was stopped after some labeling
    finished(aws, sagemaker, store, chain, model=None, human=100, machine=0, status="Stopped")
    # WHEN the entry point records it
    summary = record_module.handler({"labelingJobName": NAME}, lambda_context)
    # THEN it counts as failed, not completed
    names = {p.name: p for p in metric_points(capsys.readouterr().out)}
    assert summary["status"] == "STOPPED" and names["JobsFailed"] == chain_point("JobsFailed", 1.0)
    assert "JobsCompleted" not in names


def test_a_retried_record_does_not_count_the_job_again(
    aws: AwsClients,
    buckets: None,
    sagemaker: Stubber,
    store: JobStore,
    chain: ChainConfig,
    run: Any,
    labeling: Any,
) -> None:
    # GIVEN a job RecordJob already recorded
    item = finished(aws, sagemaker, store, chain)
    run()
    # WHEN RecordJob runs again (a Lambda retry)
    sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), "Completed", human=651, machine=599, model_arn=MODEL_ARN),
        {"LabelingJobName": NAME},
    )
    again = record(
        {"labelingJobName": NAME},
        chains={"birds": chain},
        store=store,
        labeling=labeling,
        objects=Objects(aws.s3),
        notifier=Notifier("arn:aws:sns:us-east-1:123456789012:gone", aws.sns),
        now=NOW,
        region=REGION,
    )
    # THEN the summary is the same but no metric is emitted a second time
    assert again.summary["status"] == "COMPLETED" and again.metrics == []
