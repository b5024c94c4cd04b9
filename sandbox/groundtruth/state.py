"""Simulated labeling jobs and model lineage, stored on moto's SageMaker backend per account and region.

Keeping them as an attribute of the backend means ``/moto-api/reset`` (and ``mock_aws`` start/stop) clears
them with everything else: a reset replaces the backend's ``__dict__``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends

from .catalog import TaskKind
from .faults import FaultBook
from .planner import Plan

_ATTRIBUTE = "_sandbox_ground_truth"
_create_lock = threading.Lock()


@dataclass(frozen=True)
class ModelLineage:
    """What a Ground Truth-trained model was trained for (the service knows this; moto's model does not)."""

    algorithm_arn: str
    effective_labels: float
    labeling_job_name: str


@dataclass
class LabelingJob:
    """One simulated job: the request as sent, its plan and what has been observed so far."""

    name: str
    arn: str
    request: dict[str, Any]
    created: datetime
    kind: TaskKind | None
    plan: Plan
    lines: list[dict[str, Any]]
    labels: list[str]
    reference_code: str
    drop_event: bool = False
    no_model: bool = False
    stop_at_hours: float | None = None
    status: str = "InProgress"
    finalized: bool = False
    output: dict[str, str] | None = None
    final_plan: Plan | None = None
    ended_hours: float | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def auto_labeling(self) -> bool:
        """Whether the request asked for automated data labeling."""
        return "LabelingJobAlgorithmsConfig" in self.request


@dataclass
class GroundTruthState:
    """Jobs (keyed by lower-cased name: names are unique case-insensitively), models and faults."""

    jobs: dict[str, LabelingJob] = field(default_factory=dict)
    models: dict[str, ModelLineage] = field(default_factory=dict)
    faults: FaultBook = field(default_factory=FaultBook)
    lock: threading.RLock = field(default_factory=threading.RLock)


def state_for(backend: SageMakerModelBackend) -> GroundTruthState:
    """The simulation state of one backend (created on first use)."""
    state = getattr(backend, _ATTRIBUTE, None)
    if state is None:
        with _create_lock:
            state = getattr(backend, _ATTRIBUTE, None)
            if state is None:
                state = GroundTruthState()
                setattr(backend, _ATTRIBUTE, state)
    return state


def backend_for(account_id: str, region: str) -> SageMakerModelBackend:
    """moto's SageMaker backend of ``account_id``/``region``."""
    return sagemaker_backends[account_id][region]


def existing_states() -> Iterator[tuple[SageMakerModelBackend, GroundTruthState]]:
    """Every backend that has simulation state (no backend is created by iterating)."""
    for regions in list(sagemaker_backends.values()):
        for backend in list(regions.values()):
            state = getattr(backend, _ATTRIBUTE, None)
            if state is not None:
                yield backend, state
