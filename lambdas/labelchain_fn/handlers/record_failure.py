"""RecordFailure (the Catch of every state): store why an execution failed and close its jobs by truth.

Each job the execution prepared is closed as Ground Truth reports it (:func:`close_failed_job`): a job it
never created is FAILED with the execution's error, an ended job is recorded as it ended (a paid, completed
job is never lost because a later step failed), a running job is stopped (nobody waits for it) and stays
active until Ground Truth says it stopped. When no labeling job exists for the batch, the upload claim is
released so a retry can take the batch over. The failure is also stored as a ``FAILURE#`` item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.core import records
from labelchain_fn.core.errors import InputInvalid
from labelchain_fn.core.inputs import parse_execution_input
from labelchain_fn.core.items import JobRecord
from labelchain_fn.core.messages import execution_failed_message
from labelchain_fn.core.metrics import EXECUTIONS_FAILED, count
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.failures import error_and_cause
from labelchain_fn.handlers.settle import CREATED, Settling, close_failed_job, count_once
from labelchain_fn.handlers.shared import add_metrics, logger
from labelchain_fn.handlers.wiring import SETTLES, Wiring, entry_point

REQUIRED = FUNCTIONS["record_failure"].required  # labelchain_fn.functions declares it


def _chain_of(original_input: Mapping[str, Any]) -> str | None:
    try:
        return parse_execution_input(original_input).chain
    except InputInvalid:
        return None


def record_failure(event: Mapping[str, Any], settling: Settling) -> dict[str, Any]:
    """Record ``{"input": <state>, "executionArn", "executionName", "error": {"Error", "Cause"}}`` and
    announce it (``settling.region`` is used for the console links).

    Returns
    -------
    dict
        ``{"error", "cause", "chain", "closedJobs", "metrics"}``: the cause unwrapped from a Lambda error's
        JSON, the chain (``None`` when unknown), the jobs this call settled and the per-chain metrics
        (``ExecutionsFailed``, and each settled job's own).
    """
    error, cause = error_and_cause(event.get("error"))
    state = event.get("input") or {}
    execution_arn = str(event.get("executionArn") or "")
    execution_name = str(event.get("executionName") or execution_arn.rsplit(":", 1)[-1])
    prepared = state.get("prepared") or {}
    original_input = {k: v for k, v in state.items() if k not in ("prepared", "error")}
    chain = prepared.get("chain") or _chain_of(original_input)
    names = [str(job["labelingJobName"]) for job in (prepared.get("jobs") or {}).values()]
    stopped, closed_names, jobs, data = [], [], [], [count(EXECUTIONS_FAILED)]
    store, now = settling.store, settling.now
    for name in names:
        item = store.get_job(name)
        job = JobRecord.from_item(item) if item is not None else None
        if item is None or job is None or job.execution_arn != execution_arn:
            jobs.append(item or {JobRecord.name("labeling_job_name"): name})  # not this execution's
            continue
        if not job.active_pk:
            # Settled already (e.g. by the monitor): keep Ground Truth's status, add the execution's error.
            store.note_failure(name, error, cause, now)
            count_once(item, store=store, now=now)  # a settle whose caller died before it counted
            noted = JobRecord.attributes(error=error, cause=cause)
            jobs.append({**item, **noted, CREATED: bool(job.labeling_job_arn)})
            continue
        closed = close_failed_job(item, error, cause, settling)
        jobs.append({**item, **closed.summary})
        stopped += [name] if closed.summary["stopped"] else []
        closed_names += [name] if closed.first else []
    upload = prepared.get("upload")
    # Ground Truth's word, not the record's: a job whose ARN a dying StartJob never stored still counts.
    created = [job for job in jobs if job.get(CREATED) or JobRecord.from_item(job).labeling_job_arn]
    if upload and not created:
        # No labeling job exists for the batch: a retry of the same upload may take it over.
        store.release_upload(upload, execution_arn, error, cause)
    store.put_failure(
        records.failure_item(
            execution_name=execution_name,
            chain=chain,
            error=error,
            cause=cause,
            input=original_input,
            labeling_job_name=names[0] if names else None,
            now=now,
        )
    )
    message = execution_failed_message(
        chain=chain,
        error=error,
        cause=cause,
        execution_arn=execution_arn,
        jobs=jobs,
        stopped=stopped,
        region=settling.region,
    )
    settling.notifier.publish(message.subject, message.body)
    logger.info("failure recorded", extra={"error": error, "jobs": names, "stopped": stopped})
    return {"error": error, "cause": cause, "chain": chain, "closedJobs": closed_names, "metrics": data}


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.record_failure.handler``."""
    wiring = Wiring(REQUIRED)
    result = record_failure(event, Settling(**wiring.using(*SETTLES)))
    add_metrics(result["metrics"], chain=result["chain"])
    wiring.emit_notifications_failed()
    return {"error": result["error"], "cause": result["cause"]}
