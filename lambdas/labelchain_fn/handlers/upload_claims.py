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
from labelchain_fn.core.items import JobRecord, UploadRecord
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
    upload = UploadRecord.from_item(item)
    earlier = UploadRecord.from_item(store.get_upload({"pk": item["pk"], "sk": item["sk"]}) or {})
    released_by = earlier.execution_arn if earlier.status == RELEASED else None
    claim = store.claim_upload(item)
    if claim.owned:
        return ClaimOutcome(claim, released_by if released_by != upload.execution_arn else None)
    held = UploadRecord.from_item(claim.item)
    owner = str(held.execution_arn or "")
    main = None
    if held.sequence is not None:
        name = labeling_job_name(job_name_prefix, str(upload.chain), held.sequence, digest)
        stored = store.get_job(name)
        main = JobRecord.from_item(stored) if stored is not None else None
    if main is not None and main.labeling_job_arn:
        status = main.status
        if status in ENDED_JOB_STATUSES:
            source = f"s3://{upload.bucket}/{upload.key_name}"
            raise BatchAlreadyProcessed(
                f"{source} (version {upload.version_id or upload.etag}) was labeled by job "
                f"{main.labeling_job_name} of execution {owner}, which ended {status}"
                f"{': ' + str(main.failure_reason) if main.failure_reason else ''}; "
                "upload the manifest again to label it anew"
            )
        return ClaimOutcome(claim)
    if owner and callbacks.execution_status(owner) == "RUNNING":
        return ClaimOutcome(claim)
    # The owner ended without a labeling job: the batch is free for this execution.
    taken = store.claim_upload(item, take_over_from=owner)
    return ClaimOutcome(taken, owner if taken.owned else None)
