"""Fault matrix: what happens when AWS misbehaves under the pipeline (the E2E suite covers the Ground Truth
job failures, throttling, dropped events and aborted executions; this file covers the rest).

Every test ends with the same audit: nothing lost (every upload has its record), nothing duplicated (one
labeling job per upload, one callback per job) and nothing left running (no RUNNING execution, no
InProgress labeling job, no job record still active).
"""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from fault_injection import count_calls, count_sent_callbacks, crash_after_create, emitted_metric
from reliability_stack import ACCOUNT, REGION, Deployed, statuses, upload_batch

KEY = "incoming/birds/batch-0001.manifest"


def test_a_job_quota_hit_is_retried_and_creates_exactly_one_job(deployed: Deployed) -> None:
    # GIVEN SageMaker answers ResourceLimitExceeded to the next two CreateLabelingJob calls
    deployed.fault({"kind": "limit", "count": 2})
    starts = count_calls(deployed, "start")
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN StartJob was retried (LabelingJobThrottled) until the call went through, and the run succeeded
    assert run["status"] == "SUCCEEDED", run
    assert len(starts) == 3
    [job] = deployed.jobs()
    assert job["status"] == "COMPLETED"
    assert [j["LabelingJobName"] for j in deployed.labeling_jobs()] == [job["labelingJobName"]]
    deployed.assert_settled()


def test_fails_with_labeling_job_throttled_when_the_quota_stays_exhausted(deployed: Deployed) -> None:
    # GIVEN SageMaker refuses every CreateLabelingJob call with ResourceLimitExceeded
    deployed.fault({"kind": "limit", "count": 50})
    starts = count_calls(deployed, "start")
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN after the first call and 6 retries the execution fails by name; no job exists or runs
    assert run["status"] == "FAILED" and run["error"] == "LabelingJobThrottled", run
    assert "ResourceLimitExceeded" in run["cause"]
    assert len(starts) == 7
    assert deployed.labeling_jobs() == []
    [job] = deployed.jobs()
    assert job["status"] == "FAILED" and job["error"] == "LabelingJobThrottled"
    assert deployed.failure_of(run)["error"] == "LabelingJobThrottled"
    deployed.assert_settled()


def test_a_start_that_dies_after_creating_the_job_is_retried_and_adopts_it(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN StartJob dies once between CreateLabelingJob and storing the task token
    crashed = crash_after_create(monkeypatch, deployed, crashes=1)
    starts = count_calls(deployed, "start")
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN the retry met its own job (ResourceInUse), stored the token, and exactly one job completed
    assert crashed and len(starts) == 2
    assert run["status"] == "SUCCEEDED", run
    [job] = deployed.jobs()
    assert job["status"] == "COMPLETED" and job["labelingJobArn"].endswith(job["labelingJobName"])
    assert [j["LabelingJobName"] for j in deployed.labeling_jobs()] == [job["labelingJobName"]]
    deployed.assert_settled()


def test_a_start_that_keeps_dying_fails_and_stops_the_job_it_created(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN StartJob dies after CreateLabelingJob on every attempt, and the job would run for days
    crash_after_create(monkeypatch, deployed, crashes=100)
    deployed.fault({"kind": "delay", "hours": 500})
    # WHEN a batch is uploaded
    run = upload_batch(deployed, KEY)
    # THEN the execution fails by name and the job nobody waits for is stopped, not left running (paid)
    assert run["status"] == "FAILED" and run["error"] == "Sandbox.Timedout", run
    assert deployed.failure_of(run)["error"] == "Sandbox.Timedout"
    [labeling_job] = deployed.labeling_jobs()
    # Stopping -> Stopped takes a few simulated minutes; then the scheduled monitor records it
    deployed.wait_until_settled()
    assert deployed.labeling_jobs()[0]["LabelingJobStatus"] == "Stopped"
    # AND the record says what Ground Truth says (STOPPED), with the execution's error beside it
    [job] = deployed.jobs()
    assert job["labelingJobName"] == labeling_job["LabelingJobName"]
    assert job["status"] == "STOPPED" and job["labelingJobStatus"] == "Stopped"
    assert job["error"] == "Sandbox.Timedout"


def test_a_state_change_event_delivered_twice_sends_one_callback(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a batch whose job completed (its own state-change event already delivered)
    sent = count_sent_callbacks(monkeypatch)
    records = count_calls(deployed, "record")
    run = upload_batch(deployed, KEY)
    [job] = deployed.jobs()
    # WHEN EventBridge delivers the same Completed event twice more
    for _ in range(2):
        deployed.client("events").put_events(
            Entries=[
                {
                    "Source": "aws.sagemaker",
                    "DetailType": "SageMaker Ground Truth Labeling Job State Change",
                    "Resources": [job["labelingJobArn"]],
                    "Detail": json.dumps({"LabelingJobStatus": "Completed"}),
                }
            ]
        )
    outcome = deployed.invoke(
        "job_state_changed",
        {
            "source": "aws.sagemaker",
            "detail-type": "SageMaker Ground Truth Labeling Job State Change",
            "account": ACCOUNT,
            "region": REGION,
            "resources": [job["labelingJobArn"]],
            "detail": {"LabelingJobStatus": "Completed"},
        },
    )
    # THEN the execution was resumed once and the job recorded once
    assert outcome["outcome"] == "already-sent"
    assert run["status"] == "SUCCEEDED" and statuses(deployed.executions()) == ["SUCCEEDED"]
    assert sent == Counter({"send_success": 1})
    assert len(records) == 1
    assert [j["status"] for j in deployed.jobs()] == ["COMPLETED"]
    deployed.assert_settled()


def test_ten_concurrent_uploads_get_unique_sequences_and_one_job_each(deployed: Deployed) -> None:
    # GIVEN ten batches of one chain uploaded at the same time (racing for the sequence counter)
    keys = [f"incoming/birds/batch-{i:04d}.manifest" for i in range(10)]
    threads = [
        threading.Thread(target=deployed.put, args=(key, "\n".join(deployed.lines(prefix=f"images/{i}"))))
        for i, key in enumerate(keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # WHEN every execution has ended
    runs = deployed.wait_for_executions(10, timeout=300)
    # THEN each upload has one execution, one claim, one job, and the sequences are exactly 1..10
    assert statuses(runs) == ["SUCCEEDED"] * 10
    jobs = deployed.jobs()
    assert sorted(j["sequence"] for j in jobs) == list(range(1, 11))
    assert sorted(j["sourceManifest"]["key"] for j in jobs) == sorted(keys)
    claims = [i for i in deployed.items() if i["sk"] == "UPLOAD"]
    assert sorted(c["sequence"] for c in claims) == list(range(1, 11))
    assert sorted(j["LabelingJobName"] for j in deployed.labeling_jobs()) == sorted(
        j["labelingJobName"] for j in jobs
    )
    # AND the chain head counted every reservation and points at the newest completed job
    head = deployed.item("CHAIN#birds", "HEAD")
    assert head["lastSequence"] == 10 and head["headSequence"] == 10
    deployed.assert_settled()


def test_a_failing_notification_topic_loses_no_record_and_is_counted(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the notification topic is gone (deleted by hand, or its key policy broke publishing)
    deployed.client("sns").delete_topic(TopicArn=deployed.outputs["TopicArn"])
    # WHEN a good batch and a bad batch are uploaded
    deployed.put(KEY, "\n".join(deployed.lines()))
    deployed.put("incoming/birds/batch-0002.manifest", "not json")
    runs = deployed.wait_for_executions(2)
    # THEN the good batch succeeded and is recorded; the bad one failed by its own name and is recorded
    by_key = {json.loads(r["input"])["detail"]["object"]["key"]: r for r in runs}
    good, bad = by_key[KEY], by_key["incoming/birds/batch-0002.manifest"]
    assert good["status"] == "SUCCEEDED", good
    assert [j["status"] for j in deployed.jobs()] == ["COMPLETED"]
    assert bad["status"] == "FAILED" and bad["error"] == "ManifestInvalid"
    assert deployed.failure_of(bad)["error"] == "ManifestInvalid"
    # AND each lost notification was counted as the NotificationsFailed metric (RecordJob, RecordFailure)
    assert sum(emitted_metric(capsys.readouterr().out, "NotificationsFailed")) >= 2
    deployed.assert_settled()
