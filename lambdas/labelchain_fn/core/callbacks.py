"""What to tell the waiting Step Functions task when a labeling job ends.

Both the EventBridge state-change handler and the scheduled monitor use this one mapping, so a job that
ends while the event is lost still resumes the execution the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import LabelingJobFailed, LabelingJobStopped

TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")


@dataclass(frozen=True)
class Callback:
    """``SendTaskSuccess`` (``kind="success"``, ``output``) or ``SendTaskFailure`` (``error``, ``cause``)."""

    kind: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None


def callback_for_status(labeling_job_name: str, status: str, failure_reason: str | None) -> Callback | None:
    """Map a ``LabelingJobStatus`` to the callback to send.

    Returns
    -------
    Callback or None
        ``Completed`` -> success with ``{"labelingJobName", "labelingJobStatus": "Completed"}``;
        ``Failed`` -> failure ``LabelingJobFailed`` with the ``FailureReason`` as cause;
        ``Stopped`` -> failure ``LabelingJobStopped``; any other status -> ``None`` (keep waiting).
    """
    if status == "Completed":
        return Callback(
            "success", {"labelingJobName": labeling_job_name, "labelingJobStatus": status}, None, None
        )
    if status == "Failed":
        cause = failure_reason or f"labeling job {labeling_job_name} failed without a reason"
        return Callback("failure", None, LabelingJobFailed.__name__, cause)
    if status == "Stopped":
        cause = failure_reason or f"labeling job {labeling_job_name} was stopped"
        return Callback("failure", None, LabelingJobStopped.__name__, cause)
    return None
