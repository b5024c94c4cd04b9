"""The DynamoDB layout of docs/design.md as pure helpers: keys, new items, summaries and comparisons.

One table with ``pk``/``sk``; ``gsi1`` lists a chain's jobs (by sequence), comparisons and failures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
    return {
        **model_key(arn),
        "chain": chain,
        "taskType": task_type,
        "labelingJobName": labeling_job_name,
        "sequence": sequence,
        "labels": list(labels),
    }


def _drop_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


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
    source : the uploaded manifest ``{"bucket", "key", "versionId", "etag"}`` (``None`` values dropped).
    request : the CreateLabelingJob request, stored as a JSON string (it is large and nested).
    now : ISO time, stored as ``createdAt`` and ``updatedAt``.
    task_type, labels : what the job is asked to label (default ``None``: not stored); the model it
        produces is registered with these, not with the chain's configuration at the time it ends.
    """
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}; received {role!r}")
    return {
        **job_key(labeling_job_name),
        "chain": chain,
        "sequence": sequence,
        "role": role,
        "status": "PENDING",
        "labelingJobName": labeling_job_name,
        "manifestS3Uri": manifest_s3_uri,
        "sourceManifest": _drop_none(source),
        "objectCount": object_count,
        "warmStart": warm_start.to_item(),
        "request": json.dumps(request, sort_keys=True, default=str),
        "executionArn": execution_arn,
        "callbackSent": False,
        # In the active index from the start: a job created by a StartJob that died before storing its
        # token is still found by the reconciler.
        "activePk": ACTIVE,
        "createdAt": now,
        "updatedAt": now,
        "gsi1pk": f"CHAIN#{chain}",
        "gsi1sk": f"JOB#{sequence:08d}#{role}",
        **({"taskType": task_type} if task_type else {}),
        **({"labels": list(labels)} if labels is not None else {}),
    }


def job_summary(item: Mapping[str, Any], *, head_advanced: bool = False) -> dict[str, Any]:
    """The RecordJob output (JSON-safe) of a JOB item.

    Keys: ``labelingJobName``, ``chain``, ``sequence``, ``role``, ``status``, ``counters``,
    ``machinePercent``, ``cost``, ``elapsedSeconds``, ``initialModelArn``, ``finalModelArn`` and
    ``headAdvanced`` (default false). Decimals become ints or floats.
    """
    warm = item.get("warmStart") or {}
    summary = {
        "labelingJobName": item.get("labelingJobName"),
        "chain": item.get("chain"),
        "sequence": item.get("sequence"),
        "role": item.get("role"),
        "status": item.get("status"),
        "counters": item.get("counters") or {},
        "machinePercent": item.get("machinePercent", Decimal(0)),
        "cost": item.get("cost") or {},
        "elapsedSeconds": item.get("elapsedSeconds", 0),
        "initialModelArn": warm.get("initialModelArn"),
        "finalModelArn": item.get("finalModelArn"),
        "headAdvanced": head_advanced,
    }
    result: dict[str, Any] = from_dynamo(summary)
    return result


def _dec(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def _ratio(numerator: Decimal, denominator: Decimal, quantum: str) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


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
    if control.get("status") != "COMPLETED":
        failed: dict[str, Any] = {
            **comparison_key(str(main["labelingJobName"])),
            "chain": chain,
            "warm": to_dynamo(dict(main)),
            "control": to_dynamo(dict(control)),
            "controlFailed": True,
            "controlError": control.get("error") or f"control job {control.get('status')}",
            "createdAt": now,
            "gsi1pk": f"CHAIN#{chain}",
            "gsi1sk": f"COMPARISON#{int(main.get('sequence') or 0):08d}",
        }
        return _drop_none(failed)
    main_cost, control_cost = (
        _dec((main.get("cost") or {}).get("totalUsd")),
        _dec((control.get("cost") or {}).get("totalUsd")),
    )
    item: dict[str, Any] = {
        **comparison_key(str(main["labelingJobName"])),
        "chain": chain,
        "warm": to_dynamo(dict(main)),
        "control": to_dynamo(dict(control)),
        "machinePercentDelta": (
            _dec(main.get("machinePercent")) - _dec(control.get("machinePercent"))
        ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        "costSavingPercent": _ratio((control_cost - main_cost) * 100, control_cost, "0.1"),
        "elapsedRatio": _ratio(_dec(main.get("elapsedSeconds")), _dec(control.get("elapsedSeconds")), "0.01"),
        "createdAt": now,
        "gsi1pk": f"CHAIN#{chain}",
        "gsi1sk": f"COMPARISON#{int(main.get('sequence') or 0):08d}",
    }
    return _drop_none(item)


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
    item: dict[str, Any] = {
        **failure_key(execution_name),
        "chain": chain,
        "error": error,
        "cause": cause[:MAX_FAILURE_TEXT] if cause else None,
        "input": text[:MAX_FAILURE_TEXT],
        "labelingJobName": labeling_job_name,
        "createdAt": now,
    }
    if chain:
        item.update(gsi1pk=f"CHAIN#{chain}", gsi1sk=f"FAILURE#{now}")
    return _drop_none(item)
