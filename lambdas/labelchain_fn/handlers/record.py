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

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import (
    get_settings,
    load_chains,
)
from labelchain_fn.core.callbacks import TERMINAL_STATUSES
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import JobRecordNotFound, LabelingJobNotEnded
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.failures import error_and_cause
from labelchain_fn.handlers.settle import SettledJob, chain_of, close_failed_job, settle_job
from labelchain_fn.handlers.shared import (
    emit_notifications_failed,
    logger,
    now_iso,
    surfaces_transient_errors,
    tracer,
)

REQUIRED = FUNCTIONS["record"].required  # labelchain_fn.functions declares it


def record(
    event: Mapping[str, Any],
    *,
    chains: Mapping[str, ChainConfig],
    store: JobStore,
    labeling: LabelingJobs,
    objects: Objects,
    notifier: Notifier,
    now: str,
    region: str,
) -> SettledJob:
    """Record the job ``{"labelingJobName", "error"?}`` and announce it; returns its summary
    (``records.job_summary``, plus ``error``/``cause``/``stopped`` when ``error`` was given) and metrics.
    ``region`` is used for the console links of the message.

    Raises
    ------
    JobRecordNotFound, UnknownChain, LabelingJobNotEnded
    """
    name = str(event["labelingJobName"])
    item = store.get_job(name)
    if item is None:
        raise JobRecordNotFound(f"no job record for {name}")
    if event.get("error"):
        error, cause = error_and_cause(event["error"])
        closed = close_failed_job(
            item,
            error,
            cause,
            chains=chains,
            store=store,
            labeling=labeling,
            objects=objects,
            notifier=notifier,
            now=now,
            region=region,
        )
        logger.info("failed job closed", extra={"summary": closed.summary})
        return closed
    description = labeling.describe(name)
    status = str(description["LabelingJobStatus"])
    if status not in TERMINAL_STATUSES:
        raise LabelingJobNotEnded(f"labeling job {name} is {status}; it is waited for again")
    return settle_job(
        item,
        description,
        chain=chain_of(item, chains),
        store=store,
        objects=objects,
        notifier=notifier,
        now=now,
        region=region,
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
# No @metrics.log_metrics: what RecordJob counts is printed as it is settled (settle.count_once).
@surfaces_transient_errors
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.record.handler``."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    recorded = record(
        event,
        chains=load_chains(),
        store=JobStore(settings.table_name),
        labeling=LabelingJobs(),
        objects=Objects(),
        notifier=notifier,
        now=now_iso(),
        region=settings.region,
    )
    emit_notifications_failed(notifier.failed)
    return recorded.summary
