"""Creating simulated jobs and moving them through their lifecycle in simulated time.

Status is evaluated lazily (on Describe/List) and by :func:`tick` (a background ticker in the sandbox):
``Initializing`` → ``InProgress`` → ``Completed``/``Failed``, or ``Stopping`` → ``Stopped``. When a job
reaches a terminal status it is finalised exactly once (:mod:`sandbox.groundtruth.finalize`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from moto.sagemaker.models import SageMakerModelBackend

from .catalog import TaskKind
from .config import SimulationConfig, config
from .faults import Fault
from .finalize import finalize
from .inputs import InputError, bucket_exists, read_labels, read_manifest
from .planner import Plan, PlanInput, failed_plan, plan_job
from .state import GroundTruthState, LabelingJob, ModelLineage, existing_states

TERMINAL = ("Completed", "Failed", "Stopped")
_PII = "FreeOfPersonallyIdentifiableInformation"


def _hours(job: LabelingJob, now: datetime) -> float:
    return (now - job.created).total_seconds() / 3600.0


def _plan(
    request: dict[str, Any],
    job_key: str,
    kind: TaskKind | None,
    lineage: ModelLineage | None,
    account: str,
    cfg: SimulationConfig,
) -> tuple[Plan, list[dict[str, Any]], list[str]]:
    init = cfg.timing.initializing_minutes / 60.0
    human = request["HumanTaskConfig"]
    try:
        if not bucket_exists(account, request["OutputConfig"]["S3OutputPath"]):
            raise InputError(
                f"ClientError: S3OutputPath {request['OutputConfig']['S3OutputPath']} does not exist."
            )
        if ":394669845002:workteam/public-crowd/" in human["WorkteamArn"] and _PII not in request[
            "InputConfig"
        ].get("DataAttributes", {}).get("ContentClassifiers", []):
            raise InputError(f"ClientError: The public workforce requires the {_PII} content classifier.")
        lines = read_manifest(account, request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"])
        labels = read_labels(account, request.get("LabelCategoryConfigS3Uri"))
    except InputError as error:
        return failed_plan(init, str(error), 0), [], []
    sources = tuple(str(line.get("source-ref", line.get("source"))) for line in lines)
    stopping = request.get("StoppingConditions", {})
    percent = stopping.get("MaxPercentageOfInputDatasetLabeled")
    plan = plan_job(
        PlanInput(
            job_key=job_key,
            sources=sources,
            difficulties=tuple(cfg.difficulty_for(s) for s in sources),
            batch_size=min(human.get("MaxConcurrentTaskCount", 1000), len(sources)),
            workers=human["NumberOfHumanWorkersPerDataObject"],
            auto_labeling=kind is not None and "LabelingJobAlgorithmsConfig" in request,
            prior_effective_labels=lineage.effective_labels if lineage else 0.0,
            max_human=stopping.get("MaxHumanLabeledObjectCount"),
            max_labeled=None if percent is None else len(sources) * percent // 100,
            seed=cfg.seed,
            failed_object_rate=cfg.failed_object_rate,
        ),
        cfg.model,
        cfg.timing,
    )
    return plan, lines, labels


def _apply_faults(job: LabelingJob, faults: list[Fault]) -> None:
    for fault in faults:
        if fault.kind == "delay":
            job.plan = job.plan.shifted(fault.hours)
    for fault in faults:
        at = job.plan.end_hours / 2 if fault.at_hours is None else fault.at_hours
        if fault.kind == "fail":
            job.plan = job.plan.truncated(at, "Failed", fault.reason)
        elif fault.kind == "stop":
            job.stop_at_hours = at
        elif fault.kind == "drop_event":
            job.drop_event = True
        elif fault.kind == "no_model":
            job.no_model = True


def create_job(
    backend: SageMakerModelBackend,
    state: GroundTruthState,
    request: dict[str, Any],
    kind: TaskKind | None,
    lineage: ModelLineage | None,
) -> LabelingJob:
    """Read the inputs, plan the job, apply pending faults and store it (the caller checked the name)."""
    cfg = config()
    name = request["LabelingJobName"]
    plan, lines, labels = _plan(request, name.lower(), kind, lineage, backend.account_id, cfg)
    arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:labeling-job/{name.lower()}"
    digest = hashlib.sha256(f"{cfg.seed}|{arn}".encode()).hexdigest()
    now = cfg.clock.now()
    created = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the API has millisecond precision
    job = LabelingJob(name, arn, request, created, kind, plan, lines, labels, digest[:8].upper())
    _apply_faults(job, state.faults.take_job_faults(name))
    state.jobs[name.lower()] = job
    return job


def effective(job: LabelingJob, cfg: SimulationConfig | None = None) -> tuple[Plan, float]:
    """The plan as it will actually run (a requested stop cut in) and the hour the job ends."""
    if job.final_plan is not None and job.ended_hours is not None:
        return job.final_plan, job.ended_hours
    cfg = cfg or config()
    stopping = cfg.timing.stopping_minutes / 60.0
    plan = job.plan
    if job.stop_at_hours is not None and job.stop_at_hours < plan.end_hours:
        plan = plan.truncated(job.stop_at_hours, "Stopped")
    return plan, plan.end_hours + (stopping if plan.ending == "Stopped" else 0.0)


def status_at(job: LabelingJob, hours: float) -> str:
    """The status ``hours`` after creation (before finalisation is recorded)."""
    plan, end = effective(job)
    if hours >= end:
        return plan.ending
    if hours >= plan.end_hours:
        return "Stopping"
    if hours < config().timing.initializing_minutes / 60.0:
        return "Initializing"
    return "InProgress"


def last_modified(job: LabelingJob, hours: float) -> datetime:
    """``LastModifiedTime``: the latest change observable at ``hours``."""
    plan, end = effective(job)
    if hours >= end:
        return job.created + timedelta(hours=end)
    moments = [o.at_hours for o in plan.outcomes] + [t.at_hours for t in plan.trainings] + [0.0]
    if hours >= plan.end_hours:
        moments.append(plan.end_hours)
    return job.created + timedelta(hours=max(m for m in moments if m <= hours))


def refresh(backend: SageMakerModelBackend, state: GroundTruthState, job: LabelingJob, now: datetime) -> None:
    """Bring ``job`` up to ``now``; finalise it once when it reaches a terminal status."""
    with job.lock:
        if job.finalized:
            return
        job.status = status_at(job, _hours(job, now))
        if job.status in TERMINAL:
            finalize(backend, state, job, *effective(job))


def request_stop(job: LabelingJob, now: datetime) -> None:
    """StopLabelingJob: stop at ``now`` (no effect once the job has ended or a stop is pending)."""
    with job.lock:
        hours = _hours(job, now)
        if job.stop_at_hours is None or job.stop_at_hours > hours:
            job.stop_at_hours = hours


def tick(now: datetime | None = None) -> int:
    """Refresh every unfinished job of every account and region; returns how many are still running."""
    moment = now or config().clock.now()
    running = 0
    for backend, state in existing_states():
        for job in list(state.jobs.values()):
            refresh(backend, state, job, moment)
            running += 0 if job.finalized else 1
    return running
