"""StartJob: idempotent job creation, token storage, and the callback of a job that already ended."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber
from emf_points import chain_point, metric_points
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import JobRecordNotFound, LabelingJobNameConflict, LabelingJobThrottled
from labelchain_fn.handlers import start as start_module
from labelchain_fn.handlers.start import start
from lambda_fakes import (
    EXECUTION_ARN,
    OTHER_EXECUTION_ARN,
    Deployed,
    Kit,
    describe_response,
    job_arn,
    pending_job,
    request_of,
)

NAME = "lc-birds-0001-abcd1234"
NOW = "2026-03-02T14:05:00+00:00"
EVENT = {"taskToken": "token-1", "labelingJobName": NAME, "executionArn": EXECUTION_ARN}


@pytest.fixture
def item(store: JobStore, chain: ChainConfig) -> dict[str, Any]:
    job = pending_job(chain, NAME)
    store.put_job(job)
    return job


def run(store: JobStore, labeling: LabelingJobs, callbacks: Callbacks, event: dict[str, Any] = EVENT) -> Any:
    return start(event, store=store, labeling=labeling, callbacks=callbacks, now=NOW)


def queue_existing_job(sagemaker: Stubber, description: dict[str, Any]) -> None:
    """An earlier attempt created the job: CreateLabelingJob meets it, DescribeLabelingJob shows it."""
    sagemaker.add_client_error("create_labeling_job", "ResourceInUse", "exists")
    sagemaker.add_response("describe_labeling_job", description, {"LabelingJobName": NAME})


def test_creates_the_job_and_stores_the_token(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN a prepared job; SageMaker expects exactly the stored request
    kit.sagemaker.add_response("create_labeling_job", {"LabelingJobArn": job_arn(NAME)}, request_of(item))
    # WHEN StartJob runs
    result = run(kit.store, kit.labeling, kit.callbacks)
    # THEN the job is created, and the record waits in progress with the token
    assert result == {
        "labelingJobName": NAME,
        "labelingJobArn": job_arn(NAME),
        "chain": "birds",
        "created": True,
        "firstStart": True,
        "callback": None,
    }
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "IN_PROGRESS" and stored["taskToken"] == "token-1"
    assert [j["labelingJobName"] for j in kit.store.list_active_jobs()] == [NAME]


def test_adopts_its_own_job_when_the_name_is_in_use(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN an earlier attempt created the job from the same manifest, still running
    queue_existing_job(kit.sagemaker, describe_response(request_of(item)))
    # WHEN StartJob is retried with a new token
    result = run(kit.store, kit.labeling, kit.callbacks, {**EVENT, "taskToken": "token-2"})
    # THEN it succeeds, stores the new token and sends nothing yet
    assert result["created"] is False and result["labelingJobArn"] == job_arn(NAME)
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["taskToken"] == "token-2" and kit.sfn_calls == []


def test_sends_the_callback_when_its_job_already_ended(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN the job was created by a crashed attempt and completed before the token was stored
    queue_existing_job(kit.sagemaker, describe_response(request_of(item), "Completed", human=1250))
    # WHEN StartJob runs
    result = run(kit.store, kit.labeling, kit.callbacks)
    # THEN the execution is resumed at once
    assert result["callback"] == "sent"
    [(operation, params)] = kit.sfn_calls
    assert operation == "SendTaskSuccess" and params["taskToken"] == "token-1"
    assert json.loads(params["output"]) == {"labelingJobName": NAME, "labelingJobStatus": "Completed"}


def test_fails_when_a_foreign_job_has_the_name(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN a job of that name exists with another manifest
    foreign = describe_response(request_of(item))
    foreign["InputConfig"] = {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://elsewhere/m.manifest"}}}
    queue_existing_job(kit.sagemaker, foreign)
    # WHEN/THEN StartJob refuses to adopt it, and the record keeps no token
    with pytest.raises(LabelingJobNameConflict, match=r"s3://elsewhere/m\.manifest"):
        run(kit.store, kit.labeling, kit.callbacks)
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "PENDING" and "taskToken" not in stored


def test_stops_the_job_it_created_when_the_record_was_closed_under_it(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN the execution closed the record (a cancelled Parallel branch's RecordFailure) while this
    # StartJob was creating the job
    kit.sagemaker.add_response("create_labeling_job", {"LabelingJobArn": job_arn(NAME)}, request_of(item))
    kit.sagemaker.add_response("stop_labeling_job", {}, {"LabelingJobName": NAME})
    assert kit.store.close_unstarted(NAME, "States.BranchFailed", "the main branch failed", NOW)
    # WHEN StartJob stores its token
    # THEN it refuses with LabelingJobNameConflict, having stopped the job nobody waits for
    with pytest.raises(LabelingJobNameConflict, match=f"{NAME} is FAILED; the job it created was stopped"):
        run(kit.store, kit.labeling, kit.callbacks)
    # AND the record is back in the active index with the job's ARN, so the reconciler settles it as Ground
    # Truth reports it; no token was stored and no callback sent
    [active] = kit.store.list_active_jobs()
    assert active["labelingJobName"] == NAME and active["labelingJobArn"] == job_arn(NAME)
    assert "taskToken" not in active and kit.sfn_calls == []


def test_fails_when_sagemaker_throttles(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN the account hit its labeling-job quota
    kit.sagemaker.add_client_error("create_labeling_job", "ResourceLimitExceeded", "too many jobs")
    # WHEN/THEN the retryable error reaches Step Functions and the job stays pending
    with pytest.raises(LabelingJobThrottled):
        run(kit.store, kit.labeling, kit.callbacks)
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["status"] == "PENDING"


def test_fails_when_the_job_record_is_missing(
    kit: Kit,
) -> None:
    with pytest.raises(JobRecordNotFound, match=NAME):
        run(kit.store, kit.labeling, kit.callbacks)


def test_fails_when_the_record_belongs_to_another_execution(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    with pytest.raises(LabelingJobNameConflict, match="belongs to execution"):
        run(kit.store, kit.labeling, kit.callbacks, {**EVENT, "executionArn": OTHER_EXECUTION_ARN})


def test_handler_creates_the_job(
    deployed: Deployed,
    item: dict[str, Any],
    capsys: Any,
) -> None:
    # GIVEN the deployed environment
    deployed.sagemaker.add_response(
        "create_labeling_job", {"LabelingJobArn": job_arn(NAME)}, request_of(item)
    )
    # WHEN the entry point runs
    result = start_module.handler(dict(EVENT), deployed.context)
    # THEN the job is created and counted once for its chain
    assert result["created"] is True
    assert metric_points(capsys.readouterr().out) == [chain_point("JobsStarted", 1.0)]


# Powertools warns when an invocation adds no metric, which is exactly what is expected here.
@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_handler_does_not_count_a_job_an_earlier_attempt_started(
    deployed: Deployed,
    item: dict[str, Any],
    store: JobStore,
    capsys: Any,
) -> None:
    # GIVEN an earlier attempt created the job and stored its token (so it was counted)
    store.mark_in_progress(NAME, "token-0", EXECUTION_ARN, job_arn(NAME), NOW)
    queue_existing_job(deployed.sagemaker, describe_response(request_of(item)))
    # WHEN the retried entry point adopts it (ResourceInUse)
    result = start_module.handler(dict(EVENT), deployed.context)
    # THEN it is not counted again
    assert (result["created"], result["firstStart"]) == (False, False)
    assert [p for p in metric_points(capsys.readouterr().out) if p.name == "JobsStarted"] == []


def test_handler_counts_a_job_whose_creator_crashed_before_storing_its_token(
    deployed: Deployed,
    item: dict[str, Any],
    capsys: Any,
) -> None:
    # GIVEN an attempt created the job, then died before storing its token (and before counting it)
    queue_existing_job(deployed.sagemaker, describe_response(request_of(item)))
    # WHEN the retry adopts the job
    result = start_module.handler(dict(EVENT), deployed.context)
    # THEN the job is counted, once
    assert (result["created"], result["firstStart"]) == (False, True)
    assert metric_points(capsys.readouterr().out) == [chain_point("JobsStarted", 1.0)]
