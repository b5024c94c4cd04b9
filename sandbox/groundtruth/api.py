"""The labeling-job operations added to moto's ``SageMakerResponse``.

moto dispatches each action to the ``SageMakerResponse`` method of the same snake_case name, so adding
``create_labeling_job`` and friends makes them work in decorator mode, in the server and from Step
Functions ``aws-sdk:sagemaker:*`` tasks alike.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.responses import SageMakerResponse

from ..patches._base import AttributePatch
from .config import config
from .errors import (
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ThrottlingException,
    ValidationException,
)
from .lifecycle import TERMINAL, create_job, refresh, request_stop, tick
from .state import GroundTruthState, LabelingJob, ModelLineage, backend_for, state_for
from .validation import validate_create
from .views import describe, summary


def _state(response: SageMakerResponse) -> GroundTruthState:
    return state_for(response.sagemaker_backend)


def _job(response: SageMakerResponse, name: str) -> LabelingJob:
    job = _state(response).jobs.get((name or "").lower())
    if job is None:
        raise ResourceNotFound(f"Could not find labeling job '{name}'.")
    refresh(response.sagemaker_backend, _state(response), job, config().clock.now())
    return job


def _model_finder(response: SageMakerResponse) -> Any:
    backend, state = response.sagemaker_backend, _state(response)

    def find(arn: str) -> tuple[bool, ModelLineage | None]:
        try:
            model = backend.describe_model(arn.split(":model/", 1)[1])
        except Exception:  # moto raises ValidationError for an unknown model
            return False, None
        return True, state.models.get(str(model.arn))

    return find


def create_labeling_job(self: SageMakerResponse) -> ActionResult:
    request = {key: value for key, value in self.params.items() if value is not None}
    name = str(request.get("LabelingJobName", ""))
    state = _state(self)
    fault = state.faults.take_call_fault(name)
    if fault is not None and fault.kind == "throttle":
        raise ThrottlingException("Rate exceeded")
    if fault is not None:
        raise ResourceLimitExceeded("The account-level service limit for labeling jobs has been exceeded.")
    kind, lineage = validate_create(
        request, region=self.region, account=self.current_account, find_model=_model_finder(self)
    )
    with state.lock:
        existing = state.jobs.get(name.lower())
        if existing is not None:
            raise ResourceInUse(
                "Job name must be unique within an AWS account and region, and a job with this name "
                f"already exists ({existing.arn})"
            )
        job = create_job(self.sagemaker_backend, state, request, kind, lineage)
    return ActionResult({"LabelingJobArn": job.arn})


def describe_labeling_job(self: SageMakerResponse) -> ActionResult:
    job = _job(self, self._get_param("LabelingJobName"))
    return ActionResult(describe(job, config().clock.now()))


def stop_labeling_job(self: SageMakerResponse) -> EmptyResult:
    job = _job(self, self._get_param("LabelingJobName"))
    if job.status in TERMINAL:
        raise ValidationException(f"Labeling job {job.name} is {job.status} and cannot be stopped.")
    request_stop(job, config().clock.now())
    refresh(self.sagemaker_backend, _state(self), job, config().clock.now())
    return EmptyResult()


def _aware(value: Any) -> datetime | None:
    """A request timestamp as an aware UTC datetime (moto's parser yields naive UTC or epoch numbers)."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _matches(job: LabelingJob, entry: dict[str, Any], params: dict[str, Any]) -> bool:
    bounds = (
        ("CreationTimeAfter", "CreationTime", 1),
        ("CreationTimeBefore", "CreationTime", -1),
        ("LastModifiedTimeAfter", "LastModifiedTime", 1),
        ("LastModifiedTimeBefore", "LastModifiedTime", -1),
    )
    for param, field, sign in bounds:
        limit = _aware(params.get(param))
        if limit is not None and (entry[field] - limit).total_seconds() * sign <= 0:
            return False
    contains = params.get("NameContains")
    if contains and not fnmatch.fnmatch(job.name.lower(), f"*{contains.lower()}*"):
        return False
    return not params.get("StatusEquals") or job.status == params["StatusEquals"]


def list_labeling_jobs(self: SageMakerResponse) -> ActionResult:
    params = self.params
    tick()
    now = config().clock.now()
    entries = [(job, summary(job, now)) for job in _state(self).jobs.values()]
    entries = [(job, entry) for job, entry in entries if _matches(job, entry, params)]
    sort_key = {"Name": "LabelingJobName", "Status": "LabelingJobStatus"}.get(
        params.get("SortBy", ""), "CreationTime"
    )
    entries.sort(
        key=lambda pair: pair[1][sort_key], reverse=params.get("SortOrder", "Descending") == "Descending"
    )
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 10)
    page = [entry for _job, entry in entries[start : start + size]]
    result: dict[str, Any] = {"LabelingJobSummaryList": page}
    if start + size < len(entries):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


_OPERATIONS = {
    "create_labeling_job": create_labeling_job,
    "describe_labeling_job": describe_labeling_job,
    "stop_labeling_job": stop_labeling_job,
    "list_labeling_jobs": list_labeling_jobs,
}


def _replacement(operation: Callable[..., Any]) -> Callable[[Any], Callable[..., Any]]:
    return lambda _original: operation


_PATCHES = [
    AttributePatch(SageMakerResponse, name, _replacement(op), must_exist=False)
    for name, op in _OPERATIONS.items()
]


def install() -> None:
    """Add the four labeling-job operations to moto's SageMaker; idempotent."""
    # ThrottlingException is a common AWS error, not one of SageMaker's modelled shapes; moto warns.
    warnings.filterwarnings("ignore", message=r"Exception\(ThrottlingException\)", category=UserWarning)
    for patch in _PATCHES:
        patch.install()


def uninstall() -> None:
    """Remove them again (moto answers ``NotImplementedError`` as before)."""
    for patch in _PATCHES:
        patch.uninstall()


def is_installed() -> bool:
    """Whether the operations are present."""
    return all(patch.installed for patch in _PATCHES)


def register_model_lineage(account_id: str, region: str, model_arn: str, lineage: ModelLineage) -> None:
    """Declare an existing model as Ground Truth-trained (to seed a warm start in tests)."""
    state_for(backend_for(account_id, region)).models[model_arn] = lineage
