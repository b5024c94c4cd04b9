"""Deliver the end of a labeling job to the execution waiting on its task token, exactly once.

StartJob (job already ended), JobStateChanged (the EventBridge event) and Monitor (the reconciler for lost
events) all end here, so the three paths cannot disagree: ``callbackSent`` is claimed with a conditional
write before the callback is sent, and released again if sending fails so a retry can send it. A sender
that died between the claim and the send leaves the claim behind, so the Monitor sends with ``force``:
Step Functions answers a callback for a task that no longer waits with ``TaskTimedOut``/``InvalidToken``
(counted as :data:`NOT_WAITING`), so a second callback can never resume an execution twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core.callbacks import callback_for_status
from labelchain_fn.core.items import JobRecord

SENT = "sent"
ALREADY_SENT = "already-sent"
NOT_WAITING = "not-waiting"
NO_TOKEN = "no-token"
NOT_TERMINAL = "not-terminal"


def deliver_callback(
    item: Mapping[str, Any],
    labeling_job_status: str,
    failure_reason: str | None,
    *,
    store: JobStore,
    callbacks: Callbacks,
    now: str,
    force: bool = False,
) -> str:
    """Send the callback of a job that reached ``labeling_job_status``.

    Parameters
    ----------
    item : the JOB item (``labelingJobName``, ``taskToken``).
    labeling_job_status, failure_reason : from ``DescribeLabelingJob`` (the truth; an event is a hint).
    force : send even when the claim says another path sent it (default false; the Monitor's resend).

    Returns
    -------
    str
        :data:`SENT`; :data:`ALREADY_SENT` (another path sent it); :data:`NOT_WAITING` (the token expired
        or the execution ended); :data:`NO_TOKEN` (StartJob has not stored a token yet, it will see the
        ended job itself); :data:`NOT_TERMINAL`.
    """
    job = JobRecord.from_item(item)
    name = job.labeling_job_name
    callback = callback_for_status(name, labeling_job_status, failure_reason)
    if callback is None:
        return NOT_TERMINAL
    token = job.task_token
    if not token:
        return NO_TOKEN
    claimed = store.mark_callback_sent(name, str(token), now)
    if not claimed and not force:
        return ALREADY_SENT
    try:
        if callback.kind == "success":
            delivered = callbacks.send_success(str(token), callback.output or {})
        else:
            delivered = callbacks.send_failure(str(token), str(callback.error), str(callback.cause))
    except Exception:
        if claimed:
            store.clear_callback_sent(name)
        raise
    return SENT if delivered else NOT_WAITING
