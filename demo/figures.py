"""The demo's numbers (pure): the three blog jobs out of the pipeline's own job records, priced twice and
compared warm vs control (ground-truth.md §9.3); :mod:`demo.checks` checks them against the blog.

Two prices per job:

* **notebook**: the AWS notebook behind the blog prices a human label at $0.26 = $0.08 + 5 x $0.036 and a
  machine label at $0.08, i.e. 5 workers per object although its jobs set 3. The blog's totals use it, so
  the tolerance check does too.
* **corrected**: the job's real worker count (3 in the ``birds`` chain) at the same task price and fee,
  which is what the pipeline's job records store (``cost.totalUsd``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from labelchain_fn.core.cost import estimate_cost
from labelchain_fn.core.items import JobRecord

from labelchain_cli.rows import camel_case

NOTEBOOK_WORKERS = 5
NOTEBOOK_FEE_TIERS: tuple[tuple[int | None, Decimal], ...] = ((None, Decimal("0.08")),)


@dataclass(frozen=True)
class BlogJob:
    """A job of the blog: machine-labeled share, notebook total and the 3-worker total of its counts."""

    machine_percent: float
    notebook_usd: float
    corrected_usd: float


BLOG = {
    "job1": BlogJob(47.9, 217.18, 170.31),
    "job2": BlogJob(79.2, 146.80, 128.08),
    "control": BlogJob(60.2, 189.64, 153.78),
}
LABELS = {"job1": "Job 1 (cold)", "job2": "Job 2 (warm)", "control": "Control (cold)"}


@dataclass(frozen=True)
class DemoJob:
    """One finished job as the demo reports it (amounts in USD, elapsed in simulated hours)."""

    key: str
    labeling_job_name: str
    sequence: int
    role: str
    status: str
    human: int
    machine: int
    machine_percent: float
    workers: int
    task_price_usd: float
    notebook_usd: float
    corrected_usd: float
    recorded_usd: float
    elapsed_hours: float
    initial_model_arn: str | None
    final_model_arn: str | None

    @property
    def label(self) -> str:
        return LABELS[self.key]


def _task_price(request: Mapping[str, Any]) -> Decimal:
    amount = request["HumanTaskConfig"]["PublicWorkforceTaskPrice"]["AmountInUsd"]
    cents = Decimal(amount.get("Cents", 0)) + Decimal(amount.get("TenthFractionsOfACent", 0)) / 10
    return Decimal(amount.get("Dollars", 0)) + cents / 100


def demo_job(key: str, item: Mapping[str, Any]) -> DemoJob:
    """A :class:`DemoJob` from a JOB item of the table (as stored: Decimals, ``request`` as JSON text)."""
    job = JobRecord.from_item(item)
    request = json.loads(str(job.request))
    counters = job.counters or {}
    human, machine = int(counters.get("HumanLabeled", 0)), int(counters.get("MachineLabeled", 0))
    workers = int(request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"])
    price = _task_price(request)

    def cost(workers_per_object: int) -> float:
        estimate = estimate_cost(
            human_labeled=human,
            machine_labeled=machine,
            workers_per_object=workers_per_object,
            task_price_usd=price,
            fee_tiers=NOTEBOOK_FEE_TIERS,
        )
        return float(estimate.total_usd)

    return DemoJob(
        key=key,
        labeling_job_name=job.labeling_job_name,
        sequence=int(job.sequence or 0),
        role=str(job.role or "main"),
        status=str(job.status),
        human=human,
        machine=machine,
        machine_percent=float(job.machine_percent or 0),
        workers=workers,
        task_price_usd=float(price),
        notebook_usd=cost(NOTEBOOK_WORKERS),
        corrected_usd=cost(workers),
        recorded_usd=float((job.cost.total_usd if job.cost else None) or 0),
        elapsed_hours=float(job.elapsed_seconds or 0) / 3600,
        initial_model_arn=job.initial_model_arn,
        final_model_arn=job.final_model_arn,
    )


@dataclass(frozen=True)
class Deltas:
    """Warm (job 2) against its cold control on the same manifest."""

    machine_points: float
    notebook_saving_percent: float
    corrected_saving_percent: float
    time_ratio: float


def deltas(warm: DemoJob, control: DemoJob) -> Deltas:
    """Machine-share gain (points), cost saving (% of the control's cost, both prices), time ratio."""

    def saving(warm_usd: float, control_usd: float) -> float:
        return 100 * (control_usd - warm_usd) / control_usd if control_usd else 0.0

    return Deltas(
        machine_points=round(warm.machine_percent - control.machine_percent, 1),
        notebook_saving_percent=round(saving(warm.notebook_usd, control.notebook_usd), 1),
        corrected_saving_percent=round(saving(warm.corrected_usd, control.corrected_usd), 1),
        time_ratio=round(warm.elapsed_hours / control.elapsed_hours, 2) if control.elapsed_hours else 0.0,
    )


def to_json(jobs: Mapping[str, DemoJob], delta: Deltas, checks: Sequence[Any]) -> dict[str, Any]:
    """The figures part of ``result.json`` (camelCase keys, like the job records)."""
    return {
        "jobs": {
            key: {**camel_case(asdict(job)), "label": job.label, "blog": camel_case(asdict(BLOG[key]))}
            for key, job in jobs.items()
        },
        "warmVsControl": camel_case(asdict(delta)),
        "checks": [asdict(check) for check in checks],
    }
