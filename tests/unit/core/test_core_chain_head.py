"""The chain head rule: the highest-sequence COMPLETED main job with a final model feeds warm starts."""

from __future__ import annotations

from typing import Any

import pytest
from labelchain_fn.core.warm_start import feeds_head, head_of

MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/m"


def job(
    sequence: int, role: str = "main", status: str = "COMPLETED", model: str | None = MODEL
) -> dict[str, Any]:
    """A JOB item (or job summary) as far as the head rule reads it."""
    return {
        "labelingJobName": f"lc-birds-{sequence:04d}{'c' if role == 'control' else ''}-abcd1234",
        "sequence": sequence,
        "role": role,
        "status": status,
        "finalModelArn": f"{MODEL}-{sequence}" if model else None,
    }


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (job(1), True),
        (job(1, role="control"), False),
        (job(1, status="FAILED"), False),
        (job(1, status="STOPPED"), False),
        (job(1, status="IN_PROGRESS"), False),
        (job(1, model=None), False),
        ({**job(1), "finalModelArn": ""}, False),
    ],
    ids=["completed-main", "control", "failed", "stopped", "running", "no-model", "empty-model"],
)
def test_only_a_completed_main_job_with_a_model_feeds_the_head(
    candidate: dict[str, Any], expected: bool
) -> None:
    # GIVEN a job  WHEN the rule is asked  THEN only a completed main job with a final model qualifies
    assert feeds_head(candidate) is expected


def test_feeds_head_reads_a_settle_candidate_without_a_sequence() -> None:
    # GIVEN what settle_job asks before the record is written (role, Ground Truth's status, model only)
    candidate = {"role": "main", "status": "COMPLETED", "finalModelArn": MODEL}
    # WHEN/THEN the rule holds on it as on a whole item
    assert feeds_head(candidate)


def test_head_is_the_highest_qualifying_sequence() -> None:
    # GIVEN a chain where job 3 completed, job 4 failed, job 5's control completed and job 2 completed
    jobs = [job(2), job(3), job(4, status="FAILED"), job(5, role="control"), job(1, model=None)]
    # WHEN/THEN the head is job 3, whatever the order the jobs are listed in
    assert head_of(jobs) == job(3)
    assert head_of(reversed(jobs)) == job(3)


def test_head_compares_sequences_as_numbers() -> None:
    # GIVEN sequences as DynamoDB and JSON hand them over (strings would sort "10" < "9")
    jobs = [{**job(9), "sequence": "9"}, {**job(10), "sequence": "10"}]
    # WHEN/THEN job 10 is the head
    head = head_of(jobs)
    assert head is not None and head["sequence"] == "10"


def test_a_chain_without_a_qualifying_job_has_no_head() -> None:
    assert head_of([]) is None
    assert head_of([job(1, status="STOPPED"), job(2, role="control"), job(3, model=None)]) is None
