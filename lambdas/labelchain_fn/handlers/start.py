"""StartJob (``lambda:invoke.waitForTaskToken``): create the labeling job and store the task token.

The job name is deterministic, so a retried StartJob meets its own job (``ResourceInUse``) and adopts it;
a job of that name created from another manifest is a conflict. The execution then waits until
JobStateChanged or Monitor sends the callback; if the job already ended (an earlier attempt created it and
crashed), the callback is sent here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import EXISTS, LabelingJobs
from labelchain_fn.core.errors import JobRecordNotFound, LabelingJobNameConflict
from labelchain_fn.core.items import JobRecord
from labelchain_fn.core.metrics import JOBS_STARTED, count
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.delivery import deliver_callback
from labelchain_fn.handlers.shared import add_metrics, logger
from labelchain_fn.handlers.wiring import Wiring, entry_point

REQUIRED = FUNCTIONS["start"].required  # labelchain_fn.functions declares it


def _manifest_of(request: Mapping[str, Any]) -> str | None:
    return (((request.get("InputConfig") or {}).get("DataSource") or {}).get("S3DataSource") or {}).get(
        "ManifestS3Uri"
    )


def start(
    event: Mapping[str, Any], *, store: JobStore, labeling: LabelingJobs, callbacks: Callbacks, now: str
) -> dict[str, Any]:
    """Create the job of ``{"taskToken", "labelingJobName", "executionArn"}`` and store the token.

    Returns
    -------
    dict
        ``{"labelingJobName", "labelingJobArn", "chain", "created", "firstStart", "callback"}``: ``created``
        is false when a retry met its own job; ``firstStart`` is true for the first StartJob that stored a
        token for the job (the record was still ``PENDING``), so a job created by an attempt that crashed
        before storing its token is counted by the retry, and never twice; ``callback`` is ``None`` unless
        the job had already ended.

    Raises
    ------
    JobRecordNotFound, LabelingJobNameConflict, LabelingJobThrottled, LabelingJobRequestInvalid
    """
    name, token, execution_arn = (
        str(event["labelingJobName"]),
        str(event["taskToken"]),
        str(event["executionArn"]),
    )
    item = store.get_job(name)
    if item is None:
        raise JobRecordNotFound(f"no job record for {name}")
    job = JobRecord.from_item(item)
    if job.execution_arn != execution_arn:
        raise LabelingJobNameConflict(f"job {name} belongs to execution {job.execution_arn}")
    request = json.loads(str(job.request))
    job_arn = labeling.create(request)
    created = job_arn != EXISTS
    description: dict[str, Any] = {}
    if not created:
        description = labeling.describe(name)
        if _manifest_of(description) != _manifest_of(request):
            raise LabelingJobNameConflict(
                f"labeling job {name} exists with manifest {_manifest_of(description)}, "
                f"not {_manifest_of(request)}"
            )
        job_arn = str(description["LabelingJobArn"])
    if not store.mark_in_progress(name, token, execution_arn, job_arn, now):
        # The execution closed the record while this call ran (a cancelled Parallel branch): the job exists
        # after all, and nobody waits for it. Stop it and hand the record back to the reconciler.
        store.reactivate(name, job_arn, now)
        labeling.stop(name)
        current = JobRecord.from_item(
            store.get_job(name) or {JobRecord.name("labeling_job_name"): name}
        ).status
        raise LabelingJobNameConflict(f"job record {name} is {current}; the job it created was stopped")
    outcome = None
    if description:
        outcome = deliver_callback(
            {**item, JobRecord.name("task_token"): token},
            str(description["LabelingJobStatus"]),
            description.get("FailureReason"),
            store=store,
            callbacks=callbacks,
            now=now,
        )
    logger.info(
        "labeling job started", extra={"labelingJobName": name, "jobCreated": created, "callback": outcome}
    )
    return {
        "labelingJobName": name,
        "labelingJobArn": job_arn,
        "chain": job.chain,
        "created": created,
        "firstStart": job.status == "PENDING",
        "callback": outcome,
    }


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.start.handler``."""
    result = start(event, **Wiring(REQUIRED).using("store", "labeling", "callbacks", "now"))
    # Counted once per job: a retry that meets a job an earlier attempt already started adds nothing.
    if result["firstStart"]:
        add_metrics([count(JOBS_STARTED)], chain=result["chain"])
    return result
