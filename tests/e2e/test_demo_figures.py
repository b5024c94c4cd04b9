"""The demo's arithmetic and its verdict (pure: no sandbox), and its generated images."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

from demo.checks import blog_checks, pipeline_checks
from demo.dataset import HEIGHT, WIDTH, bird_png, plan_halves
from demo.figures import deltas, demo_job, to_json

PRICE = {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}  # $0.036, the birds chain's task price
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/"


def job_item(sequence: int, role: str, human: int, machine: int, **extra: Any) -> dict[str, Any]:
    """A JOB item as the pipeline stores it (Decimals, the request as JSON text), 3 workers per object."""
    request = {
        "HumanTaskConfig": {
            "NumberOfHumanWorkersPerDataObject": 3,
            "PublicWorkforceTaskPrice": {"AmountInUsd": PRICE},
        }
    }
    return {
        "labelingJobName": f"lc-birds-{sequence:04d}{'c' if role == 'control' else ''}-0",
        "sequence": Decimal(sequence),
        "role": role,
        "status": "COMPLETED",
        "request": json.dumps(request),
        "counters": {"HumanLabeled": Decimal(human), "MachineLabeled": Decimal(machine)},
        "machinePercent": (Decimal(100 * machine) / (human + machine)).quantize(Decimal("0.1")),
        "cost": {"totalUsd": Decimal("0.08") * (human + machine) + Decimal("0.108") * human},
        "elapsedSeconds": Decimal(3600 * extra.pop("hours", 1)),
        **extra,
    }


def blog_jobs(job1=(651, 599), job2=(260, 990), control=(498, 752)):
    """The blog's three jobs (counts derived from its totals), chained like the pipeline chains them."""
    return {
        "job1": demo_job("job1", job_item(1, "main", *job1, hours=8, finalModelArn=f"{MODEL}m1")),
        "job2": demo_job(
            "job2",
            job_item(
                2,
                "main",
                *job2,
                hours=3,
                warmStart={"initialModelArn": f"{MODEL}m1"},
                finalModelArn=f"{MODEL}m2",
            ),
        ),
        "control": demo_job("control", job_item(2, "control", *control, hours=6, finalModelArn=f"{MODEL}c2")),
    }


def test_the_blog_counts_give_the_blog_totals_at_both_prices():
    # GIVEN the counts behind the blog's totals WHEN the demo prices them
    jobs = blog_jobs()
    # THEN the notebook's prices ($0.26 a human label, 5 workers) give the blog's totals
    assert [jobs[k].notebook_usd for k in ("job1", "job2", "control")] == [217.18, 146.80, 189.64]
    # AND 3 workers give the corrected totals, which are what the records store
    assert [round(jobs[k].corrected_usd, 2) for k in ("job1", "job2", "control")] == [170.31, 128.08, 153.78]
    assert all(abs(job.recorded_usd - job.corrected_usd) < 0.005 for job in jobs.values())
    # AND every check passes
    assert all(check.ok for check in blog_checks(jobs) + pipeline_checks(jobs, f"{MODEL}m2"))


def test_warm_vs_control_deltas_match_the_blog():
    # GIVEN/WHEN the blog's jobs THEN warm vs control is +19 points, 22.6 % (16.7 % at 3 workers) cheaper
    delta = deltas(blog_jobs()["job2"], blog_jobs()["control"])
    assert (delta.machine_points, delta.notebook_saving_percent, delta.corrected_saving_percent) == (
        19.0,
        22.6,
        16.7,
    )
    assert delta.time_ratio == 0.5
    # AND result.json carries them in camelCase, next to each job and the blog's figures
    written = to_json(blog_jobs(), delta, [])
    assert written["warmVsControl"]["notebookSavingPercent"] == 22.6
    assert written["jobs"]["job1"]["notebookUsd"] == written["jobs"]["job1"]["blog"]["notebookUsd"] == 217.18


@pytest.mark.parametrize(
    ("job1", "failing"),
    [
        ((720, 530), {"Job 1 (cold) machine-labeled share", "Job 1 (cold) cost at notebook prices"}),
        ((560, 690), {"Job 1 (cold) machine-labeled share", "Job 1 (cold) cost at notebook prices"}),
        ((640, 610), set()),
    ],
)
def test_fails_the_blog_check_when_a_job_is_out_of_tolerance(job1, failing):
    # GIVEN job 1 at 42.4 %, 55.2 % or 48.8 % machine-labeled WHEN checked against the blog's 47.9 %
    checks = blog_checks(blog_jobs(job1=job1))
    # THEN exactly the checks outside ±5 points / ±5 % fail
    assert {check.name for check in checks if not check.ok} == failing


def test_fails_the_pipeline_check_when_the_warm_start_did_not_chain():
    # GIVEN job 2 started from another model and the head still on job 1's
    jobs = blog_jobs()
    item = job_item(
        2, "main", 260, 990, warmStart={"initialModelArn": f"{MODEL}other"}, finalModelArn=f"{MODEL}m2"
    )
    jobs["job2"] = demo_job("job2", item)
    # WHEN checked THEN the lineage and head checks fail, the rest pass
    failed = {check.name for check in pipeline_checks(jobs, f"{MODEL}m1") if not check.ok}
    assert failed == {"job 2 warm-started from job 1's final model", "chain head is job 2's final model"}


def test_the_generated_images_are_small_distinct_deterministic_pngs():
    # GIVEN/WHEN two images drawn twice
    first, again, other = bird_png(0, 1), bird_png(0, 1), bird_png(0, 2)
    # THEN each is a valid RGB PNG of the demo's size, the same bytes for the same seed and index
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size, image.mode) == ("PNG", (WIDTH, HEIGHT), "RGB")
    assert first == again and first != other and len(first) < 1024
    # AND the two halves hold 1,250 distinct keys each
    half1, half2 = plan_halves("bucket")
    assert len(set(half1.keys) | set(half2.keys)) == 2500
    assert half2.source_glob == "s3://bucket/datasets/birds/half-2/*"
    assert json.loads(half1.manifest().splitlines()[0]) == {"source-ref": f"s3://bucket/{half1.keys[0]}"}
