"""The chain head rule, in one place: which job's model the next ``latest`` warm start uses.

Head = the final active-learning model of the highest-sequence COMPLETED main job that has one. Control jobs
start cold by design and never feed the chain; a failed or stopped job leaves the head where it was. The
jobs table applies the rule incrementally (``JobStore.advance_head`` moves the head only to a higher
sequence), and :func:`head_of` states it over a whole chain (the reconciler's and the tests' reference).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..items import JobRecord

COMPLETED = "COMPLETED"
MAIN = "main"


def feeds_head(job: Mapping[str, Any]) -> bool:
    """Whether a JOB item (or job summary) may be the chain head: a COMPLETED main job with a final model."""
    record = JobRecord.from_item(job)
    return record.role == MAIN and record.status == COMPLETED and bool(record.final_model_arn)


def head_of(jobs: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The job the head must name among ``jobs`` (one chain's JOB items), or ``None`` when none qualifies."""
    candidates = [job for job in jobs if feeds_head(job)]
    return max(candidates, key=lambda job: JobRecord.from_item(job).sequence or 0, default=None)
