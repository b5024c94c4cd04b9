"""The sweep's invariant checks catch what they promise (a check that never fires proves nothing).

Each case starts from a healthy settled world (one upload, its completed main job, the head on its model,
its metrics printed once), breaks one thing, and expects the violation that names it.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.faults.invariants import Snapshot, Upload, check, check_uploads, emf_documents, unguarded_jobs

BUCKET, KEY = "input-bucket", "incoming/birds/batch-0001.manifest"
UPLOAD = Upload(BUCKET, KEY, "v1", '"etag1"')
NAME = f"lc-birds-0001-{UPLOAD.digest}"
MODEL = "arn:aws:sagemaker:us-east-1:123456789012:model/lc-birds-0001-al-1"


def healthy() -> Snapshot:
    source = {"bucket": BUCKET, "key": KEY, "versionId": "v1", "etag": "etag1"}
    return Snapshot(
        uploads=[UPLOAD],
        items=[
            {
                "pk": "UPLOAD#h1",
                "sk": "UPLOAD",
                **source,
                "chain": "birds",
                "sequence": Decimal(1),
                "status": "PREPARED",
            },
            {
                "pk": f"JOB#{NAME}",
                "sk": "JOB",
                "labelingJobName": NAME,
                "labelingJobArn": f"arn:aws:sagemaker:us-east-1:123456789012:labeling-job/{NAME}",
                "chain": "birds",
                "sequence": Decimal(1),
                "role": "main",
                "status": "COMPLETED",
                "sourceManifest": source,
                "counters": {"TotalLabeled": Decimal(1250)},
                "machinePercent": Decimal("49.3"),
                "cost": {"totalUsd": Decimal("168.472")},
                "finalModelArn": MODEL,
            },
            {
                "pk": "CHAIN#birds",
                "sk": "HEAD",
                "lastSequence": Decimal(1),
                "headSequence": Decimal(1),
                "headJobName": NAME,
                "headModelArn": MODEL,
            },
        ],
        labeling_jobs={
            NAME: {
                "LabelingJobName": NAME,
                "LabelingJobStatus": "Completed",
                "LabelingJobOutput": {"FinalActiveLearningModelArn": MODEL},
            }
        },
        executions=[
            {
                "name": "exec-1",
                "status": "SUCCEEDED",
                "input": json.dumps(
                    {"detail": {"bucket": {"name": BUCKET}, "object": {"key": KEY, "version-id": "v1"}}}
                ),
            }
        ],
        created=Counter({NAME: 1}),
        metrics=[{"_aws": {}, "chain": "birds", "JobsCompleted": [1.0], "EstimatedCostUsd": [168.472]}],
    )


def _item(snapshot: Snapshot, sk: str) -> dict[str, Any]:
    return next(i for i in snapshot.items if i["sk"] == sk)


def _never_created(snapshot: Snapshot) -> None:
    """The batch failed before its job was created: the claim released by name, the execution failed."""
    snapshot.labeling_jobs.clear()
    snapshot.created.clear()
    snapshot.metrics.clear()
    job = _item(snapshot, "JOB")
    job.update(status="FAILED", error="LabelingJobThrottled")
    for key in ("labelingJobArn", "counters", "machinePercent", "cost", "finalModelArn"):
        job.pop(key)
    head = _item(snapshot, "HEAD")
    for key in ("headSequence", "headJobName", "headModelArn"):
        head.pop(key)
    _item(snapshot, "UPLOAD").update(status="RELEASED", error="LabelingJobThrottled", cause="quota")
    snapshot.executions[0].update(status="FAILED", error="LabelingJobThrottled")
    snapshot.items.append({"pk": "FAILURE#exec-1", "sk": "FAILURE", "error": "LabelingJobThrottled"})


def test_a_healthy_world_has_no_violation() -> None:
    # GIVEN a settled upload whose job completed and was recorded once
    # WHEN it is checked THEN nothing is wrong
    assert check(healthy()) == []


def test_a_batch_released_by_name_without_a_job_has_no_violation() -> None:
    # GIVEN a batch that failed before its labeling job existed, released and recorded by name
    snapshot = healthy()
    _never_created(snapshot)
    # WHEN it is checked THEN that is one of the two allowed endings
    assert check(snapshot) == []


def _second_claim(s: Snapshot) -> None:
    s.items.append({**_item(s, "UPLOAD"), "pk": "UPLOAD#h2", "sequence": Decimal(2)})


def _claim_not_released(s: Snapshot) -> None:
    _never_created(s)
    _item(s, "UPLOAD").update(status="PREPARED")


def _no_failure_item(s: Snapshot) -> None:
    _never_created(s)
    s.items[:] = [i for i in s.items if i["sk"] != "FAILURE"]


def _record_behind(s: Snapshot) -> None:
    _item(s, "JOB")["status"] = "IN_PROGRESS"


def _other_model(s: Snapshot) -> None:
    _item(s, "JOB")["finalModelArn"] = "arn:other"


def _no_cost(s: Snapshot) -> None:
    _item(s, "JOB").pop("cost")


def _head_elsewhere(s: Snapshot) -> None:
    _item(s, "HEAD")["headModelArn"] = "arn:older"


def _still_running(s: Snapshot) -> None:
    s.executions[0]["status"] = "RUNNING"


def _job_running(s: Snapshot) -> None:
    s.labeling_jobs[NAME]["LabelingJobStatus"] = "InProgress"


def _created_twice(s: Snapshot) -> None:
    s.created[NAME] = 2


def _second_job_for_the_upload(s: Snapshot) -> None:
    other = NAME.replace("-0001-", "-0002-")
    s.labeling_jobs[other] = {**s.labeling_jobs[NAME], "LabelingJobName": other}


def _counted_twice(s: Snapshot) -> None:
    s.metrics.append(copy.deepcopy(s.metrics[0]))


def _never_counted(s: Snapshot) -> None:
    s.metrics.clear()


def _sequence_gap(s: Snapshot) -> None:
    _item(s, "HEAD")["lastSequence"] = Decimal(2)


BROKEN: list[tuple[str, Callable[[Snapshot], None], str]] = [
    ("two-claims", _second_claim, "I1 upload batch-0001.manifest: 2 claims"),
    (
        "claim-kept-without-job",
        _claim_not_released,
        "I1 upload batch-0001.manifest: no labeling job but claim PREPARED",
    ),
    ("failure-not-recorded", _no_failure_item, "without a FAILURE# item"),
    (
        "record-behind-ground-truth",
        _record_behind,
        f"I2 job {NAME}: record IN_PROGRESS, Ground Truth Completed",
    ),
    ("wrong-final-model", _other_model, f"I2 job {NAME} (COMPLETED): finalModelArn arn:other"),
    ("cost-missing", _no_cost, "record without cost.totalUsd"),
    ("head-not-on-the-rule", _head_elsewhere, "I3 chain birds: head"),
    ("execution-left-running", _still_running, "I4 execution exec-1 still RUNNING"),
    ("job-left-running", _job_running, f"I4 job {NAME} still InProgress after settling"),
    ("job-created-twice", _created_twice, f"I5 job {NAME} created 2 times"),
    (
        "two-jobs-for-one-upload",
        _second_job_for_the_upload,
        "I5 upload batch-0001.manifest (main): 2 labeling jobs",
    ),
    ("job-counted-twice", _counted_twice, "I5 chain birds: JobsCompleted 2 for 1 COMPLETED jobs"),
    ("job-never-counted", _never_counted, "I5 chain birds: EstimatedCostUsd 168.472000 emitted 0 times"),
    ("sequence-gap", _sequence_gap, "I6 chain birds: sequence 2 carried by 0 claims"),
]


@pytest.mark.parametrize(("break_it", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_each_broken_promise_is_reported_by_name(break_it: Callable[[Snapshot], None], expected: str) -> None:
    # GIVEN a healthy settled world with one promise broken
    snapshot = healthy()
    break_it(snapshot)
    # WHEN it is checked
    violations = check(snapshot)
    # THEN a violation names the invariant and the object
    assert any(expected in v for v in violations), violations


def test_a_running_job_without_an_active_record_is_caught_when_sampled() -> None:
    # GIVEN Ground Truth runs a job whose record is not in the active index (and one that is)
    jobs = [
        {"LabelingJobName": "lc-birds-0001-aaaaaaaa", "LabelingJobStatus": "InProgress"},
        {"LabelingJobName": "lc-birds-0002-bbbbbbbb", "LabelingJobStatus": "InProgress"},
    ]
    items = [
        {"sk": "JOB", "labelingJobName": "lc-birds-0001-aaaaaaaa"},
        {"sk": "JOB", "labelingJobName": "lc-birds-0002-bbbbbbbb", "activePk": "ACTIVE"},
    ]
    # WHEN the driver samples before advancing time THEN only the unguarded one is reported
    assert unguarded_jobs(jobs, items) == [
        "I4 job lc-birds-0001-aaaaaaaa InProgress without an active record"
    ]


def test_a_console_execution_is_matched_to_its_manifest() -> None:
    # GIVEN a console upload that failed before any job, its execution started with the manifest's URI
    snapshot = healthy()
    snapshot.uploads = [Upload(BUCKET, KEY, "v1", '"etag1"', console=True)]
    _never_created(snapshot)
    snapshot.executions[0]["input"] = json.dumps({"chain": "birds", "manifest": f"s3://{BUCKET}/{KEY}"})
    # WHEN the uploads are checked THEN the failed execution is found for it
    assert check_uploads(snapshot) == []


def test_only_emf_documents_are_read_from_stdout() -> None:
    # GIVEN handler output mixing log lines, a metric document and noise
    metric = '{"_aws":{"Timestamp":1},"JobsCompleted":[1.0]}'
    stdout = f'{{"level":"INFO","message":"job recorded"}}\nnot json\n{metric}\n'
    # WHEN it is parsed THEN only the EMF document remains
    assert emf_documents(stdout) == [{"_aws": {"Timestamp": 1}, "JobsCompleted": [1.0]}]
