"""A finished (or running) job's figures, from its ``DescribeLabelingJob`` response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .config import ChainConfig
from .cost import CostEstimate, estimate_cost, machine_percent
from .items import JobRecord
from .limits import PUBLIC_CROWD
from .manifest import OutputStats
from .requests import amount_to_price
from .times import seconds_between, to_iso

COUNTER_NAMES = ("TotalLabeled", "HumanLabeled", "MachineLabeled", "FailedNonRetryableError", "Unlabeled")
#: Our job ``status`` for each ``LabelingJobStatus``.
JOB_STATUS = {
    "Initializing": "IN_PROGRESS",
    "InProgress": "IN_PROGRESS",
    "Stopping": "IN_PROGRESS",
    "Completed": "COMPLETED",
    "Failed": "FAILED",
    "Stopped": "STOPPED",
}


def job_status(labeling_job_status: str) -> str:
    """The record status (``IN_PROGRESS``/``COMPLETED``/``FAILED``/``STOPPED``) of a Ground Truth status."""
    return JOB_STATUS.get(labeling_job_status, "IN_PROGRESS")


@dataclass(frozen=True)
class JobFigures:
    """Counters, machine share, cost, duration and outputs of one labeling job.

    ``status`` is the Ground Truth ``LabelingJobStatus``; times are ISO-8601 strings in UTC;
    ``output_mismatch`` (default ``False``) tells that the output manifest's counts differ from
    ``LabelCounters`` (the counters are kept).
    """

    status: str
    counters: dict[str, int]
    machine_percent: Decimal
    cost: CostEstimate
    elapsed_seconds: int
    final_model_arn: str | None
    output_manifest_s3_uri: str | None
    failure_reason: str | None
    creation_time: str
    last_modified_time: str
    output_mismatch: bool = False

    def to_item(self) -> dict[str, Any]:
        """DynamoDB-ready attributes of the JOB item (Decimals, ints and strings; ``None`` dropped).

        Keys: ``status`` (record status), ``labelingJobStatus``, ``counters``, ``machinePercent``, ``cost``,
        ``elapsedSeconds``, ``finalModelArn``, ``outputManifestS3Uri``, ``failureReason``, ``creationTime``,
        ``lastModifiedTime`` and ``outputMismatch`` (only when true).
        """
        return JobRecord.attributes(
            status=job_status(self.status),
            labeling_job_status=self.status,
            counters=dict(self.counters),
            machine_percent=self.machine_percent,
            cost=self.cost.to_record(),
            elapsed_seconds=self.elapsed_seconds,
            final_model_arn=self.final_model_arn,
            output_manifest_s3_uri=self.output_manifest_s3_uri,
            failure_reason=self.failure_reason,
            creation_time=self.creation_time,
            last_modified_time=self.last_modified_time,
            output_mismatch=True if self.output_mismatch else None,
        )


def _task_price(description: Mapping[str, Any], chain: ChainConfig) -> Decimal | None:
    human = description.get("HumanTaskConfig")
    if not isinstance(human, Mapping):
        return chain.workforce.task_price_usd if chain.workforce.kind == "public" else None
    amount = (human.get("PublicWorkforceTaskPrice") or {}).get("AmountInUsd")
    if isinstance(amount, Mapping):
        return amount_to_price(amount)
    if PUBLIC_CROWD in str(human.get("WorkteamArn", "")):
        return chain.workforce.task_price_usd
    return None


def figures_from_description(
    description: Mapping[str, Any], chain: ChainConfig, output: OutputStats | None = None
) -> JobFigures:
    """Build :class:`JobFigures` from a ``DescribeLabelingJob`` response.

    Parameters
    ----------
    description : the response; ``CreationTime``/``LastModifiedTime`` may be datetimes or ISO strings,
        ``LabelCounters`` children and ``LabelingJobOutput`` may be missing.
    chain : the job's chain: fee tiers and compute price, and the fallback worker count and task price
        when the description has no ``HumanTaskConfig``.
    output : default ``None``; counts of the output manifest. Used when ``LabelCounters`` has no human or
        machine count; otherwise only compared (``output_mismatch``).
    """
    raw = description.get("LabelCounters") or {}
    counters = {name: int(raw.get(name) or 0) for name in COUNTER_NAMES}
    mismatch = False
    if output is not None:
        if "HumanLabeled" not in raw and "MachineLabeled" not in raw:
            counters.update(
                HumanLabeled=output.human_labeled,
                MachineLabeled=output.machine_labeled,
                TotalLabeled=output.human_labeled + output.machine_labeled,
            )
        mismatch = (counters["HumanLabeled"], counters["MachineLabeled"]) != (
            output.human_labeled,
            output.machine_labeled,
        )
    human, machine = counters["HumanLabeled"], counters["MachineLabeled"]
    created, modified = (
        description["CreationTime"],
        description.get("LastModifiedTime") or description["CreationTime"],
    )
    elapsed = seconds_between(created, modified)
    human_config = description.get("HumanTaskConfig")
    workers = chain.workers_per_object
    if isinstance(human_config, Mapping) and human_config.get("NumberOfHumanWorkersPerDataObject"):
        workers = int(human_config["NumberOfHumanWorkersPerDataObject"])
    auto_labeling = (
        "LabelingJobAlgorithmsConfig" in description
        if "HumanTaskConfig" in description
        else (chain.auto_labeling)
    )
    cost = estimate_cost(
        human_labeled=human,
        machine_labeled=machine,
        workers_per_object=workers,
        task_price_usd=_task_price(description, chain),
        fee_tiers=chain.pricing.fee_tiers,
        compute_usd_per_hour=chain.pricing.auto_labeling_compute_usd_per_hour
        if auto_labeling
        else Decimal(0),
        elapsed_seconds=elapsed,
    )
    job_output = description.get("LabelingJobOutput") or {}
    return JobFigures(
        status=str(description.get("LabelingJobStatus", "")),
        counters=counters,
        machine_percent=machine_percent(human, machine),
        cost=cost,
        elapsed_seconds=elapsed,
        final_model_arn=job_output.get("FinalActiveLearningModelArn"),
        output_manifest_s3_uri=job_output.get("OutputDatasetS3Uri"),
        failure_reason=description.get("FailureReason"),
        creation_time=to_iso(created),
        last_modified_time=to_iso(modified),
        output_mismatch=mismatch,
    )
