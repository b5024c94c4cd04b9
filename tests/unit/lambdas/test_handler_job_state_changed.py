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
from labelchain_fn.handlers import job_state_changed as module
from labelchain_fn.handlers.job_state_changed import job_state_changed
from lambda_fakes import (
    EXECUTION_ARN,
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


def test_completed_job_resumes_the_execution_once(
    item: dict[str, Any], store: JobStore, labeling: LabelingJobs, callbacks: Callbacks, sfn_calls: Calls
) -> None:
    # GIVEN a running job waiting on token-1
    event = state_change_event(NAME, "Completed")
    # WHEN the event arrives twice (EventBridge may repeat it)
    first, second = run(event, store, labeling, callbacks), run(event, store, labeling, callbacks)
    # THEN SendTaskSuccess is sent once, with the job's name and status
    assert (first["outcome"], second["outcome"]) == ("sent", "already-sent")
    [(operation, params)] = sfn_calls
    assert operation == "SendTaskSuccess" and params["taskToken"] == "token-1"
    assert json.loads(params["output"]) == {"labelingJobName": NAME, "labelingJobStatus": "Completed"}


def test_failed_job_fails_the_task_with_the_reason(
    item: dict[str, Any],
    store: JobStore,
    sagemaker: Stubber,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    sfn_calls: Calls,
) -> None:
    # GIVEN a job that failed; the event has no reason, DescribeLabelingJob has
    sagemaker.add_response(
        "describe_labeling_job",
        describe_response(request_of(item), "Failed", failure_reason="ClientError: no access"),
        {"LabelingJobName": NAME},
    )
    # WHEN the event arrives
    result = run(state_change_event(NAME, "Failed"), store, labeling, callbacks)
    # THEN the task fails with LabelingJobFailed and the reason
    assert result["outcome"] == "sent"
    assert sfn_calls == [
        (
            "SendTaskFailure",
            {"taskToken": "token-1", "error": "LabelingJobFailed", "cause": "ClientError: no access"},
        )
    ]


def test_stopped_job_fails_the_task(
    item: dict[str, Any], store: JobStore, labeling: LabelingJobs, callbacks: Callbacks, sfn_calls: Calls
) -> None:
    run(state_change_event(NAME, "Stopped"), store, labeling, callbacks)
    assert [(op, params["error"]) for op, params in sfn_calls] == [("SendTaskFailure", "LabelingJobStopped")]


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
    item: dict[str, Any],
    store: JobStore,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    sfn_calls: Calls,
    name: str,
    status: str,
) -> None:
    # GIVEN an event for another prefix, an unrecorded job, or a running job
    # WHEN/THEN nothing is sent
    assert run(state_change_event(name, status), store, labeling, callbacks)["outcome"] == "ignored"
    assert sfn_calls == []


def test_a_job_without_a_token_is_left_to_start(
    store: JobStore, chain: ChainConfig, labeling: LabelingJobs, callbacks: Callbacks, sfn_calls: Calls
) -> None:
    # GIVEN a prepared job whose StartJob has not stored a token yet
    store.put_job(pending_job(chain, NAME))
    # WHEN its end event arrives THEN nothing is sent (StartJob sends it when it sees the ended job)
    assert run(state_change_event(NAME, "Completed"), store, labeling, callbacks)["outcome"] == "no-token"
    assert sfn_calls == []


def test_a_failed_send_can_be_retried(
    item: dict[str, Any], store: JobStore, labeling: LabelingJobs, boto_session: boto3.session.Session
) -> None:
    # GIVEN Step Functions throttles the first SendTaskSuccess
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_success", "ThrottlingException")
        stub.add_response("send_task_success", {})
        event = state_change_event(NAME, "Completed")
        # WHEN the Lambda fails and EventBridge retries it
        with pytest.raises(ClientError):
            run(event, store, labeling, Callbacks(client))
        # THEN the retry sends the callback
        assert run(event, store, labeling, Callbacks(client))["outcome"] == "sent"
        stub.assert_no_pending_responses()


def test_an_expired_token_counts_as_done(
    item: dict[str, Any], store: JobStore, labeling: LabelingJobs, boto_session: boto3.session.Session
) -> None:
    client = boto_session.client("stepfunctions")
    with Stubber(client) as stub:
        stub.add_client_error("send_task_success", "TaskTimedOut")
        assert run(state_change_event(NAME, "Completed"), store, labeling, Callbacks(client))["outcome"] == (
            "not-waiting"
        )


def test_handler_sends_the_callback(
    handler_env: None, item: dict[str, Any], sfn_calls: Calls, lambda_context: SimpleNamespace, capsys: Any
) -> None:
    # GIVEN the deployed environment WHEN the entry point gets the event
    result = module.handler(state_change_event(NAME, "Completed"), lambda_context)
    # THEN the callback is sent and counted
    assert result["outcome"] == "sent" and len(sfn_calls) == 1
    assert [m["CallbacksSent"] for m in emitted_metrics(capsys.readouterr().out)] == [[1.0]]
