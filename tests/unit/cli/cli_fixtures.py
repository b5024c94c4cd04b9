"""A recorded chain written through the pipeline's own code paths (core records and figures, JobStore).

Chain ``birds`` (public workforce, $0.036 x 3 workers, $0.08 per-object fee, 1,250 objects a job):

| job | role | warm start | human | machine | machine % | workforce | total | elapsed |
|---|---|---|---|---|---|---|---|---|
| 1 | main | cold | 651 | 599 | 47.9 | 70.308 | 170.308 | 3 h |
| 2 | main | job 1's model | 260 | 990 | 79.2 | 28.08 | 128.08 | 2 h |
| 2 | control | cold | 498 | 752 | 60.2 | 53.784 | 153.784 | 3.5 h |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
from click.testing import Result
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.figures import figures_from_description
from lambda_fakes import (
    ACCOUNT,
    EXECUTION_ARN,
    IMAGES_BUCKET,
    OTHER_EXECUTION_ARN,
    OUTPUT_BUCKET,
    REGION,
    T0,
    describe_response,
    job_arn,
    make_chain,
    pending_job,
    request_of,
)

JOB1, JOB2, CONTROL2 = "lc-birds-0001-aaaa1111", "lc-birds-0002-bbbb2222", "lc-birds-0002c-bbbb2222"
#: The deployment's ``allowedSourceBuckets`` (the fake stack's Prepare function): manifests may be read
#: from here besides the input bucket.
ALLOWED_BUCKET = IMAGES_BUCKET


def model_arn(job: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/{job}-model"


@dataclass(frozen=True)
class Moto:
    """Clients on the moto account, and the resources the fake stack names."""

    session: boto3.session.Session
    s3: Any
    dynamodb: Any
    sfn: Any
    state_machine_arn: str
    store: JobStore


#: ``run("status", "--json", clients={"sagemaker": stubbed})`` invokes ``labelchain`` in-process.
Run = Callable[..., Result]


@dataclass(frozen=True)
class ChainFixture:
    chain: ChainConfig
    jobs: dict[str, dict[str, Any]]


def iso(hours: float) -> str:
    """ISO time ``hours`` after T0."""
    return (T0 + timedelta(hours=hours)).isoformat()


def start_job(
    store: JobStore,
    chain: ChainConfig,
    name: str,
    *,
    sequence: int,
    role: str = "main",
    initial: str | None = None,
    at: float = 0,
    execution_arn: str = EXECUTION_ARN,
) -> dict[str, Any]:
    """Write the PENDING item as Prepare does, then mark it IN_PROGRESS as StartJob does."""
    item = pending_job(
        chain,
        name,
        sequence=sequence,
        role=role,
        initial_model_arn=initial,
        now=iso(at),
        execution_arn=execution_arn,
    )
    assert store.put_job(item)
    assert store.mark_in_progress(name, f"token-{name}", execution_arn, job_arn(name), iso(at))
    return item


def finish_job(
    store: JobStore,
    chain: ChainConfig,
    item: dict[str, Any],
    human: int,
    machine: int,
    *,
    elapsed: float,
    at: float,
) -> dict[str, Any]:
    """Record the job at T0 + ``at`` hours as RecordJob does, from a Completed DescribeLabelingJob response
    of a job that ran ``elapsed`` hours."""
    name = item["labelingJobName"]
    response = describe_response(
        request_of(item),
        "Completed",
        human=human,
        machine=machine,
        model_arn=model_arn(name),
        output_uri=f"s3://{OUTPUT_BUCKET}/jobs/birds/{name}/manifests/output/output.manifest",
        elapsed_seconds=int(elapsed * 3600),
    )
    figures = figures_from_description(response, chain).to_item()
    stored = store.record_figures(name, figures["status"], figures, iso(at)).item
    if item["role"] == "main":
        store.advance_head(chain.name, int(item["sequence"]), name, model_arn(name), iso(at))
    return stored


def snapshot(store: JobStore, name: str, at_hours: float, human: int, machine: int, status: str) -> None:
    """A monitor snapshot of the job's counters at T0 + ``at_hours``."""
    at = iso(at_hours)
    counters = {"HumanLabeled": human, "MachineLabeled": machine, "TotalLabeled": human + machine}
    store.put_snapshot({**records.snapshot_key(name, at), "counters": counters, "status": status, "at": at})


def seed_chain(store: JobStore) -> ChainFixture:
    """Write the three jobs of the module docstring, their snapshots, the comparison and the head."""
    chain = make_chain()
    job1 = start_job(store, chain, JOB1, sequence=1)
    for hour, human, machine in ((0.5, 200, 0), (1.5, 500, 300), (3.0, 651, 599)):
        snapshot(store, JOB1, hour, human, machine, "InProgress")
    done1 = finish_job(store, chain, job1, 651, 599, elapsed=3, at=3)
    job2 = start_job(
        store, chain, JOB2, sequence=2, initial=model_arn(JOB1), at=4, execution_arn=OTHER_EXECUTION_ARN
    )
    control = start_job(
        store, chain, CONTROL2, sequence=2, role="control", at=4, execution_arn=OTHER_EXECUTION_ARN
    )
    for hour, human, machine in ((4.5, 150, 400), (5.0, 220, 900)):
        snapshot(store, JOB2, hour, human, machine, "InProgress")
    done2 = finish_job(store, chain, job2, 260, 990, elapsed=2, at=6)
    done_control = finish_job(store, chain, control, 498, 752, elapsed=3.5, at=7.5)
    store.put_comparison(
        records.comparison_item(
            records.job_summary(done2), records.job_summary(done_control), chain="birds", now=iso(8)
        )
    )
    store.table.update(records.chain_head_key("birds"), "SET lastSequence = :n", values={":n": 2})
    return ChainFixture(chain, {JOB1: done1, JOB2: done2, CONTROL2: done_control})
