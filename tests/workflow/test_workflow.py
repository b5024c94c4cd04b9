"""The rendered state machine, executed by moto's interpreter with the real handlers in-process."""

from __future__ import annotations

import json

BATCH = 1250  # the minimum for automated data labeling


def test_a_chain_of_two_jobs_warm_starts_the_second_from_the_first(deployed):
    # GIVEN the deployed stack and a first batch uploaded under incoming/birds/
    deployed.put("incoming/birds/batch-1.manifest", "\n".join(deployed.lines(BATCH, "images/b1")))
    # WHEN simulated time passes until the job ends
    [first_run] = deployed.wait_for_executions(1)
    # THEN the execution succeeded and job 1 is recorded, cold, with a final model, as the chain head
    assert first_run["status"] == "SUCCEEDED", first_run
    [job1] = deployed.jobs()
    assert job1["status"] == "COMPLETED" and job1["sequence"] == 1
    assert job1["warmStart"].get("initialModelArn") is None
    assert job1["warmStart"]["reason"] == "chain birds has no model yet"
    described1 = deployed.client("sagemaker").describe_labeling_job(LabelingJobName=job1["labelingJobName"])
    assert "InitialActiveLearningModelArn" not in described1["LabelingJobAlgorithmsConfig"]
    assert job1["counters"]["HumanLabeled"] + job1["counters"]["MachineLabeled"] == BATCH
    assert job1["finalModelArn"].startswith("arn:aws:sagemaker:us-east-1:")
    head = deployed.item("CHAIN#birds", "HEAD")
    assert head["headSequence"] == 1 and head["headModelArn"] == job1["finalModelArn"]

    # WHEN a second batch is uploaded
    deployed.put("incoming/birds/batch-2.manifest", "\n".join(deployed.lines(BATCH, "images/b2")))
    runs = deployed.wait_for_executions(2)
    # THEN job 2 was created with InitialActiveLearningModelArn = job 1's FinalActiveLearningModelArn
    assert [r["status"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]
    job2 = deployed.jobs()[1]
    described = deployed.client("sagemaker").describe_labeling_job(LabelingJobName=job2["labelingJobName"])
    assert described["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == job1["finalModelArn"]
    assert job2["warmStart"]["initialModelArn"] == job1["finalModelArn"]
    # AND the warm start made the machine label more; the head moved forward to job 2's model
    assert job2["machinePercent"] > job1["machinePercent"]
    head = deployed.item("CHAIN#birds", "HEAD")
    assert head["headSequence"] == 2 and head["headModelArn"] == job2["finalModelArn"]
    # AND the record carries the cost estimate and elapsed time
    assert job2["cost"]["totalUsd"] > 0 and job2["elapsedSeconds"] > 0


def test_a_failed_labeling_job_fails_the_execution_with_its_name_and_keeps_the_head(deployed):
    # GIVEN a completed first job, then Ground Truth set to fail the next job
    deployed.put("incoming/birds/batch-1.manifest", "\n".join(deployed.lines(BATCH, "images/b1")))
    deployed.wait_for_executions(1)
    head_before = deployed.item("CHAIN#birds", "HEAD")
    deployed.fault({"kind": "fail", "reason": "Workers rejected 11 % of the objects"})
    # WHEN a second batch runs
    deployed.put("incoming/birds/batch-2.manifest", "\n".join(deployed.lines(BATCH, "images/b2")))
    runs = deployed.wait_for_executions(2)
    # THEN its execution failed with LabelingJobFailed and the Ground Truth reason as cause
    failed = next(r for r in runs if r["status"] != "SUCCEEDED")
    assert failed["status"] == "FAILED"
    assert failed["error"] == "LabelingJobFailed"
    assert "rejected" in failed["cause"]
    # AND the job record and a failure record say so; the chain head did not move
    job2 = deployed.jobs()[1]
    assert job2["status"] == "FAILED" and job2["error"] == "LabelingJobFailed"
    [failure] = deployed.failures()
    assert failure["error"] == "LabelingJobFailed" and failure["chain"] == "birds"
    assert deployed.item("CHAIN#birds", "HEAD")["headModelArn"] == head_before["headModelArn"]


def test_a_duplicate_upload_event_is_a_successful_no_op(deployed):
    # GIVEN one upload, and its S3 "Object Created" event delivered a second time
    deployed.put("incoming/birds/batch-1.manifest", "\n".join(deployed.lines(BATCH)))
    [first] = deployed.executions()
    event = json.loads(
        deployed.client("stepfunctions").describe_execution(executionArn=first["executionArn"])["input"]
    )
    deployed.client("stepfunctions").start_execution(
        stateMachineArn=deployed.outputs["StateMachineArn"], name="redelivered", input=json.dumps(event)
    )
    # WHEN both executions end
    runs = deployed.wait_for_executions(2)
    # THEN both succeeded, exactly one labeling job exists, and the duplicate says which execution owns it
    assert [r["status"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]
    assert len(deployed.labeling_jobs()) == 1
    outputs = [json.loads(r["output"]) for r in runs]
    duplicates = [o for o in outputs if o.get("prepared", {}).get("duplicate")]
    assert len(duplicates) == 1
    assert len(deployed.jobs()) == 1
