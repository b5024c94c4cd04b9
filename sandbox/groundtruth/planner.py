"""The deterministic workforce and active-learning model behind a simulated labeling job (pure).

Every object has a *hardness* ``u`` in [0, 1) drawn from ``sha256(seed, source)`` (so an object is equally
hard in every job) and a dataset *difficulty* factor ``d`` (configured per source glob, default 1). A job
then runs the loop of ``sms-automated-labeling``:

1. humans label a random batch of ``MaxConcurrentTaskCount`` unlabeled objects;
2. with auto-labeling on (``LabelingJobAlgorithmsConfig`` and at least 1,250 objects) a model is trained on
   the job's human labels ``L`` plus ``transfer x P``, the training labels behind the initial model (warm
   start). Its confidence frontier is ``s = s_max (1 - exp(-(L + transfer P) / scale))``;
3. the model labels every unlabeled object with ``u x d <= s``; the loop repeats until nothing is left.

Times come from :class:`~sandbox.groundtruth.config.TimingConstants`. The result is a :class:`Plan`: when
each object is labeled and by whom, when each model is ready, and how the job ends.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass, replace
from typing import Literal

from .config import ModelConstants, TimingConstants

Ending = Literal["Completed", "Stopped", "Failed"]
MIN_AUTO_LABELING_OBJECTS = 1250


def unit(seed: int, *parts: object) -> float:
    """A deterministic draw in [0, 1) from ``seed`` and ``parts``."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).hexdigest()
    return int(digest[:13], 16) / float(16**13)


@dataclass(frozen=True)
class Outcome:
    """One labeled (or failed) object: ``by`` is ``human``, ``machine`` or ``failed``."""

    index: int
    by: str
    at_hours: float
    iteration: int
    confidence: float


@dataclass(frozen=True)
class Training:
    """A model ready at ``at_hours``, trained on ``effective_labels`` (own + transferred)."""

    at_hours: float
    iteration: int
    effective_labels: float


@dataclass(frozen=True)
class PlanInput:
    """What the model needs to know about a job (see the module docstring)."""

    job_key: str
    sources: tuple[str, ...]
    difficulties: tuple[float, ...]
    batch_size: int
    workers: int
    auto_labeling: bool
    prior_effective_labels: float = 0.0
    max_human: int | None = None
    max_labeled: int | None = None
    seed: int = 0
    failed_object_rate: float = 0.0


@dataclass(frozen=True)
class Plan:
    """A job's whole simulated future, relative to its creation (hours)."""

    outcomes: tuple[Outcome, ...]
    trainings: tuple[Training, ...]
    end_hours: float
    ending: Ending
    failure_reason: str | None
    total_objects: int

    def counters_at(self, hours: float) -> dict[str, int]:
        """``LabelCounters`` at ``hours`` after creation."""
        done = self.outcomes[: bisect.bisect_right([o.at_hours for o in self.outcomes], hours)]
        human = sum(1 for o in done if o.by == "human")
        machine = sum(1 for o in done if o.by == "machine")
        failed = sum(1 for o in done if o.by == "failed")
        return {
            "TotalLabeled": human + machine,
            "HumanLabeled": human,
            "MachineLabeled": machine,
            "FailedNonRetryableError": failed,
            "Unlabeled": self.total_objects - human - machine - failed,
        }

    def model_at(self, hours: float) -> Training | None:
        """The most recent model ready at ``hours`` (``None`` before the first training)."""
        ready = [t for t in self.trainings if t.at_hours <= hours]
        return ready[-1] if ready else None

    def shifted(self, hours: float) -> Plan:
        """The same plan starting ``hours`` later (a late workforce)."""
        return replace(
            self,
            outcomes=tuple(replace(o, at_hours=o.at_hours + hours) for o in self.outcomes),
            trainings=tuple(replace(t, at_hours=t.at_hours + hours) for t in self.trainings),
            end_hours=self.end_hours + hours,
        )

    def truncated(self, hours: float, ending: Ending, reason: str | None = None) -> Plan:
        """The plan cut at ``hours`` (nothing happens later) and ending as given."""
        if hours >= self.end_hours:
            return replace(self, ending=ending, failure_reason=reason)
        return replace(
            self,
            outcomes=tuple(o for o in self.outcomes if o.at_hours <= hours),
            trainings=tuple(t for t in self.trainings if t.at_hours <= hours),
            end_hours=hours,
            ending=ending,
            failure_reason=reason,
        )


def failed_plan(hours: float, reason: str, total_objects: int) -> Plan:
    """A job that fails at ``hours`` without labeling anything (unreadable inputs and the like)."""
    return Plan((), (), hours, "Failed", reason, total_objects)


def plan_job(job: PlanInput, model: ModelConstants, timing: TimingConstants) -> Plan:
    """Simulate ``job`` from creation to its natural end (stopping conditions and expiry included)."""
    n = len(job.sources)
    hardness = [unit(job.seed, "hardness", s) * d for s, d in zip(job.sources, job.difficulties, strict=True)]
    order = sorted(range(n), key=lambda i: unit(job.seed, "order", job.job_key, job.sources[i], i))
    unlabeled = list(order)
    outcomes: list[Outcome] = []
    trainings: list[Training] = []
    auto = job.auto_labeling and n >= MIN_AUTO_LABELING_OBJECTS
    t = timing.initializing_minutes / 60.0
    human_labels, iteration, ending, reason = 0, 0, "Completed", None
    while unlabeled:
        iteration += 1
        humans_done = sum(1 for o in outcomes if o.by != "machine")
        size = min(job.batch_size, len(unlabeled))
        if job.max_human is not None:
            size = min(size, job.max_human - humans_done)
        if job.max_labeled is not None:
            size = min(size, job.max_labeled - len(outcomes))
        if size <= 0:
            ending = "Stopped"  # a stopping condition was met
            break
        batch, unlabeled = unlabeled[:size], unlabeled[size:]
        span = size / timing.human_objects_per_hour
        batch_end = t + timing.human_batch_overhead + span
        failed_here = 0
        for k, i in enumerate(batch):
            # The last label lands exactly at the batch end, so no float drift puts it after the job's end.
            at = batch_end if k == size - 1 else t + timing.human_batch_overhead + span * (k + 1) / size
            if unit(job.seed, "fail", job.job_key, i) < job.failed_object_rate:
                outcomes.append(Outcome(i, "failed", at, iteration, 0.0))
                failed_here += 1
                continue
            confidence = (
                0.0 if job.workers == 1 else round(0.72 + 0.27 * unit(job.seed, "hc", job.job_key, i), 2)
            )
            outcomes.append(Outcome(i, "human", at, iteration, confidence))
        human_labels += size - failed_here
        t = batch_end
        if iteration == 1 and failed_here > 0.1 * size:
            ending, reason = "Failed", "ClientError: More than 10% of the data objects failed human labeling."
            break
        if not unlabeled or not auto:
            continue
        t += timing.training + timing.inference
        effective = human_labels + model.warm_start_transfer * job.prior_effective_labels
        frontier = model.max_coverage * (1.0 - math.exp(-effective / model.learning_scale))
        trainings.append(Training(t, iteration, effective))
        confident = [i for i in unlabeled if hardness[i] <= frontier]
        if job.max_labeled is not None:
            confident = confident[: max(0, job.max_labeled - len(outcomes))]
        floor = model.machine_confidence_floor
        for i in confident:
            margin = 1.0 - hardness[i] / frontier if frontier > 0 else 0.0
            outcomes.append(Outcome(i, "machine", t, iteration, round(floor + (0.99 - floor) * margin, 2)))
        taken = set(confident)
        unlabeled = [i for i in unlabeled if i not in taken]
    plan = Plan(tuple(outcomes), tuple(trainings), t, ending, reason, n)  # type: ignore[arg-type]
    expiry = timing.expiry_days * 24.0
    if plan.end_hours > expiry:
        plan = plan.truncated(
            expiry, "Failed", "ClientError: The labeling job did not complete within 30 days."
        )
    return plan
