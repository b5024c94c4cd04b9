"""The DynamoDB layout of docs/design.md as pure helpers: keys, new items, summaries and comparisons.

One table with ``pk``/``sk``; ``gsi1`` lists a chain's jobs (by sequence), comparisons and failures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .items import ComparisonRecord, FailureRecord, JobRecord, JobSummary, ModelRecord, to_decimal
from .record_keys import (
    ACTIVE,
    chain_head_key,
    comparison_key,
    failure_key,
    from_dynamo,
    job_key,
    model_key,
    snapshot_key,
    to_dynamo,
    upload_key,
)
from .warm_start import WarmStart

__all__ = [
    "ACTIVE",
    "chain_head_key",
    "comparison_item",
    "comparison_key",
    "failure_item",
    "failure_key",
    "from_dynamo",
    "job_key",
    "job_summary",
    "model_item",
    "model_key",
    "new_job_item",
    "snapshot_key",
    "to_dynamo",
    "upload_key",
]

#: Longest ``cause``/``input`` text kept on a failure item (DynamoDB items are limited to 400 KB).
MAX_FAILURE_TEXT = 32_000
ROLES = ("main", "control")


def model_item(
    *, arn: str, chain: str, task_type: str, labeling_job_name: str, sequence: int, labels: Sequence[str]
) -> dict[str, Any]:
    """MODEL item: who made the model, for which task type and labels (checked by warm start)."""
    record = ModelRecord(
        arn=arn,
        chain=chain,
        task_type=task_type,
        labeling_job_name=labeling_job_name,
        sequence=sequence,
        labels=list(labels),
    )
    return record.to_item()


def new_job_item(
    *,
    chain: str,
    sequence: int,
    role: str,
    labeling_job_name: str,
    request: Mapping[str, Any],
    manifest_s3_uri: str,
    source: Mapping[str, Any],
    object_count: int,
    warm_start: WarmStart,
    execution_arn: str,
    now: str,
    task_type: str | None = None,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JOB item written (``attribute_not_exists(pk)``) before the job is created, status ``PENDING``.

    Parameters
    ----------
    source : the uploaded manifest ``{"bucket", "key", "versionId", "etag"}`` (``None`` values dropped;
        :meth:`UploadRecord.source_manifest`).
    request : the CreateLabelingJob request, stored as a JSON string (it is large and nested).
    now : ISO time, stored as ``createdAt`` and ``updatedAt``.
    task_type, labels : what the job is asked to label (default ``None``: not stored); the model it
        produces is registered with these, not with the chain's configuration at the time it ends.
    """
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}; received {role!r}")
    record = JobRecord(
        chain=chain,
        sequence=sequence,
        role=role,
        status="PENDING",
        labeling_job_name=labeling_job_name,
        manifest_s3_uri=manifest_s3_uri,
        source_manifest={key: value for key, value in source.items() if value is not None},
        object_count=object_count,
        warm_start=warm_start.to_record(),
        request=json.dumps(request, sort_keys=True, default=str),
        execution_arn=execution_arn,
        callback_sent=False,
        # In the active index from the start: a job created by a StartJob that died before storing its
        # token is still found by the reconciler.
        active_pk=ACTIVE,
        created_at=now,
        updated_at=now,
        task_type=task_type or None,
        labels=list(labels) if labels is not None else None,
    )
    return record.to_item()


def job_summary(item: Mapping[str, Any], *, head_advanced: bool = False) -> dict[str, Any]:
    """The RecordJob output (JSON-safe) of a JOB item: a :class:`JobSummary` (``labelingJobName``,
    ``chain``, ``sequence``, ``role``, ``status``, ``counters``, ``machinePercent``, ``cost``,
    ``elapsedSeconds``, ``initialModelArn``, ``finalModelArn``, ``headAdvanced``, default false).
    Decimals become ints or floats."""
    summary = JobSummary.of_job(JobRecord.from_item(item), head_advanced=head_advanced)
    result: dict[str, Any] = from_dynamo(summary.to_item())
    return result


def _ratio(numerator: Decimal, denominator: Decimal, quantum: str) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


def _total_usd(summary: JobSummary) -> Decimal:
    return to_decimal(summary.cost.total_usd)


def comparison_item(
    main: Mapping[str, Any], control: Mapping[str, Any], *, chain: str, now: str
) -> dict[str, Any]:
    """COMPARISON item of a warm-started job (``main``) and its cold control, from two job summaries.

    ``machinePercentDelta`` = main - control (percentage points); ``costSavingPercent`` =
    (control - main) / control * 100 of ``cost.totalUsd``, 1 decimal; ``elapsedRatio`` = main / control
    elapsed seconds, 2 decimals. A ratio whose denominator is 0 is left out. Values are Decimals.
    A control that did not complete (its summary's ``status`` is not ``COMPLETED``) is compared with
    nothing: the item says ``controlFailed`` with the control's ``error`` and carries no deltas.
    """
    warm, cold = JobSummary.from_item(main), JobSummary.from_item(control)
    stored = {
        "chain": chain,
        "warm": to_dynamo(dict(main)),
        "control": to_dynamo(dict(control)),
        "created_at": now,
    }
    if cold.status != "COMPLETED":
        return ComparisonRecord(
            **stored,
            control_failed=True,
            control_error=control.get(JobRecord.name("error")) or f"control job {cold.status}",
        ).to_item()
    main_cost, control_cost = _total_usd(warm), _total_usd(cold)
    record = ComparisonRecord(
        **stored,
        machine_percent_delta=(to_decimal(warm.machine_percent) - to_decimal(cold.machine_percent)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        ),
        cost_saving_percent=_ratio((control_cost - main_cost) * 100, control_cost, "0.1"),
        elapsed_ratio=_ratio(to_decimal(warm.elapsed_seconds), to_decimal(cold.elapsed_seconds), "0.01"),
    )
    return record.to_item()


def failure_item(
    *,
    execution_name: str,
    chain: str | None,
    error: str,
    cause: str | None,
    input: Any,
    labeling_job_name: str | None,
    now: str,
) -> dict[str, Any]:
    """FAILURE item of one execution; ``input`` is stored as JSON text, ``cause``/``input`` cut to 32,000
    characters. Without a known chain the item is not listed on ``gsi1``."""
    text = input if isinstance(input, str) else json.dumps(input, sort_keys=True, default=str)
    record = FailureRecord(
        execution_name=execution_name,
        chain=chain,
        error=error,
        cause=cause[:MAX_FAILURE_TEXT] if cause else None,
        input=text[:MAX_FAILURE_TEXT],
        labeling_job_name=labeling_job_name,
        created_at=now,
    )
    return record.to_item()
