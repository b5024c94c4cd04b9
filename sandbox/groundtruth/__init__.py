"""Simulated SageMaker Ground Truth inside moto (see README.md in this folder for the model).

``install()`` adds CreateLabelingJob, DescribeLabelingJob, ListLabelingJobs and StopLabelingJob to moto's
SageMaker. Jobs run in simulated time (:class:`~sandbox.clock.SimClock`) and are evaluated lazily on
Describe/List and by :func:`tick`.
"""

from __future__ import annotations

from .api import install, is_installed, register_model_lineage, uninstall
from .config import (
    ModelConstants,
    SimulationConfig,
    TimingConstants,
    config,
    configure,
    reset_config,
    set_difficulty,
)
from .control import add_difficulty, add_fault, advance, clear_faults, clock_view, pending_faults
from .faults import Fault
from .lifecycle import tick
from .state import ModelLineage

__all__ = [
    "Fault",
    "ModelConstants",
    "ModelLineage",
    "SimulationConfig",
    "TimingConstants",
    "add_difficulty",
    "add_fault",
    "advance",
    "clear_faults",
    "clock_view",
    "config",
    "configure",
    "install",
    "is_installed",
    "pending_faults",
    "register_model_lineage",
    "reset_config",
    "set_difficulty",
    "tick",
    "uninstall",
]
