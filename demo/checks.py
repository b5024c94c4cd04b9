"""The demo's verdict (pure): what the pipeline must have done, and each job against the blog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .figures import BLOG, DemoJob

#: Tolerances of the check against the blog: machine-labeled share (points) and notebook cost (relative).
MACHINE_POINTS_TOLERANCE = 5.0
COST_RELATIVE_TOLERANCE = 0.05


@dataclass(frozen=True)
class Check:
    """One pass/fail line of the demo's verdict."""

    name: str
    ok: bool
    detail: str


def blog_checks(jobs: Mapping[str, DemoJob]) -> list[Check]:
    """Each job against the blog: machine share within ±5 points, notebook cost within ±5 %."""
    checks = []
    for key, target in BLOG.items():
        job = jobs[key]
        points = job.machine_percent - target.machine_percent
        checks.append(
            Check(
                f"{job.label} machine-labeled share",
                abs(points) <= MACHINE_POINTS_TOLERANCE,
                f"{job.machine_percent:.1f} % vs blog {target.machine_percent:.1f} % ({points:+.1f} points)",
            )
        )
        relative = (job.notebook_usd - target.notebook_usd) / target.notebook_usd
        checks.append(
            Check(
                f"{job.label} cost at notebook prices",
                abs(relative) <= COST_RELATIVE_TOLERANCE,
                f"${job.notebook_usd:.2f} vs blog ${target.notebook_usd:.2f} ({100 * relative:+.1f} %)",
            )
        )
    return checks


def pipeline_checks(jobs: Mapping[str, DemoJob], head_model_arn: str | None) -> list[Check]:
    """What the pipeline itself must have done: jobs completed, the warm start chained, costs recorded."""
    job1, job2, control = jobs["job1"], jobs["job2"], jobs["control"]
    return [
        Check(
            "every job completed",
            all(j.status == "COMPLETED" for j in jobs.values()),
            ", ".join(f"{j.label}: {j.status}" for j in jobs.values()),
        ),
        Check(
            "job 2 warm-started from job 1's final model",
            bool(job1.final_model_arn) and job2.initial_model_arn == job1.final_model_arn,
            f"initial {job2.initial_model_arn or 'none'}",
        ),
        Check(
            "control started cold",
            control.initial_model_arn is None,
            f"initial {control.initial_model_arn or 'none'}",
        ),
        Check(
            "chain head is job 2's final model",
            bool(head_model_arn) and head_model_arn == job2.final_model_arn,
            f"head {head_model_arn or 'none'}",
        ),
        Check(
            "recorded cost = corrected cost",
            all(abs(j.recorded_usd - j.corrected_usd) < 0.005 for j in jobs.values()),
            ", ".join(f"${j.recorded_usd:.2f}" for j in jobs.values()),
        ),
    ]
