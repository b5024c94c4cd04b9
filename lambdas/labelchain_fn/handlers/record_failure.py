"""RecordFailure (the Catch of every task): store why an execution failed and clean up after it.

The failure is written on each job item the execution prepared and as a ``FAILURE#`` item; a labeling job
that was created and still runs is stopped, because no execution is left to record (or pay attention to)
its result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.job_store import TERMINAL_STATUSES, JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.settings import TABLE_NAME, TOPIC_ARN, get_settings
from labelchain_fn.core import records
from labelchain_fn.core.errors import InputInvalid
from labelchain_fn.core.inputs import parse_execution_input
from labelchain_fn.core.messages import execution_failed_message
from labelchain_fn.core.metrics import EXECUTIONS_FAILED, JOBS_FAILED, count
from labelchain_fn.handlers.shared import (
    add_metrics,
    emit_notifications_failed,
    logger,
    metrics,
    now_iso,
    tracer,
)

REQUIRED = (TABLE_NAME, TOPIC_ARN)
UNKNOWN_ERROR = "States.Unknown"


def _cause(raw: Any) -> str:
    """The readable cause: a Lambda error's ``errorMessage`` (Step Functions wraps it as JSON), else as is."""
    text = "" if raw is None else str(raw)
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return str(parsed["errorMessage"]) if isinstance(parsed, dict) and "errorMessage" in parsed else text


def _chain_of(original_input: Mapping[str, Any]) -> str | None:
    try:
        return parse_execution_input(original_input).chain
    except InputInvalid:
        return None


def record_failure(
    event: Mapping[str, Any],
    *,
    store: JobStore,
    labeling: LabelingJobs,
    notifier: Notifier,
    now: str,
    region: str,
) -> dict[str, Any]:
    """Record ``{"input": <state>, "executionArn", "executionName", "error": {"Error", "Cause"}}`` and
    announce it (``region`` is used for the console links).

    Returns
    -------
    dict
        ``{"error", "cause", "chain", "failedJobs"}``: the cause unwrapped from a Lambda error's JSON, the
        chain (``None`` when unknown) and the labeling jobs whose records this call closed as failed.
    """
    error_info = event.get("error") or {}
    error = str(error_info.get("Error") or UNKNOWN_ERROR)
    cause = _cause(error_info.get("Cause"))
    state = event.get("input") or {}
    execution_arn = str(event.get("executionArn") or "")
    execution_name = str(event.get("executionName") or execution_arn.rsplit(":", 1)[-1])
    prepared = state.get("prepared") or {}
    original_input = {k: v for k, v in state.items() if k not in ("prepared", "error")}
    chain = prepared.get("chain") or _chain_of(original_input)
    names = [str(job["labelingJobName"]) for job in (prepared.get("jobs") or {}).values()]
    stopped, failed, jobs = [], [], []
    for name in names:
        item = store.get_job(name)
        jobs.append(item or {"labelingJobName": name})
        if (
            item is None
            or item.get("executionArn") != execution_arn
            or item.get("status") in TERMINAL_STATUSES
        ):
            continue
        # Only the call that closes the record counts the job, so a retry does not count it twice.
        if store.mark_failed(name, error, cause, now):
            failed.append(name)
            jobs[-1] = {**item, "status": "FAILED"}
        # A StartJob that died after CreateLabelingJob left no ARN: stop the job if it is ours all the same.
        created = item.get("labelingJobArn") or labeling.created_from(name, item.get("manifestS3Uri"))
        if created and labeling.stop(name):
            stopped.append(name)
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
        region=region,
    )
    notifier.publish(message.subject, message.body)
    logger.info("failure recorded", extra={"error": error, "jobs": names, "stopped": stopped})
    return {"error": error, "cause": cause, "chain": chain, "failedJobs": failed}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.record_failure.handler``."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    result = record_failure(
        event,
        store=JobStore(settings.table_name),
        labeling=LabelingJobs(),
        notifier=notifier,
        now=now_iso(),
        region=settings.region,
    )
    data = [count(EXECUTIONS_FAILED)]
    if result["failedJobs"]:
        data.append(count(JOBS_FAILED, len(result["failedJobs"])))
    add_metrics(data, chain=result["chain"])
    emit_notifications_failed(notifier.failed)
    return {"error": result["error"], "cause": result["cause"]}
