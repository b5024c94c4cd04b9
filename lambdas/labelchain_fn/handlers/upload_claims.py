"""Prepare's upload claim: one batch per uploaded manifest version, and no batch stranded by a failure.

A second execution for the same upload (a redelivered event, a console re-run) meets the claim of the
first and decides by what the first one left behind:

* the first still runs, or its labeling job exists and has not failed -> a successful no-op ("duplicate");
* its labeling job FAILED or was STOPPED -> ``BatchAlreadyProcessed``, naming the earlier execution, job
  and status (never a silent success; to label the file anew, upload it again: each version is a batch);
* no labeling job exists and the first execution has ended (or released the claim) -> this execution
  takes the batch over, with the same sequence number and job names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore, UploadClaim
from labelchain_fn.adapters.job_uploads import RELEASED
from labelchain_fn.core.errors import BatchAlreadyProcessed
from labelchain_fn.core.naming import labeling_job_name

ENDED_JOB_STATUSES = ("FAILED", "STOPPED")


@dataclass(frozen=True)
class ClaimOutcome:
    """``claim`` (owned or not) and, when this execution took the upload over, the earlier owner."""

    claim: UploadClaim
    taken_over_from: str | None = None


def claim_batch(
    item: Mapping[str, Any],
    *,
    store: JobStore,
    callbacks: Callbacks,
    job_name_prefix: str,
    digest: str,
) -> ClaimOutcome:
    """Claim the upload of ``item`` (an ``UPLOAD#`` item for this execution) or decide what the earlier
    claim means (module docstring).

    Raises
    ------
    BatchAlreadyProcessed
        When the upload's labeling job already ended FAILED or STOPPED.
    """
    # A claim another execution released is taken over like one whose execution ended: its job records
    # (never created in Ground Truth) are replaced, so remember whose they are.
    earlier = store.get_upload({"pk": item["pk"], "sk": item["sk"]}) or {}
    released_by = earlier.get("executionArn") if earlier.get("status") == RELEASED else None
    claim = store.claim_upload(item)
    if claim.owned:
        return ClaimOutcome(claim, released_by if released_by != item["executionArn"] else None)
    owner = str(claim.item.get("executionArn") or "")
    main = None
    if "sequence" in claim.item:
        name = labeling_job_name(job_name_prefix, str(item["chain"]), int(claim.item["sequence"]), digest)
        main = store.get_job(name)
    if main is not None and main.get("labelingJobArn"):
        status = main.get("status")
        if status in ENDED_JOB_STATUSES:
            source = f"s3://{item['bucket']}/{item['key']}"
            raise BatchAlreadyProcessed(
                f"{source} (version {item.get('versionId') or item.get('etag')}) was labeled by job "
                f"{main['labelingJobName']} of execution {owner}, which ended {status}"
                f"{': ' + str(main['failureReason']) if main.get('failureReason') else ''}; "
                "upload the manifest again to label it anew"
            )
        return ClaimOutcome(claim)
    if owner and callbacks.execution_status(owner) == "RUNNING":
        return ClaimOutcome(claim)
    # The owner ended without a labeling job: the batch is free for this execution.
    taken = store.claim_upload(item, take_over_from=owner)
    return ClaimOutcome(taken, owner if taken.owned else None)
