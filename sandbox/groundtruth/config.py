"""Configuration of the simulated Ground Truth: seed, clock, model and timing constants, difficulty.

One process-wide :class:`SimulationConfig` (``config()``/``configure()``). Jobs, models and faults live on
moto's SageMaker backends instead, so moto's reset clears them; the configuration describes the simulated
world (its clock, its workforce and how hard its data is) and survives resets.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from ..clock import SimClock

#: Difficulty of the second half of the blog's bird images (README "Calibration"): the one dataset factor
#: that makes its cold control machine-label 60 % where job 1's first half reached 48 %.
BLOG_SECOND_HALF_DIFFICULTY = 0.76


@dataclass(frozen=True)
class ModelConstants:
    """The active-learning model (see ``README.md`` for the calibration).

    Attributes
    ----------
    max_coverage : the confidence frontier's ceiling ``s_max`` (default 0.78).
    learning_scale : human labels for the frontier to reach 63 % of its ceiling (default 250).
    warm_start_transfer : weight of the initial model's training labels (default 0.8).
    machine_confidence_floor : lowest confidence of a machine label (default 0.80).
    """

    max_coverage: float = 0.78
    learning_scale: float = 250.0
    warm_start_transfer: float = 0.8
    machine_confidence_floor: float = 0.80


@dataclass(frozen=True)
class TimingConstants:
    """Simulated durations (hours unless named otherwise).

    Attributes
    ----------
    human_batch_overhead : time before a human batch's first label arrives (default 0.25 h).
    human_objects_per_hour : human throughput (default 120 objects per hour).
    training, inference : per auto-labeling iteration (defaults 0.5 h and 0.25 h).
    initializing_minutes : time spent ``Initializing`` after creation (default 0).
    stopping_minutes : time from ``Stopping`` to ``Stopped`` (default 5).
    expiry_days : a job still running after this fails, as in AWS (default 30).
    """

    human_batch_overhead: float = 0.25
    human_objects_per_hour: float = 120.0
    training: float = 0.5
    inference: float = 0.25
    initializing_minutes: float = 0.0
    stopping_minutes: float = 5.0
    expiry_days: float = 30.0


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that shapes simulated jobs.

    Attributes
    ----------
    seed : makes every draw deterministic (default 0).
    clock : simulated time (default one simulated hour per real second).
    model, timing : see :class:`ModelConstants` and :class:`TimingConstants`.
    difficulty : ``(glob, factor)`` rules matched against each object's ``source-ref``/``source``; the
        last match wins, the default factor is 1.0 (below 1 is easier).
    failed_object_rate : share of human tasks that end in ``FailedNonRetryableError`` (default 0).
    emit_events : publish the state-change event when a job ends (default true).
    """

    seed: int = 0
    clock: SimClock = field(default_factory=SimClock)
    model: ModelConstants = field(default_factory=ModelConstants)
    timing: TimingConstants = field(default_factory=TimingConstants)
    difficulty: tuple[tuple[str, float], ...] = ()
    failed_object_rate: float = 0.0
    emit_events: bool = True

    def difficulty_for(self, source: str) -> float:
        """The difficulty factor of one object."""
        factor = 1.0
        for pattern, value in self.difficulty:
            if fnmatch.fnmatchcase(source, pattern):
                factor = value
        return factor


_lock = threading.Lock()
_config = SimulationConfig()


def config() -> SimulationConfig:
    """The configuration in force."""
    return _config


def configure(**changes: Any) -> SimulationConfig:
    """Replace fields of the configuration (``configure(seed=7, clock=SimClock(None))``)."""
    global _config
    with _lock:
        _config = replace(_config, **changes)
        return _config


def set_difficulty(pattern: str, factor: float) -> SimulationConfig:
    """Add a difficulty rule (``factor`` > 0) for objects whose source matches ``pattern``."""
    if factor <= 0:
        raise ValueError(f"difficulty must be > 0; received {factor}")
    return configure(difficulty=(*config().difficulty, (pattern, float(factor))))


def reset_config() -> SimulationConfig:
    """Back to the defaults (a new real-time-anchored clock)."""
    global _config
    with _lock:
        _config = SimulationConfig()
        return _config
