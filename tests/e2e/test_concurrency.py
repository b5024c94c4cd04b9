"""Duplicates and concurrency: at-least-once delivery must not create a second job, and concurrent uploads
on one chain must get distinct sequence numbers while the head only moves forward."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from e2e_harness import Harness, manifest


def _duplicates(pipeline: Harness, executions: list[dict]) -> list[dict]:
    return [e for e in executions if pipeline.prepared(e)["duplicate"]]


def test_the_same_upload_delivered_ten_times_creates_exactly_one_labeling_job(pipeline: Harness):
    # GIVEN one uploaded manifest (EventBridge delivers its event once)
    key = "incoming/birds/redelivered.manifest"
    uploaded = pipeline.put(key, manifest(pipeline.bucket, "redelivered"))
    # WHEN the same S3 event is delivered nine more times, while the first execution runs
    for _ in range(9):
        pipeline.redeliver(key, uploaded)

    # THEN ten executions ran and all succeeded
    executions = pipeline.finished(10)
    assert len(executions) == 10 and {e["status"] for e in executions} == {"SUCCEEDED"}
    # AND nine of them were no-ops that name the execution owning the upload
    duplicates = _duplicates(pipeline, executions)
    assert len(duplicates) == 9
    [owner] = [e for e in executions if e not in duplicates]
    assert {pipeline.prepared(e)["duplicateOf"] for e in duplicates} == {owner["executionArn"]}
    # AND exactly one job was recorded and created in Ground Truth, with sequence 1
    [job] = pipeline.jobs()
    assert (job["sequence"], job["status"], job["executionArn"]) == (1, "COMPLETED", owner["executionArn"])
    assert pipeline.labeling_jobs_containing(job["labelingJobName"]) == [job["labelingJobName"]]
    assert pipeline.head()["lastSequence"] == 1


def test_ten_identical_console_starts_create_exactly_one_labeling_job(pipeline: Harness):
    # GIVEN a manifest outside incoming/ (no upload event)
    key = "e2e/manifests/console.manifest"
    pipeline.put(key, manifest(pipeline.bucket, "console"))
    # WHEN ten executions start at once with the same console input
    with ThreadPoolExecutor(10) as pool:
        arns = list(pool.map(lambda _: pipeline.start(key), range(10)))

    # THEN all ten succeed, nine as duplicates of the one that prepared the batch
    executions = [pipeline.finished_one(arn) for arn in arns]
    assert {e["status"] for e in executions} == {"SUCCEEDED"}
    assert len(_duplicates(pipeline, executions)) == 9
    # AND a single labeling job exists for the manifest
    [job] = pipeline.jobs()
    assert job["status"] == "COMPLETED"
    assert job["sourceManifest"]["key"] == key
    assert pipeline.labeling_jobs_containing(job["labelingJobName"]) == [job["labelingJobName"]]


def test_ten_concurrent_uploads_get_ten_jobs_with_unique_sequences_and_a_forward_only_head(pipeline: Harness):
    # GIVEN a watcher that samples the chain head's sequence while the jobs run
    seen: list[int] = []
    stop = threading.Event()

    def watch_head() -> None:
        while not stop.is_set():
            head = pipeline.head()
            if head and "headSequence" in head:
                seen.append(int(head["headSequence"]))
            stop.wait(0.05)

    watcher = threading.Thread(target=watch_head, daemon=True)
    watcher.start()
    # WHEN ten manifests are uploaded to the same chain at the same time
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda n: pipeline.upload(f"concurrent-{n:02d}"), range(10)))
    executions = pipeline.finished(10, timeout=240)
    stop.set()
    watcher.join()

    # THEN every execution succeeded with its own job
    assert {e["status"] for e in executions} == {"SUCCEEDED"}
    jobs = pipeline.jobs()
    assert len(jobs) == 10 and {j["status"] for j in jobs} == {"COMPLETED"}
    # AND the sequence numbers are exactly 1..10, each job created once in Ground Truth
    assert sorted(int(j["sequence"]) for j in jobs) == list(range(1, 11))
    for job in jobs:
        assert pipeline.labeling_jobs_containing(job["labelingJobName"]) == [job["labelingJobName"]]
    # AND the head never moved backwards and ends at the highest sequence with a model
    assert seen == sorted(seen)
    best = max((j for j in jobs if j.get("finalModelArn")), key=lambda j: int(j["sequence"]))
    head = pipeline.head()
    assert head is not None and head["lastSequence"] == 10
    assert (head["headSequence"], head["headModelArn"]) == (best["sequence"], best["finalModelArn"])
