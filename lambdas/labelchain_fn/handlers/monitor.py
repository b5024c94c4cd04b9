"""Monitor (schedule): reconcile every active job with Ground Truth.

EventBridge delivers Ground Truth events on a best-effort basis, so for each job in the ``active`` index
the monitor describes the job, writes a progress snapshot when the counters move, sends a missed callback,
stops a job whose execution ended (nobody would record it) and raises one alert per stall.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.settings import TABLE_NAME, TOPIC_ARN, Settings, get_settings
from labelchain_fn.core import records
from labelchain_fn.core.figures import COUNTER_NAMES
from labelchain_fn.core.messages import job_stalled_message, job_stopped_message
from labelchain_fn.core.metrics import ACTIVE_JOBS, JOBS_FAILED, STALLED_JOBS, count
from labelchain_fn.core.monitoring import decide
from labelchain_fn.handlers.delivery import deliver_callback
from labelchain_fn.handlers.shared import (
    add_metrics,
    emit_chain_metric,
    emit_notifications_failed,
    expires_at,
    logger,
    metrics,
    now_iso,
    tracer,
)

REQUIRED = (TABLE_NAME, TOPIC_ARN)
ENDED_EXECUTION = "ExecutionEnded"


class MonitorIncomplete(RuntimeError):
    """Some jobs could not be checked (each is logged); the others were handled (``summary``)."""

    def __init__(self, message: str, summary: dict[str, Any]) -> None:
        super().__init__(message)
        self.summary = summary


def _counters(raw: Mapping[str, Any] | None) -> dict[str, int]:
    raw = raw or {}
    return {name: int(raw.get(name) or 0) for name in COUNTER_NAMES}


def monitor_job(
    item: Mapping[str, Any],
    *,
    settings: Settings,
    store: JobStore,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    notifier: Notifier,
    now: str,
) -> dict[str, Any]:
    """Check one active job; returns what was done (``snapshot``, ``callback``, ``stopped``, ``stalled``,
    and ``closed``: the monitor closed the job's record as failed because its execution ended)."""
    name = str(item["labelingJobName"])
    description = labeling.describe(name)
    status, reason = str(description["LabelingJobStatus"]), description.get("FailureReason")
    counters = _counters(description.get("LabelCounters"))
    previous = store.last_snapshot(name)
    execution_arn = item.get("executionArn")
    execution_status = callbacks.execution_status(str(execution_arn)) if execution_arn else None
    decision = decide(
        job=item,
        labeling_job_status=status,
        failure_reason=reason,
        counters=counters,
        execution_status=execution_status,
        last_progress_at=item.get("lastProgressAt") or item.get("createdAt"),
        previous_counters=_counters(previous.get("counters")) if previous else None,
        now=now,
        stalled_after_minutes=settings.stalled_after_minutes,
        already_alerted=bool(item.get("stalledAlertedAt")),
    )
    done: dict[str, Any] = {
        "labelingJobName": name,
        "labelingJobStatus": status,
        "snapshot": decision.snapshot,
        "callback": None,
        "stopped": False,
        "stalled": decision.stalled,
        "chain": item.get("chain"),
        "closed": False,
    }
    if decision.snapshot:
        store.put_snapshot(
            {
                **records.snapshot_key(name, now),
                "counters": counters,
                "status": status,
                "at": now,
                "expiresAt": expires_at(now, settings.record_ttl_days),
            }
        )
    if decision.progressed or previous is None:
        store.note_progress(name, now)
    if decision.callback:
        done["callback"] = deliver_callback(item, status, reason, store=store, callbacks=callbacks, now=now)
        if execution_status not in (None, "RUNNING"):
            # The execution is gone, so RecordJob will never run: close the record here.
            done["closed"] = store.mark_failed(
                name,
                ENDED_EXECUTION,
                f"execution {execution_status}; labeling job {status}",
                now,
                status="STOPPED" if status == "Stopped" else "FAILED",
            )
    if decision.stop_job:
        done["stopped"] = labeling.stop(name)
        done["closed"] = store.mark_failed(
            name,
            ENDED_EXECUTION,
            f"execution {execution_status}; labeling job stopped",
            now,
            status="STOPPED",
        )
        stopped = job_stopped_message(
            item, execution_status=execution_status, counters=counters, region=settings.region
        )
        notifier.publish(stopped.subject, stopped.body)
    if decision.stalled:
        stalled = job_stalled_message(
            item,
            counters=counters,
            stalled_after_minutes=settings.stalled_after_minutes,
            region=settings.region,
        )
        notifier.publish(stalled.subject, stalled.body)
        store.mark_stalled_alerted(name, now)
    return done


def monitor(
    *,
    settings: Settings,
    store: JobStore,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    notifier: Notifier,
    now: str,
) -> dict[str, Any]:
    """Check every active job; one failing job does not stop the others.

    Raises
    ------
    MonitorIncomplete
        After all jobs were visited, when some could not be checked (so the invocation counts as failed).
    """
    results, failed = [], []
    for item in store.list_active_jobs():
        try:
            results.append(
                monitor_job(
                    item,
                    settings=settings,
                    store=store,
                    labeling=labeling,
                    callbacks=callbacks,
                    notifier=notifier,
                    now=now,
                )
            )
        except Exception:
            logger.exception("monitoring failed", extra={"labelingJobName": item.get("labelingJobName")})
            failed.append(str(item.get("labelingJobName")))
    summary = {"checked": len(results), "failed": failed, "jobs": results}
    logger.info("monitor run", extra={"checked": len(results), "failed": failed})
    if failed:
        raise MonitorIncomplete(f"could not check {len(failed)} job(s): {', '.join(failed)}", summary)
    return summary


def _emit_metrics(summary: Mapping[str, Any], notifications_failed: int) -> None:
    """Pipeline-wide ``ActiveJobs``/``StalledJobs``/``NotificationsFailed``, and ``JobsFailed`` per chain
    for the records this run closed (jobs whose execution ended without RecordJob or RecordFailure)."""
    jobs = summary["jobs"]
    stalled = sum(1 for job in jobs if job["stalled"])
    add_metrics([count(ACTIVE_JOBS, summary["checked"]), count(STALLED_JOBS, stalled)])
    emit_notifications_failed(notifications_failed)
    for chain, closed in sorted(Counter(str(j["chain"]) for j in jobs if j["closed"]).items()):
        emit_chain_metric(chain, count(JOBS_FAILED, closed))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.monitor.handler`` (scheduled; the event is unused)."""
    settings = get_settings().require(*REQUIRED)
    notifier = Notifier(settings.topic_arn)
    try:
        summary = monitor(
            settings=settings,
            store=JobStore(settings.table_name),
            labeling=LabelingJobs(),
            callbacks=Callbacks(),
            notifier=notifier,
            now=now_iso(),
        )
    except MonitorIncomplete as incomplete:
        # The jobs that were checked still count.
        _emit_metrics(incomplete.summary, notifier.failed)
        raise
    _emit_metrics(summary, notifier.failed)
    return summary
