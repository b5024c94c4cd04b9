"""JobStateChanged: the Ground Truth event resumes the waiting execution once, and only for our jobs."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import TransientAwsError
from labelchain_fn.handlers import job_state_changed as module
from labelchain_fn.handlers.job_state_changed import job_state_changed
from lambda_fakes import (
    EXECUTION_ARN,
    Deployed,
    Kit,
    describe_response,
    emitted_metrics,
    pending_job,
    request_of,
    state_change_event,
)

NAME = "lc-birds-0001-abcd1234"
NOW = "2026-03-02T16:00:00+00:00"
Calls = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def item(store: JobStore, chain: ChainConfig) -> dict[str, Any]:
    job = pending_job(chain, NAME)
    store.put_job(job)
    store.mark_in_progress(NAME, "token-1", EXECUTION_ARN, "arn:job", NOW)
    return job


def run(
    event: dict[str, Any], store: JobStore, labeling: LabelingJobs, callbacks: Callbacks
) -> dict[str, Any]:
    return job_state_changed(
        event, job_name_prefix="lc", store=store, labeling=labeling, callbacks=callbacks, now=NOW
    )


def describe(sagemaker: Stubber, item: dict[str, Any], status: str, **details: Any) -> None:
    """Queue the DescribeLabelingJob answer (the truth the handler follows, whatever the event says)."""
    sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), status, **details),
        {"LabelingJobName": item["labelingJobName"]},
    )


def test_completed_job_resumes_the_execution_once(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN a job Ground Truth reports Completed, waiting on token-1
    event = state_change_event(NAME, "Completed")
    describe(kit.sagemaker, item, "Completed")
    describe(kit.sagemaker, item, "Completed")
    # WHEN the event arrives twice (EventBridge may repeat it)
    first, second = (
        run(event, kit.store, kit.labeling, kit.callbacks),
        run(event, kit.store, kit.labeling, kit.callbacks),
    )
    # THEN SendTaskSuccess is sent once, with the job's name and status
    assert (first["outcome"], second["outcome"]) == ("sent", "already-sent")
    assert first["labelingJobStatus"] == "Completed"
    [(operation, params)] = kit.sfn_calls
    assert operation == "SendTaskSuccess" and params["taskToken"] == "token-1"
    assert json.loads(params["output"]) == {"labelingJobName": NAME, "labelingJobStatus": "Completed"}


def test_failed_job_fails_the_task_with_the_reason(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN a job that failed; the event has no reason, DescribeLabelingJob has
    describe(kit.sagemaker, item, "Failed", failure_reason="ClientError: no access")
    # WHEN the event arrives
    result = run(state_change_event(NAME, "Failed"), kit.store, kit.labeling, kit.callbacks)
    # THEN the task fails with LabelingJobFailed and the reason
    assert result["outcome"] == "sent"
    assert kit.sfn_calls == [
        (
            "SendTaskFailure",
            {"taskToken": "token-1", "error": "LabelingJobFailed", "cause": "ClientError: no access"},
        )
    ]


def test_stopped_job_fails_the_task(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    describe(kit.sagemaker, item, "Stopped")
    run(state_change_event(NAME, "Stopped"), kit.store, kit.labeling, kit.callbacks)
    assert [(op, params["error"]) for op, params in kit.sfn_calls] == [
        ("SendTaskFailure", "LabelingJobStopped")
    ]


@pytest.mark.parametrize("truth", ["InProgress", "Stopping"])
def test_a_stale_completed_event_for_a_running_job_resumes_nothing(
    kit: Kit,
    item: dict[str, Any],
    truth: str,
) -> None:
    # GIVEN a "Completed" event (stale or misordered) while Ground Truth still runs the job
    describe(kit.sagemaker, item, truth)
    # WHEN the event arrives
    result = run(state_change_event(NAME, "Completed"), kit.store, kit.labeling, kit.callbacks)
    # THEN Ground Truth's status wins: nothing is sent and the callback stays unclaimed for the real end
    assert result == {"labelingJobName": NAME, "labelingJobStatus": truth, "outcome": "not-terminal"}
    assert kit.sfn_calls == []
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["callbackSent"] is False and stored["status"] == "IN_PROGRESS"


def test_the_callback_follows_ground_truth_when_the_event_names_another_end(
    kit: Kit,
    item: dict[str, Any],
) -> None:
    # GIVEN a "Completed" event for a job Ground Truth reports Failed
    describe(kit.sagemaker, item, "Failed", failure_reason="ClientError: no access")
    # WHEN the event arrives
    result = run(state_change_event(NAME, "Completed"), kit.store, kit.labeling, kit.callbacks)
    # THEN the task fails with Ground Truth's status and reason, never succeeds
    assert result["labelingJobStatus"] == "Failed" and result["outcome"] == "sent"
    assert kit.sfn_calls == [
        (
            "SendTaskFailure",
            {"taskToken": "token-1", "error": "LabelingJobFailed", "cause": "ClientError: no access"},
        )
    ]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("other-birds-0001-abcd1234", "Completed"),
        ("lc-cats-0001-abcd1234", "Completed"),
        (NAME, "InProgress"),
    ],
    ids=["foreign-prefix", "no-record", "not-terminal"],
)
def test_ignores_events_that_are_not_for_a_waiting_job(
    kit: Kit,
    item: dict[str, Any],
    name: str,
    status: str,
) -> None:
    # GIVEN an event for another prefix, an unrecorded job, or a running job
    # WHEN/THEN nothing is sent
    assert (
        run(state_change_event(name, status), kit.store, kit.labeling, kit.callbacks)["outcome"] == "ignored"
    )
    assert kit.sfn_calls == []


def test_a_job_without_a_token_is_left_to_start(
    kit: Kit,
) -> None:
    # GIVEN a prepared job whose StartJob has not stored a token yet (Ground Truth reports it Completed)
    job = pending_job(kit.chain, NAME)
    kit.store.put_job(job)
    describe(kit.sagemaker, job, "Completed")
    # WHEN its end event arrives THEN nothing is sent (StartJob sends it when it sees the ended job)
    assert (
        run(state_change_event(NAME, "Completed"), kit.store, kit.labeling, kit.callbacks)["outcome"]
        == "no-token"
    )
    assert kit.sfn_calls == []


def test_a_failed_send_can_be_retried(
    kit: Kit,
    item: dict[str, Any],
    boto_session: boto3.session.Session,
) -> None:
    # GIVEN a completed job, and Step Functions throttles the first SendTaskSuccess
    describe(kit.sagemaker, item, "Completed")
    describe(kit.sagemaker, item, "Completed")
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_success", "ThrottlingException")
        stub.add_response("send_task_success", {})
        event = state_change_event(NAME, "Completed")
        # WHEN the Lambda fails and EventBridge retries it
        with pytest.raises(ClientError):
            run(event, kit.store, kit.labeling, Callbacks(client))
        # THEN the retry sends the callback
        assert run(event, kit.store, kit.labeling, Callbacks(client))["outcome"] == "sent"
        stub.assert_no_pending_responses()


def test_an_expired_token_counts_as_done(
    kit: Kit,
    item: dict[str, Any],
    boto_session: boto3.session.Session,
) -> None:
    describe(kit.sagemaker, item, "Completed")
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_success", "TaskTimedOut")
        assert run(state_change_event(NAME, "Completed"), kit.store, kit.labeling, Callbacks(client))[
            "outcome"
        ] == ("not-waiting")


def test_handler_sends_the_callback(
    deployed: Deployed,
    item: dict[str, Any],
    sfn_calls: Calls,
    capsys: Any,
) -> None:
    # GIVEN the deployed environment and a completed job
    describe(deployed.sagemaker, item, "Completed")
    # WHEN the entry point gets the event
    result = module.handler(state_change_event(NAME, "Completed"), deployed.context)
    # THEN the callback is sent and counted
    assert result["outcome"] == "sent" and len(sfn_calls) == 1
    assert [m["CallbacksSent"] for m in emitted_metrics(capsys.readouterr().out)] == [[1.0]]


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.usefixtures("handler_env")
def test_handler_surfaces_throttling_that_outlasts_the_sdk_retries(
    kit: Kit,
    item: dict[str, Any],
    lambda_context: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a completed job, and SendTaskSuccess still throttled after the SDK's own retries
    describe(kit.sagemaker, item, "Completed")
    throttled = ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "SendTaskSuccess",
    )

    def send_task_success(**_: Any) -> None:
        raise throttled

    monkeypatch.setattr(kit.aws.sfn, "send_task_success", send_task_success)
    # WHEN/THEN the entry point fails with the one retryable name (EventBridge retries the event)
    with pytest.raises(TransientAwsError, match="SendTaskSuccess: ThrottlingException") as raised:
        module.handler(state_change_event(NAME, "Completed"), lambda_context)
    assert raised.value.__cause__ is throttled
    # AND the callback claim was released, so the retry can send it
    stored = kit.store.get_job(NAME)
    assert stored is not None and stored["callbackSent"] is False
