"""Monitor (schedule): reconcile every active job record with Ground Truth, whatever the execution did.

EventBridge delivers Ground Truth events on a best-effort basis and an execution can die anywhere, so for
each record in the ``active`` index the monitor asks Ground Truth (DescribeLabelingJob, the truth) and
Step Functions (DescribeExecution):

* job ended, execution still waiting on its token -> send the callback (again: a sender may have died
  between claiming and sending; a task that no longer waits refuses it) and let RecordJob record it;
* job ended, nobody waiting (execution ended, or the token no longer waited on) -> settle the record here
  (figures, cost, model, head, notification; :func:`~labelchain_fn.handlers.settle.settle_job`, exactly once);
* job running, execution ended -> stop it (nobody would record it); it is settled once it has stopped;
* no labeling job and the execution ended -> the job was never created: close the record FAILED;
* otherwise a progress snapshot when the counters move, and one alert per stall.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.figures import COUNTER_NAMES
from labelchain_fn.core.items import JobRecord, Snapshot
from labelchain_fn.core.messages import job_stalled_message, job_stopped_message
from labelchain_fn.core.metrics import ACTIVE_JOBS, STALLED_JOBS, count
from labelchain_fn.core.monitoring import decide
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.delivery import NOT_WAITING, deliver_callback
from labelchain_fn.handlers.settle import Settling, close_unstarted
from labelchain_fn.handlers.shared import add_metrics, emit_notifications_failed, expires_at, logger
from labelchain_fn.handlers.wiring import Wiring, entry_point

REQUIRED = FUNCTIONS["monitor"].required  # labelchain_fn.functions declares it
ENDED_EXECUTION = "ExecutionEnded"


class MonitorIncomplete(RuntimeError):
    """Some jobs could not be checked (each is logged); the others were handled (``summary``)."""

    def __init__(self, message: str, summary: dict[str, Any]) -> None:
        super().__init__(message)
        self.summary = summary


def _counters(raw: Mapping[str, Any] | None) -> dict[str, int]:
    raw = raw or {}
    return {name: int(raw.get(name) or 0) for name in COUNTER_NAMES}


class Reconciler:
    """The monitor's clients and settings for one run (see the module docstring for what it does)."""

    def __init__(
        self,
        *,
        settings: Settings,
        chains: Mapping[str, ChainConfig],
        store: JobStore,
        labeling: LabelingJobs,
        callbacks: Callbacks,
        objects: Objects,
        notifier: Notifier,
        now: str,
    ) -> None:
        self.settings, self.chains, self.store, self.labeling = settings, chains, store, labeling
        self.callbacks, self.objects, self.notifier, self.now = callbacks, objects, notifier, now

    def job(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """Check one active job; returns what was done (``snapshot``, ``callback``, ``stopped``,
        ``stalled`` and ``settled`` — this run recorded the job's end)."""
        job = JobRecord.from_item(item)
        name, execution_arn = job.labeling_job_name, job.execution_arn
        execution_status = self.callbacks.execution_status(str(execution_arn)) if execution_arn else None
        waiting = execution_status == "RUNNING"
        done: dict[str, Any] = {
            "labelingJobName": name,
            "labelingJobStatus": None,
            "snapshot": False,
            "callback": None,
            "stopped": False,
            "stalled": False,
            "chain": job.chain,
            "settled": False,
        }
        description = self.labeling.find_created(name, job.manifest_s3_uri)
        if description is None:
            if not waiting:  # nothing was created, and the execution that would create it has ended
                cause = f"execution {execution_status or 'unknown'} before the labeling job was created"
                closed = close_unstarted(name, ENDED_EXECUTION, cause, store=self.store, now=self.now)
                done["settled"] = closed
            return done
        status, reason = str(description["LabelingJobStatus"]), description.get("FailureReason")
        counters = _counters(description.get("LabelCounters"))
        previous = self.store.last_snapshot(name)
        decision = decide(
            job=item,
            labeling_job_status=status,
            failure_reason=reason,
            counters=counters,
            execution_status=execution_status,
            last_progress_at=job.progress_since,
            previous_counters=_counters(Snapshot.from_item(previous).counters) if previous else None,
            now=self.now,
            stalled_after_minutes=self.settings.stalled_after_minutes,
            already_alerted=bool(job.stalled_alerted_at),
        )
        done.update(labelingJobStatus=status, snapshot=decision.snapshot, stalled=decision.stalled)
        self._progress(name, decision.snapshot, decision.progressed or previous is None, counters, status)
        if decision.callback:
            if waiting and job.task_token:
                done["callback"] = deliver_callback(
                    item, status, reason, store=self.store, callbacks=self.callbacks, now=self.now, force=True
                )
            if not waiting or done["callback"] == NOT_WAITING:
                settling = Settling(
                    self.chains,
                    self.store,
                    self.labeling,
                    self.objects,
                    self.notifier,
                    self.now,
                    self.settings.region,
                )
                settled = settling.settle(item, description)
                done["settled"] = settled.first
        if decision.stop_job:
            cause = f"execution {execution_status}; labeling job stopped (nobody would record it)"
            self.store.note_failure(name, ENDED_EXECUTION, cause, self.now)
            done["stopped"] = self.labeling.stop(name)
            message = job_stopped_message(
                item, execution_status=execution_status, counters=counters, region=self.settings.region
            )
            self.notifier.publish(message.subject, message.body)
        if decision.stalled:
            message = job_stalled_message(
                item,
                counters=counters,
                stalled_after_minutes=self.settings.stalled_after_minutes,
                region=self.settings.region,
            )
            self.notifier.publish(message.subject, message.body)
            self.store.mark_stalled_alerted(name, self.now)
        return done

    def _progress(
        self, name: str, snapshot: bool, moved: bool, counters: dict[str, int], status: str
    ) -> None:
        if snapshot:
            expires = expires_at(self.now, self.settings.record_ttl_days)
            record = Snapshot(
                labeling_job_name=name, counters=counters, status=status, at=self.now, expires_at=expires
            )
            self.store.put_snapshot(record.to_item())
        if moved:
            self.store.note_progress(name, self.now)


def monitor(reconciler: Reconciler) -> dict[str, Any]:
    """Check every active job; one failing job does not stop the others.

    Raises
    ------
    MonitorIncomplete
        After all jobs were visited, when some could not be checked (so the invocation counts as failed).
    """
    results, failed = [], []
    for item in reconciler.store.list_active_jobs():
        try:
            results.append(reconciler.job(item))
        except Exception:
            logger.exception("monitoring failed", extra={"labelingJobName": item.get("labelingJobName")})
            failed.append(str(item.get("labelingJobName")))
    summary = {"checked": len(results), "failed": failed, "jobs": results}
    logger.info("monitor run", extra={"checked": len(results), "failed": failed})
    if failed:
        raise MonitorIncomplete(f"could not check {len(failed)} job(s): {', '.join(failed)}", summary)
    return summary


def _emit_metrics(summary: Mapping[str, Any], notifications_failed: int) -> None:
    """Pipeline-wide ``ActiveJobs``/``StalledJobs``/``NotificationsFailed`` (the jobs this run settled
    were counted per chain as they were settled: ``settle.count_once``)."""
    stalled = sum(1 for job in summary["jobs"] if job["stalled"])
    add_metrics([count(ACTIVE_JOBS, summary["checked"]), count(STALLED_JOBS, stalled)])
    emit_notifications_failed(notifications_failed)


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.monitor.handler`` (scheduled; the event is unused)."""
    wiring = Wiring(REQUIRED)
    clients = wiring.using("chains", "store", "labeling", "callbacks", "objects", "notifier", "now")
    reconciler = Reconciler(settings=wiring.settings, **clients)
    try:
        summary = monitor(reconciler)
    except MonitorIncomplete as incomplete:
        # The jobs that were checked still count.
        _emit_metrics(incomplete.summary, wiring.notifications_failed())
        raise
    _emit_metrics(summary, wiring.notifications_failed())
    return summary
