"""RecordJob: record a job Ground Truth reports ended (figures, model, chain head) and announce it.

Ground Truth is the truth: the job is described, and a job it still runs is refused with the retryable
``LabelingJobNotEnded`` (the workflow waits for it again). Recording itself is :func:`settle_job`, shared
with the reconciler, so a retry, the monitor and this call settle the job exactly once between them.
Called with ``error`` (the control job's failure path), the job is closed by Ground Truth's truth instead
and its summary carries the error: a control job's failure never fails the main job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.core.callbacks import TERMINAL_STATUSES
from labelchain_fn.core.errors import JobRecordNotFound, LabelingJobNotEnded
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.failures import error_and_cause
from labelchain_fn.handlers.settle import SettledJob, Settling, close_failed_job
from labelchain_fn.handlers.shared import logger
from labelchain_fn.handlers.wiring import SETTLES, Wiring, entry_point

REQUIRED = FUNCTIONS["record"].required  # labelchain_fn.functions declares it


def record(event: Mapping[str, Any], settling: Settling) -> SettledJob:
    """Record the job ``{"labelingJobName", "error"?}`` and announce it; returns its summary
    (``records.job_summary``, plus ``error``/``cause``/``stopped`` when ``error`` was given) and metrics.
    ``settling.region`` is used for the console links of the message.

    Raises
    ------
    JobRecordNotFound, UnknownChain, LabelingJobNotEnded
    """
    name = str(event["labelingJobName"])
    item = settling.store.get_job(name)
    if item is None:
        raise JobRecordNotFound(f"no job record for {name}")
    if event.get("error"):
        error, cause = error_and_cause(event["error"])
        closed = close_failed_job(item, error, cause, settling)
        logger.info("failed job closed", extra={"summary": closed.summary})
        return closed
    description = settling.labeling.describe(name)
    status = str(description["LabelingJobStatus"])
    if status not in TERMINAL_STATUSES:
        raise LabelingJobNotEnded(f"labeling job {name} is {status}; it is waited for again")
    return settling.settle(item, description)


# No metrics flush: what RecordJob counts is printed as it is settled (settle.count_once).
@entry_point(flush_metrics=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.record.handler``."""
    wiring = Wiring(REQUIRED)
    recorded = record(event, Settling(**wiring.using(*SETTLES)))
    wiring.emit_notifications_failed()
    return recorded.summary
