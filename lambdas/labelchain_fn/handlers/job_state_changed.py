"""JobStateChanged: the EventBridge "SageMaker Ground Truth Labeling Job State Change" event of a job that
ended resumes the execution waiting on the job's task token.

The event is a hint, DescribeLabelingJob is the truth: the job is described and the callback follows the
status Ground Truth reports, so a stale or misordered "Completed" event for a job that still runs resumes
nothing (the Monitor delivers the callback once the job has really ended). Jobs that are not the
pipeline's (another prefix, or no record) are ignored; a repeated event finds ``callbackSent`` set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.core.callbacks import TERMINAL_STATUSES
from labelchain_fn.core.errors import InputInvalid
from labelchain_fn.core.naming import job_name_from_arn
from labelchain_fn.functions import FUNCTIONS
from labelchain_fn.handlers.delivery import SENT, deliver_callback
from labelchain_fn.handlers.shared import logger, metrics
from labelchain_fn.handlers.wiring import Wiring, entry_point

REQUIRED = FUNCTIONS["job_state_changed"].required  # labelchain_fn.functions declares it
IGNORED = "ignored"


def job_state_changed(
    event: Mapping[str, Any],
    *,
    job_name_prefix: str,
    store: JobStore,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    now: str,
) -> dict[str, Any]:
    """Handle one state-change event.

    Parameters
    ----------
    job_name_prefix : the deployment's job-name prefix; ``""`` checks the record only.

    Returns
    -------
    dict
        ``{"labelingJobName", "labelingJobStatus", "outcome"}``: the status Ground Truth reports (the
        event's for an ignored event); ``outcome`` is ``"ignored"`` or one of the
        :func:`~labelchain_fn.handlers.delivery.deliver_callback` outcomes (``not-terminal`` when the job
        still runs whatever the event said).
    """
    resources = event.get("resources") or []
    status = str((event.get("detail") or {}).get("LabelingJobStatus", ""))
    try:
        name = job_name_from_arn(str(resources[0])) if resources else ""
    except InputInvalid:  # not a labeling-job resource: not ours
        name = ""
    result = {"labelingJobName": name, "labelingJobStatus": status, "outcome": IGNORED}
    if not name or status not in TERMINAL_STATUSES:
        return result
    if job_name_prefix and not name.startswith(f"{job_name_prefix}-"):
        return result
    item = store.get_job(name)
    if item is None:
        return result
    description = labeling.describe(name)
    status = str(description["LabelingJobStatus"])
    reason = description.get("FailureReason")
    result["labelingJobStatus"] = status
    result["outcome"] = deliver_callback(item, status, reason, store=store, callbacks=callbacks, now=now)
    logger.info("labeling job ended", extra=result)
    return result


@entry_point()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point ``labelchain_fn.handlers.job_state_changed.handler``."""
    wiring = Wiring(REQUIRED)
    prefix = wiring.settings.job_name_prefix
    result = job_state_changed(
        event, job_name_prefix=prefix, **wiring.using("store", "labeling", "callbacks", "now")
    )
    metrics.add_metric(name="CallbacksSent", unit="Count", value=1 if result["outcome"] == SENT else 0)
    return result
