"""Fault injection: scripted failures for the next labeling job(s) or CreateLabelingJob call(s).

Kinds (each applies to the next ``count`` jobs whose name matches ``name_pattern``, case-insensitively):

* ``fail`` — the job fails at ``at_hours`` (default: halfway) with ``reason``;
* ``stop`` — the job is stopped at ``at_hours`` (default: halfway), as by ``StopLabelingJob``;
* ``delay`` — the job takes ``hours`` longer (the workforce starts late);
* ``drop_event`` — the state-change event is not published when the job ends (best-effort delivery);
* ``no_model`` — ``FinalActiveLearningModelArn`` is omitted although auto-labeling ran;
* ``throttle`` / ``limit`` — the next ``count`` CreateLabelingJob calls fail with ``ThrottlingException`` /
  ``ResourceLimitExceeded`` (SDK retries consume them too).
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

FaultKind = Literal["fail", "stop", "delay", "drop_event", "no_model", "throttle", "limit"]
JOB_KINDS = ("fail", "stop", "delay", "drop_event", "no_model")
CALL_KINDS = ("throttle", "limit")


@dataclass(frozen=True)
class Fault:
    """One scripted fault (see the module docstring for the kinds)."""

    kind: FaultKind
    count: int = 1
    name_pattern: str = "*"
    reason: str = "ClientError: Simulated failure."
    at_hours: float | None = None
    hours: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in JOB_KINDS + CALL_KINDS:
            raise ValueError(
                f"kind must be one of {', '.join(JOB_KINDS + CALL_KINDS)}; received {self.kind!r}"
            )
        if self.count < 1:
            raise ValueError(f"count must be >= 1; received {self.count}")
        if self.kind == "delay" and self.hours <= 0:
            raise ValueError(f"a delay needs hours > 0; received {self.hours}")

    def matches(self, job_name: str) -> bool:
        """Whether the fault applies to ``job_name``."""
        return fnmatch.fnmatchcase(job_name.lower(), self.name_pattern.lower())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        """Build from the control API's JSON.

        Keys: ``kind``, ``count``, ``namePattern``, ``reason``, ``atHours``, ``hours``.
        """
        keys = {
            "kind": "kind",
            "count": "count",
            "namePattern": "name_pattern",
            "reason": "reason",
            "atHours": "at_hours",
            "hours": "hours",
        }
        unknown = set(data) - set(keys)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**{keys[k]: v for k, v in data.items()})

    def to_dict(self) -> dict[str, Any]:
        """The control API's JSON view."""
        data = asdict(self)
        return {
            "kind": data["kind"],
            "count": data["count"],
            "namePattern": data["name_pattern"],
            "reason": data["reason"],
            "atHours": data["at_hours"],
            "hours": data["hours"],
        }


class FaultBook:
    """Pending faults of one account and region (kept on the SageMaker backend, so reset clears them)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)

    def pending(self) -> list[Fault]:
        """Faults not yet used up."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def _consume(self, kinds: tuple[str, ...], job_name: str, first_only: bool) -> list[Fault]:
        taken: list[Fault] = []
        remaining: list[Fault] = []
        with self._lock:
            for fault in self._faults:
                applies = fault.kind in kinds and fault.matches(job_name) and not (first_only and taken)
                if applies:
                    taken.append(fault)
                if not applies:
                    remaining.append(fault)
                elif fault.count > 1:
                    remaining.append(replace(fault, count=fault.count - 1))
            self._faults = remaining
        return taken

    def take_call_fault(self, job_name: str) -> Fault | None:
        """The throttle/limit fault for one CreateLabelingJob call, if any (uses one count)."""
        taken = self._consume(CALL_KINDS, job_name, first_only=True)
        return taken[0] if taken else None

    def take_job_faults(self, job_name: str) -> list[Fault]:
        """Every job fault that applies to a new job (uses one count of each)."""
        return self._consume(JOB_KINDS, job_name, first_only=False)
