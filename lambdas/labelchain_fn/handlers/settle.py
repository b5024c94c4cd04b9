"""Settle a job record to Ground Truth's truth, exactly once, whoever gets there first.

RecordJob (the workflow), the Monitor (the reconciler, when no execution will record the job) and
RecordFailure / the control's failure path all end here, so they cannot disagree:

* :func:`settle_job` records a job Ground Truth reports ended: figures, cost, model, chain head (the
  rule of :mod:`labelchain_fn.core.warm_start.head`), then the record leaves the ``active`` index in one
  conditional write. The notification is sent, and the job's per-chain metrics are counted
  (:func:`count_once`), until one call has marked them done. Each step is idempotent, so a call that dies
  anywhere is completed by the next.
* :func:`close_failed_job` handles a job whose execution path failed: a job Ground Truth never created is
  closed FAILED with the execution's error; an ended one is settled as Ground Truth reports it; a running
  one is stopped and stays active until Ground Truth says it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.core import records
from labelchain_fn.core.callbacks import TERMINAL_STATUSES
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import ManifestNotFound, UnknownChain
from labelchain_fn.core.figures import figures_from_description, job_status
from labelchain_fn.core.inputs import parse_s3_uri
from labelchain_fn.core.items import JobRecord
from labelchain_fn.core.manifest import OutputStats, count_output_manifest
from labelchain_fn.core.messages import job_recorded_message
from labelchain_fn.core.metrics import JOBS_FAILED, MetricDatum, count, recorded_job_metrics
from labelchain_fn.core.warm_start import feeds_head
from labelchain_fn.handlers.shared import emit_chain_metrics, logger

#: The key of a closed job's summary that tells whether Ground Truth has the job (:func:`close_failed_job`).
CREATED = "created"


@dataclass(frozen=True)
class SettledJob:
    """A settled job: its ``summary`` (``records.job_summary``) and ``first`` (this call settled it)."""

    summary: dict[str, Any]
    first: bool


def job_metrics(item: Mapping[str, Any]) -> list[MetricDatum]:
    """What a settled job counts: the figures of a job Ground Truth has (``recorded_job_metrics``), or
    ``JobsFailed`` alone for a record closed because Ground Truth never created its job."""
    if JobRecord.from_item(item).labeling_job_arn:
        return recorded_job_metrics(records.job_summary(item))
    return [count(JOBS_FAILED)]


def count_once(item: Mapping[str, Any], *, store: JobStore, now: str) -> bool:
    """Emit the per-chain metrics of the settled job ``item`` unless ``countedAt`` says they went out.

    Printed first, remembered second: a call that dies between the two lines makes the next call count the
    job again (at least once); the other order would lose the count of a job nobody retries. False when
    the job is not settled or was counted already.
    """
    job = JobRecord.from_item(item)
    if job.active_pk or job.counted_at:
        return False
    name = job.labeling_job_name
    emit_chain_metrics(str(job.chain), job_metrics(item))
    try:
        store.mark_counted(name, now)
    except Exception:
        # The metrics are out: failing the invocation now would only make its retry count them twice.
        logger.exception("could not remember that the job was counted", extra={"labelingJobName": name})
    return True


def chain_of(item: Mapping[str, Any], chains: Mapping[str, ChainConfig]) -> ChainConfig:
    """The configuration of the job's chain; ``UnknownChain`` when it is no longer configured."""
    job = JobRecord.from_item(item)
    chain = chains.get(str(job.chain))
    if chain is None:
        raise UnknownChain(f"chain {job.chain!r} of job {job.labeling_job_name} is no longer configured")
    return chain


def _output_stats(uri: str | None, chain: ChainConfig, objects: Objects) -> OutputStats | None:
    if not uri:
        return None
    bucket, key = parse_s3_uri(uri)
    try:
        return count_output_manifest(objects.iter_lines(bucket, key), chain.label_attribute_name)
    except ManifestNotFound:
        logger.warning("output manifest missing", extra={"outputManifestS3Uri": uri})
        return None


def settle_job(
    item: Mapping[str, Any],
    description: Mapping[str, Any],
    *,
    chain: ChainConfig,
    store: JobStore,
    objects: Objects,
    notifier: Notifier,
    now: str,
    region: str,
) -> SettledJob:
    """Record the ended job ``item`` as ``description`` (its ``DescribeLabelingJob``) reports it.

    The model and the head are written before the record leaves the ``active`` index: a call that dies
    in between leaves the job active, and the next call finishes the same idempotent steps.
    """
    job = JobRecord.from_item(item)
    name, sequence = job.labeling_job_name, int(job.sequence or 0)
    output_uri = (description.get("LabelingJobOutput") or {}).get("OutputDatasetS3Uri")
    figures = figures_from_description(description, chain, _output_stats(output_uri, chain, objects))
    attributes = {
        **figures.to_item(),
        **JobRecord.attributes(labeling_job_arn=description.get("LabelingJobArn")),
    }
    status = job_status(figures.status)
    model = figures.final_model_arn
    if model:
        store.put_model(
            records.model_item(
                arn=model,
                chain=chain.name,
                # What the job was asked to label (stored by Prepare), even if the chain changed since.
                task_type=str(job.task_type or chain.task_type.value),
                labeling_job_name=name,
                sequence=sequence,
                labels=list(job.labels or chain.labels),
            )
        )
    candidate = JobRecord(labeling_job_name=name, role=job.role, status=status, final_model_arn=model)
    advanced = feeds_head(candidate.to_item()) and store.advance_head(
        chain.name, sequence, name, str(model), now
    )
    settled = store.record_figures(name, status, attributes, now)
    summary = records.job_summary(settled.item, head_advanced=advanced)
    if settled.first or not JobRecord.from_item(settled.item).notified_at:
        message = job_recorded_message(summary, region=region, execution_arn=job.execution_arn)
        # Marked only once it went out, so a retry (or the reconciler) tries a lost notification again.
        if notifier.publish(message.subject, message.body):
            store.mark_notified(name, now)
    count_once(settled.item, store=store, now=now)
    logger.info(
        "job recorded",
        extra={"summary": summary, "first": settled.first, "outputMismatch": figures.output_mismatch},
    )
    return SettledJob(summary, settled.first)


def close_unstarted(name: str, error: str, cause: str, *, store: JobStore, now: str) -> bool:
    """Close the record of a job Ground Truth does not have (nothing was created, nothing can be settled
    but the record) as FAILED with ``error``/``cause``, and count it; True if this call closed it."""
    first = store.close_unstarted(name, error, cause, now)
    stored = store.get_job(name)
    if stored is not None:
        count_once(stored, store=store, now=now)
    return first


@dataclass(frozen=True)
class Settling:
    """What settling or closing a job takes: the configured chains, the clients, the invocation's time
    and the region of the console links (RecordJob's and RecordFailure's arguments)."""

    chains: Mapping[str, ChainConfig]
    store: JobStore
    labeling: LabelingJobs
    objects: Objects
    notifier: Notifier
    now: str
    region: str

    def settle(self, item: Mapping[str, Any], description: Mapping[str, Any]) -> SettledJob:
        """:func:`settle_job` of the ended job ``item``, with the configuration of its chain."""
        return settle_job(
            item,
            description,
            chain=chain_of(item, self.chains),
            store=self.store,
            objects=self.objects,
            notifier=self.notifier,
            now=self.now,
            region=self.region,
        )


def close_failed_job(item: Mapping[str, Any], error: str, cause: str, settling: Settling) -> SettledJob:
    """Close the job of an execution path that failed with ``error``, by Ground Truth's truth.

    Returns
    -------
    SettledJob
        The summary carries ``error``/``cause``, ``created`` (Ground Truth has the job) and ``stopped``
        (a running job was asked to stop).
    """
    job, store, now = JobRecord.from_item(item), settling.store, settling.now
    name = job.labeling_job_name
    labeling = settling.labeling
    description = labeling.find_created(name, job.manifest_s3_uri)
    stopped, first = False, False
    if description is None:
        first = close_unstarted(name, error, cause, store=store, now=now)
        stored = store.get_job(name) or dict(item)
    elif description["LabelingJobStatus"] in TERMINAL_STATUSES:
        store.note_failure(name, error, cause, now)
        settled = settling.settle(item, description)
        stored, first = {**item, **settled.summary}, settled.first
    else:
        # Nobody waits for it any more: stop it; the reconciler records STOPPED once Ground Truth says so.
        store.note_failure(name, error, cause, now)
        stopped = labeling.stop(name)
        stored = store.get_job(name) or dict(item)
    summary = {
        **records.job_summary(stored),
        "error": error,
        "cause": cause,
        CREATED: description is not None,
        "stopped": stopped,
    }
    return SettledJob(summary, first)
