# ruff: noqa: RUF009  (attr() returns a dataclasses.field, made once per class)
"""How executions ended: the warm-vs-control COMPARISON (``JOB#<main>``/``COMPARISON``) and the FAILURE
of an execution (``FAILURE#<execution name>``/``FAILURE``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..record_keys import comparison_key, failure_key
from .base import Record, attr
from .job import JobRecord, JobSummary

_JOB = JobRecord.name


@dataclass(frozen=True, kw_only=True)
class ComparisonRecord(Record):
    """A warm-started job (``warm``) next to its cold control, both job summaries as given (stored with
    Decimals). A control that did not complete leaves the deltas out and says ``controlFailed``."""

    chain: str | None = attr(_JOB("chain"))
    warm: dict[str, Any] = attr("warm", dict, factory=dict)
    control: dict[str, Any] = attr("control", dict, factory=dict)
    control_failed: bool | None = attr("controlFailed")
    control_error: str | None = attr("controlError")
    machine_percent_delta: Decimal | None = attr("machinePercentDelta", Decimal)
    cost_saving_percent: Decimal | None = attr("costSavingPercent", Decimal)
    elapsed_ratio: Decimal | None = attr("elapsedRatio", Decimal)
    created_at: str | None = attr(_JOB("created_at"))

    @property
    def warm_summary(self) -> JobSummary:
        return JobSummary.from_item(self.warm)

    @property
    def control_summary(self) -> JobSummary:
        return JobSummary.from_item(self.control)

    def key(self) -> dict[str, str]:
        return comparison_key(str(self.warm_summary.labeling_job_name))

    def extra(self) -> dict[str, Any]:
        """Listed on ``gsi1`` by the main job's sequence."""
        sequence = self.warm_summary.sequence or 0
        return {"gsi1pk": f"CHAIN#{self.chain}", "gsi1sk": f"COMPARISON#{sequence:08d}"}


@dataclass(frozen=True, kw_only=True)
class FailureRecord(Record):
    """Why an execution failed: ``error``, ``cause`` and its ``input`` (JSON text), with the chain and
    first job when known. Without a known chain the item is not listed on ``gsi1``."""

    execution_name: str = ""  # in the key only
    chain: str | None = attr(_JOB("chain"))
    error: str | None = attr(_JOB("error"))
    cause: str | None = attr(_JOB("cause"))
    input: str | None = attr("input")
    labeling_job_name: str | None = attr(_JOB("labeling_job_name"))
    created_at: str | None = attr(_JOB("created_at"))

    def key(self) -> dict[str, str]:
        return failure_key(self.execution_name)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> FailureRecord:
        name = str(item.get("pk", "")).removeprefix(failure_key("")["pk"])
        return replace(super().from_item(item), execution_name=name)

    def extra(self) -> dict[str, Any]:
        if not self.chain:
            return {}
        return {"gsi1pk": f"CHAIN#{self.chain}", "gsi1sk": f"FAILURE#{self.created_at}"}
