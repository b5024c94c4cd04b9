"""The happy path through the deployed stack: an upload becomes a labeling job and a record; a chain of
uploads warm-starts each job from the previous job's final model."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from e2e_harness import BATCH, Harness


@pytest.fixture(scope="module")
def chain(harness: Harness) -> dict[str, Any]:
    """Three batches uploaded one after the other (each once the previous execution ended); the chain
    head is read after the first."""
    harness.reset()
    heads = []
    for number in (1, 2, 3):
        harness.upload(f"chain-{number:04d}")
        executions = harness.finished(number)
        heads.append(harness.head())
    return {"executions": executions, "jobs": harness.jobs(), "heads": heads}


def test_an_upload_becomes_a_labeling_job_and_a_complete_record(harness: Harness, chain):
    # GIVEN the deployed stack WHEN a 1,250-object manifest is uploaded under incoming/birds/ (the fixture)
    # THEN its execution runs to SUCCEEDED
    execution = chain["executions"][0]
    assert execution["status"] == "SUCCEEDED"
    # AND its labeling job was created from the normalized manifest and completed in Ground Truth
    job = chain["jobs"][0]
    assert job["executionArn"] == execution["executionArn"]
    assert (job["sequence"], job["role"], job["status"]) == (1, "main", "COMPLETED")
    described = harness.labeling_job(job["labelingJobName"])
    assert described["LabelingJobStatus"] == "Completed"
    request = json.loads(job["request"])
    assert request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] == job["manifestS3Uri"]
    assert "InitialActiveLearningModelArn" not in request["LabelingJobAlgorithmsConfig"]
    # AND the record carries Ground Truth's counters, the derived figures and the final model
    counters = job["counters"]
    assert counters["HumanLabeled"] == described["LabelCounters"]["HumanLabeled"] > 0
    assert counters["MachineLabeled"] == described["LabelCounters"]["MachineLabeled"] > 0
    assert counters["TotalLabeled"] == counters["HumanLabeled"] + counters["MachineLabeled"] == BATCH
    assert job["machinePercent"] == (Decimal(100) * counters["MachineLabeled"] / BATCH).quantize(
        Decimal("0.1")
    )
    human_cost = counters["HumanLabeled"] * 3 * Decimal("0.036")  # 3 workers at $0.036 per task
    assert job["cost"]["totalUsd"] == Decimal("0.08") * BATCH + human_cost
    assert job["elapsedSeconds"] > 0
    assert job["finalModelArn"] == described["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    assert "activePk" not in job
    # AND the output manifest named in the record holds one labeled line per object
    bucket, key = job["outputManifestS3Uri"].removeprefix("s3://").split("/", 1)
    lines = harness.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    assert len(lines) == BATCH and all("category" in json.loads(line) for line in lines)
    # AND the chain head and the model registry point at the job's model
    head = chain["heads"][0]
    assert head is not None
    assert (head["headSequence"], head["headJobName"]) == (1, job["labelingJobName"])
    assert head["headModelArn"] == job["finalModelArn"]
    [model] = harness.items(f"MODEL#{job['finalModelArn']}")
    assert model["labelingJobName"] == job["labelingJobName"]


def test_a_chain_of_three_uploads_warm_starts_each_job_from_the_previous_final_model(harness, chain):
    # GIVEN/WHEN three batches uploaded one after the other (the fixture)
    assert [e["status"] for e in chain["executions"]] == ["SUCCEEDED"] * 3
    jobs = chain["jobs"]
    # THEN the jobs have sequences 1, 2, 3
    assert [(j["sequence"], j["role"], j["status"]) for j in jobs] == [
        (1, "main", "COMPLETED"),
        (2, "main", "COMPLETED"),
        (3, "main", "COMPLETED"),
    ]
    # AND job 1 started cold, every later job from the previous job's final model
    assert jobs[0]["warmStart"].get("initialModelArn") is None
    for previous, job in itertools.pairwise(jobs):
        assert previous["finalModelArn"]
        assert job["warmStart"]["initialModelArn"] == previous["finalModelArn"]
        request = json.loads(job["request"])
        initial = request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"]
        assert initial == previous["finalModelArn"]
        described = harness.labeling_job(job["labelingJobName"])
        assert described["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == initial
    # AND the warm-started jobs machine-label more than the cold one
    assert jobs[1]["machinePercent"] > jobs[0]["machinePercent"]
    assert jobs[2]["machinePercent"] > jobs[0]["machinePercent"]
    # AND the head points at job 3's model
    head = chain["heads"][2]
    assert head is not None
    assert (head["headSequence"], head["lastSequence"]) == (3, 3)
    assert (head["headJobName"], head["headModelArn"]) == (
        jobs[2]["labelingJobName"],
        jobs[2]["finalModelArn"],
    )
