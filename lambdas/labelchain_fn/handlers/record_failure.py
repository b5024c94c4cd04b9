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
from labelchain_fn.handlers.shared import CHAIN_DIMENSION, logger, metrics, now_iso, tracer

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
    event: Mapping[str, Any], *, store: JobStore, labeling: LabelingJobs, notifier: Notifier, now: str
) -> dict[str, Any]:
    """Record ``{"input": <state>, "executionArn", "executionName", "error": {"Error", "Cause"}}``.

    Returns
    -------
    dict
        ``{"error", "cause"}`` (the cause unwrapped from a Lambda error's JSON).
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
    stopped = []
    for name in names:
        item = store.get_job(name)
        if (
            item is None
            or item.get("executionArn") != execution_arn
            or item.get("status") in TERMINAL_STATUSES
        ):
            continue
        store.mark_failed(name, error, cause, now)
        if item.get("labelingJobArn") and labeling.stop(name):
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
    notifier.publish(
        f"labelchain: {chain or 'execution'} failed: {error}",
        {
            "executionArn": execution_arn,
            "chain": chain,
            "error": error,
            "cause": cause,
            "labelingJobs": names,
            "stoppedLabelingJobs": stopped,
        },
    )
    logger.info("failure recorded", extra={"error": error, "jobs": names, "stopped": stopped})
    return {"error": error, "cause": cause, "chain": chain}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.record_failure.handler``."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    result = record_failure(
        event, store=JobStore(settings.table_name), labeling=LabelingJobs(), notifier=notifier, now=now_iso()
    )
    if result["chain"]:
        metrics.add_dimension(name=CHAIN_DIMENSION, value=str(result["chain"]))
    metrics.add_metric(name="ExecutionsFailed", unit="Count", value=1)
    metrics.add_metric(name="NotificationsFailed", unit="Count", value=notifier.failed)
    return {"error": result["error"], "cause": result["cause"]}
