"""Callbacks for terminal jobs and the monitor's decisions."""

from __future__ import annotations

from typing import Any

import pytest
from labelchain_fn.core.callbacks import Callback, callback_for_status
from labelchain_fn.core.monitoring import MonitorDecision, decide

NAME = "lc-birds-0002-abcdef12"
COUNTERS = {
    "TotalLabeled": 100,
    "HumanLabeled": 60,
    "MachineLabeled": 40,
    "FailedNonRetryableError": 0,
    "Unlabeled": 1150,
}
MOVED = {**COUNTERS, "TotalLabeled": 110, "HumanLabeled": 70, "Unlabeled": 1140}


def test_completed_job_resumes_the_execution_with_success():
    assert callback_for_status(NAME, "Completed", None) == Callback(
        "success", {"labelingJobName": NAME, "labelingJobStatus": "Completed"}, None, None
    )


def test_failed_job_fails_the_task_with_the_reason():
    assert callback_for_status(NAME, "Failed", "ClientError: bad manifest") == Callback(
        "failure", None, "LabelingJobFailed", "ClientError: bad manifest"
    )
    # AND without a reason the cause still says what happened
    assert callback_for_status(NAME, "Failed", None).cause == f"labeling job {NAME} failed without a reason"


def test_stopped_job_fails_the_task_as_stopped():
    callback = callback_for_status(NAME, "Stopped", None)
    assert (callback.kind, callback.error, callback.cause) == (
        "failure",
        "LabelingJobStopped",
        f"labeling job {NAME} was stopped",
    )
    assert callback_for_status(NAME, "Stopped", "stopped by user").cause == "stopped by user"


@pytest.mark.parametrize("status", ["Initializing", "InProgress", "Stopping", "completed", ""])
def test_running_or_unknown_status_sends_nothing(status):
    assert callback_for_status(NAME, status, None) is None


def _decide(**overrides: Any) -> MonitorDecision:
    kwargs: dict[str, Any] = {
        "job": {"labelingJobName": NAME, "status": "IN_PROGRESS"},
        "labeling_job_status": "InProgress",
        "failure_reason": None,
        "counters": COUNTERS,
        "execution_status": "RUNNING",
        "last_progress_at": "2026-03-02T00:00:00+00:00",
        "previous_counters": COUNTERS,
        "now": "2026-03-02T13:00:00+00:00",
        "stalled_after_minutes": 720,
        "already_alerted": False,
    }
    return decide(**{**kwargs, **overrides})


@pytest.mark.parametrize(
    ("status", "error"),
    [("Completed", None), ("Failed", "LabelingJobFailed"), ("Stopped", "LabelingJobStopped")],
)
def test_terminal_job_gets_its_callback_and_a_final_snapshot(status, error):
    # GIVEN a job that ended (its event may have been lost), even with a dead execution
    decision = _decide(labeling_job_status=status, failure_reason="r", execution_status="ABORTED")
    # THEN the callback is sent, a snapshot written, the job never stopped nor reported stalled
    assert decision.callback == callback_for_status(NAME, status, "r")
    assert decision.callback is not None and decision.callback.error == error
    assert (decision.snapshot, decision.stop_job, decision.stalled) == (True, False, False)


@pytest.mark.parametrize("execution_status", ["ABORTED", "TIMED_OUT", "FAILED"])
@pytest.mark.parametrize("job_status", ["InProgress", "Initializing"])
def test_running_job_of_an_ended_execution_is_stopped(execution_status, job_status):
    decision = _decide(labeling_job_status=job_status, execution_status=execution_status)
    assert decision.stop_job and decision.callback is None and not decision.stalled


@pytest.mark.parametrize("execution_status", ["RUNNING", "SUCCEEDED", None])
def test_job_is_not_stopped_while_its_execution_runs_or_is_unknown(execution_status):
    assert not _decide(execution_status=execution_status).stop_job


def test_stopping_job_is_left_alone():
    decision = _decide(labeling_job_status="Stopping", execution_status="ABORTED", previous_counters=MOVED)
    assert decision == MonitorDecision(
        snapshot=True, callback=None, stop_job=False, stalled=False, progressed=True
    )


def test_progress_takes_a_snapshot_and_is_not_stalled():
    decision = _decide(previous_counters=COUNTERS, counters=MOVED)
    assert decision == MonitorDecision(
        snapshot=True, callback=None, stop_job=False, stalled=False, progressed=True
    )


def test_first_look_takes_a_snapshot():
    decision = _decide(previous_counters=None, last_progress_at=None)
    assert decision == MonitorDecision(
        snapshot=True, callback=None, stop_job=False, stalled=False, progressed=False
    )


def test_unchanged_counters_past_the_threshold_are_stalled_once():
    # GIVEN 13 hours without progress and a 12-hour threshold
    decision = _decide()
    # THEN stalled, no snapshot (nothing changed)
    assert decision == MonitorDecision(
        snapshot=False, callback=None, stop_job=False, stalled=True, progressed=False
    )
    # AND not again once alerted
    assert not _decide(already_alerted=True).stalled


@pytest.mark.parametrize(
    ("last_progress_at", "stalled"),
    [
        ("2026-03-02T01:00:00+00:00", True),
        ("2026-03-02T01:00:01+00:00", False),
        ("2026-03-02T01:00:00Z", True),
    ],
)
def test_stall_threshold_is_inclusive(last_progress_at, stalled):
    assert _decide(last_progress_at=last_progress_at).stalled is stalled


def test_no_stall_without_a_known_progress_time():
    assert not _decide(last_progress_at=None).stalled
