"""The scheduled monitor's decision for one running job (pure: the handler does the I/O).

EventBridge delivers Ground Truth state changes on a best-effort basis, so the monitor re-derives the
callback from ``DescribeLabelingJob``; it also stops jobs whose execution has ended (nobody would record
their result) and raises one alert per stall.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .callbacks import TERMINAL_STATUSES, Callback, callback_for_status
from .times import parse_time

#: Execution statuses after which a still-running job has nobody waiting for it.
ENDED_EXECUTION_STATUSES = ("ABORTED", "TIMED_OUT", "FAILED")
RUNNING_JOB_STATUSES = ("Initializing", "InProgress")


@dataclass(frozen=True)
class MonitorDecision:
    """What the monitor does for one job.

    Attributes
    ----------
    snapshot : write a progress snapshot (counters changed, first look, or terminal).
    callback : the callback to send, for a terminal job.
    stop_job : call ``StopLabelingJob`` (the execution ended while the job runs).
    stalled : send the stall alert (once per stall).
    progressed : the counters moved since the previous look (the handler resets the stall clock).
    """

    snapshot: bool
    callback: Callback | None
    stop_job: bool
    stalled: bool
    progressed: bool = False


def decide(
    *,
    job: Mapping[str, Any],
    labeling_job_status: str,
    failure_reason: str | None,
    counters: Mapping[str, int],
    execution_status: str | None,
    last_progress_at: str | None,
    previous_counters: Mapping[str, int] | None,
    now: str,
    stalled_after_minutes: int,
    already_alerted: bool,
) -> MonitorDecision:
    """Decide what to do about one active job.

    Parameters
    ----------
    job : the JOB item (``labelingJobName`` is read from it).
    labeling_job_status, failure_reason, counters : from ``DescribeLabelingJob``.
    execution_status : ``DescribeExecution`` status of the job's execution, ``None`` when unknown.
    last_progress_at : ISO time the counters last moved (``None``: never recorded).
    previous_counters : counters at the previous look (``None``: first look).
    now : the current ISO time.
    stalled_after_minutes : how long unchanged counters mean "stalled".
    already_alerted : an alert was already sent for the current stall.
    """
    name = str(job.get("labelingJobName", ""))
    progressed = previous_counters is not None and dict(counters) != dict(previous_counters)
    first_look = previous_counters is None
    if labeling_job_status in TERMINAL_STATUSES:
        return MonitorDecision(
            True, callback_for_status(name, labeling_job_status, failure_reason), False, False, progressed
        )
    snapshot = first_look or progressed
    running = labeling_job_status in RUNNING_JOB_STATUSES
    if running and execution_status in ENDED_EXECUTION_STATUSES:
        return MonitorDecision(snapshot, None, True, False, progressed)
    stalled = (
        running
        and not first_look
        and not progressed
        and not already_alerted
        and last_progress_at is not None
        and parse_time(now) - parse_time(last_progress_at) >= timedelta(minutes=stalled_after_minutes)
    )
    return MonitorDecision(snapshot, None, False, stalled, progressed)
