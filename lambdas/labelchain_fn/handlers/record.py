"""RecordJob: store a finished job's figures, register its model, and move the chain head forward.

Counters come from ``DescribeLabelingJob``; the output manifest is streamed to cross-check them. Only a
completed main job with a final model becomes the head (control jobs start cold by design and never
feed the chain), and only if no newer job is the head already.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.job_store import TERMINAL_STATUSES, JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.notifier import Notifier
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import (
    CHAINS_PARAMETER_NAME,
    TABLE_NAME,
    TOPIC_ARN,
    get_settings,
    load_chains,
)
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import JobRecordNotFound, ManifestNotFound, UnknownChain
from labelchain_fn.core.figures import figures_from_description
from labelchain_fn.core.inputs import parse_s3_uri
from labelchain_fn.core.manifest import OutputStats, count_output_manifest
from labelchain_fn.core.messages import job_recorded_message
from labelchain_fn.core.metrics import MetricDatum, recorded_job_metrics
from labelchain_fn.handlers.shared import (
    add_metrics,
    emit_notifications_failed,
    logger,
    metrics,
    now_iso,
    tracer,
)

REQUIRED = (TABLE_NAME, CHAINS_PARAMETER_NAME, TOPIC_ARN)


@dataclass(frozen=True)
class RecordedJob:
    """What RecordJob did: the job ``summary`` (the task output) and the per-chain ``metrics`` to emit,
    empty when a retry recorded a job that had already ended (each job is counted once)."""

    summary: dict[str, Any]
    metrics: list[MetricDatum]


def _output_stats(uri: str | None, chain: ChainConfig, objects: Objects) -> OutputStats | None:
    if not uri:
        return None
    bucket, key = parse_s3_uri(uri)
    try:
        return count_output_manifest(objects.iter_lines(bucket, key), chain.label_attribute_name)
    except ManifestNotFound:
        logger.warning("output manifest missing", extra={"outputManifestS3Uri": uri})
        return None


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
) -> RecordedJob:
    """Record the job ``{"labelingJobName"}`` and announce it; returns its summary
    (``records.job_summary``) and metrics. ``region`` is used for the console links of the message.

    Raises
    ------
    JobRecordNotFound, UnknownChain
    """
    name = str(event["labelingJobName"])
    item = store.get_job(name)
    if item is None:
        raise JobRecordNotFound(f"no job record for {name}")
    chain = chains.get(str(item["chain"]))
    if chain is None:
        raise UnknownChain(f"chain {item['chain']!r} of job {name} is no longer configured")
    description = labeling.describe(name)
    output_uri = (description.get("LabelingJobOutput") or {}).get("OutputDatasetS3Uri")
    figures = figures_from_description(description, chain, _output_stats(output_uri, chain, objects))
    attributes = figures.to_item()
    stored = store.record_figures(name, attributes["status"], attributes, now)
    model = figures.final_model_arn
    if model:
        store.put_model(
            records.model_item(
                arn=model,
                chain=chain.name,
                task_type=chain.task_type.value,
                labeling_job_name=name,
                sequence=int(item["sequence"]),
                labels=chain.labels,
            )
        )
    advanced = (
        bool(model)
        and item.get("role") == "main"
        and figures.status == "Completed"
        and store.advance_head(chain.name, int(item["sequence"]), name, str(model), now)
    )
    summary = records.job_summary(stored, head_advanced=advanced)
    message = job_recorded_message(summary, region=region, execution_arn=item.get("executionArn"))
    notifier.publish(message.subject, message.body)
    logger.info("job recorded", extra={"summary": summary, "outputMismatch": figures.output_mismatch})
    first = item.get("status") not in TERMINAL_STATUSES
    return RecordedJob(summary, recorded_job_metrics(summary) if first else [])


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
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
    add_metrics(recorded.metrics, chain=str(recorded.summary["chain"]))
    emit_notifications_failed(notifier.failed)
    return recorded.summary
