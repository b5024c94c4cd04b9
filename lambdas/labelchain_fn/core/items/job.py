# ruff: noqa: RUF009  (attr() returns a dataclasses.field, made once per class)
"""The JOB item of a labeling job (``JOB#<name>``/``JOB``) and the job summary RecordJob outputs.

Attribute names are those of docs/design.md ("DynamoDB"); each is spelled here once, in its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..record_keys import job_key
from .base import Record, attr


def counters_of(raw: Mapping[str, Any]) -> dict[str, int]:
    """Ground Truth's ``LabelCounters`` as stored (Decimals or ints) -> ints, in stored order."""
    return {name: int(value) for name, value in raw.items()}


@dataclass(frozen=True, kw_only=True)
class Cost(Record):
    """The ``cost`` map of a job: estimated USD amounts (Decimals; ``None`` where not estimated)."""

    fee_usd: Decimal | None = attr("feeUsd", Decimal)
    workforce_usd: Decimal | None = attr("workforceUsd", Decimal)
    compute_usd: Decimal | None = attr("computeUsd", Decimal)
    total_usd: Decimal | None = attr("totalUsd", Decimal)

    #: The parts of the total, by field, with the words a notification shows for them.
    PARTS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("fee_usd", "labeling fee"),
        ("workforce_usd", "workers"),
        ("compute_usd", "compute"),
    )


@dataclass(frozen=True, kw_only=True)
class WarmStartItem(Record):
    """The ``warmStart`` map of a job: the policy, the initial model (none for a cold start) and why."""

    policy: str | None = attr("policy")
    reason: str | None = attr("reason")
    initial_model_arn: str | None = attr("initialModelArn")


@dataclass(frozen=True, kw_only=True)
class JobRecord(Record):
    """The JOB item: written PENDING by Prepare, then the token (StartJob), then the figures (settling).

    Every field but the name is optional, so an item written before a field existed still reads.
    """

    EXTRA_AFTER: ClassVar[str | None] = "updated_at"  # the gsi1 listing, where Prepare always wrote it

    chain: str | None = attr("chain")
    sequence: int | None = attr("sequence", int)
    role: str | None = attr("role")
    status: str | None = attr("status")
    labeling_job_name: str = attr("labelingJobName", default="")
    manifest_s3_uri: str | None = attr("manifestS3Uri")
    source_manifest: dict[str, Any] | None = attr("sourceManifest", dict)
    object_count: int | None = attr("objectCount", int)
    warm_start: WarmStartItem | None = attr("warmStart", WarmStartItem)
    request: str | None = attr("request")
    execution_arn: str | None = attr("executionArn")
    callback_sent: bool | None = attr("callbackSent")
    active_pk: str | None = attr("activePk")
    created_at: str | None = attr("createdAt")
    updated_at: str | None = attr("updatedAt")
    task_type: str | None = attr("taskType")
    labels: list[str] | None = attr("labels", list)
    # Stored once the job exists (StartJob) and once it ended (settling).
    task_token: str | None = attr("taskToken")
    labeling_job_arn: str | None = attr("labelingJobArn")
    callback_sent_at: str | None = attr("callbackSentAt")
    labeling_job_status: str | None = attr("labelingJobStatus")
    counters: dict[str, int] | None = attr("counters", counters_of)
    machine_percent: Decimal | None = attr("machinePercent", Decimal)
    cost: Cost | None = attr("cost", Cost)
    elapsed_seconds: int | None = attr("elapsedSeconds", int)
    final_model_arn: str | None = attr("finalModelArn")
    output_manifest_s3_uri: str | None = attr("outputManifestS3Uri")
    failure_reason: str | None = attr("failureReason")
    creation_time: str | None = attr("creationTime")
    last_modified_time: str | None = attr("lastModifiedTime")
    output_mismatch: bool | None = attr("outputMismatch")
    completed_at: str | None = attr("completedAt")
    notified_at: str | None = attr("notifiedAt")
    counted_at: str | None = attr("countedAt")
    error: str | None = attr("error")
    cause: str | None = attr("cause")
    last_progress_at: str | None = attr("lastProgressAt")
    stalled_alerted_at: str | None = attr("stalledAlertedAt")

    def key(self) -> dict[str, str]:
        return job_key(self.labeling_job_name)

    def extra(self) -> dict[str, Any]:
        """The ``gsi1`` listing of the chain's jobs by sequence (once chain, sequence and role are known)."""
        if self.chain is None or self.sequence is None or self.role is None:
            return {}
        return {"gsi1pk": f"CHAIN#{self.chain}", "gsi1sk": f"JOB#{self.sequence:08d}#{self.role}"}

    @property
    def initial_model_arn(self) -> str | None:
        """The model the job started from (``warmStart.initialModelArn``), ``None`` for a cold start."""
        return self.warm_start.initial_model_arn if self.warm_start else None

    @property
    def progress_since(self) -> str | None:
        """When the counters last moved (``lastProgressAt``), else when the record was written."""
        return self.last_progress_at or self.created_at


@dataclass(frozen=True, kw_only=True)
class JobSummary(Record):
    """RecordJob's output for one job (JSON-safe once ``from_dynamo``'d), also the ``warm``/``control``
    maps of a comparison. Every field is written, ``None`` included; a field missing from a summary reads
    as ``None`` (the notification shows ``n/a``)."""

    KEEP_NONE: ClassVar[bool] = True

    labeling_job_name: str | None = attr(JobRecord.name("labeling_job_name"))
    chain: str | None = attr(JobRecord.name("chain"))
    sequence: int | None = attr(JobRecord.name("sequence"), int)
    role: str | None = attr(JobRecord.name("role"))
    status: str | None = attr(JobRecord.name("status"))
    counters: dict[str, int] = attr(JobRecord.name("counters"), counters_of, factory=dict)
    machine_percent: Decimal | None = attr(JobRecord.name("machine_percent"), Decimal)
    cost: Cost = attr(JobRecord.name("cost"), Cost, factory=Cost)
    elapsed_seconds: int | None = attr(JobRecord.name("elapsed_seconds"), int)
    initial_model_arn: str | None = attr(WarmStartItem.name("initial_model_arn"))
    final_model_arn: str | None = attr(JobRecord.name("final_model_arn"))
    head_advanced: bool = attr("headAdvanced", default=False)

    @classmethod
    def of_job(cls, job: JobRecord, *, head_advanced: bool = False) -> JobSummary:
        """The summary of a JOB record: no counters or cost read as empty, no share or time as 0."""
        return cls(
            labeling_job_name=job.labeling_job_name,
            chain=job.chain,
            sequence=job.sequence,
            role=job.role,
            status=job.status,
            counters=job.counters or {},
            machine_percent=job.machine_percent if job.machine_percent is not None else Decimal(0),
            cost=job.cost or Cost(),
            elapsed_seconds=job.elapsed_seconds if job.elapsed_seconds is not None else 0,
            initial_model_arn=job.initial_model_arn,
            final_model_arn=job.final_model_arn,
            head_advanced=head_advanced,
        )


__all__ = ["Cost", "JobRecord", "JobSummary", "WarmStartItem", "counters_of"]
