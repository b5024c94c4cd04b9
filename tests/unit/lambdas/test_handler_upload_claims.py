"""Prepare's upload claim: one batch per uploaded manifest version, and no batch stranded by a failure.

``claim_batch`` decides what a second execution for the same upload does from what the first one left:
a duplicate no-op, ``BatchAlreadyProcessed``, or a take-over; the Prepare tests at the end run the whole
handler core through those cases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core import records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.errors import BatchAlreadyProcessed
from labelchain_fn.core.naming import batch_hash, labeling_job_name
from labelchain_fn.handlers.prepare import prepare
from labelchain_fn.handlers.record_failure import record_failure
from labelchain_fn.handlers.upload_claims import ClaimOutcome, claim_batch
from lambda_fakes import (
    ACCOUNT,
    EXECUTION_ARN,
    INPUT_BUCKET,
    OTHER_EXECUTION_ARN,
    AwsClients,
    Kit,
    make_chain,
    manifest_lines,
    pending_job,
    prepare_event,
    s3_event,
    settling_of,
)

KEY = "incoming/birds/batch.manifest"
NOW = "2026-03-02T14:00:00+00:00"
DIGEST = batch_hash(INPUT_BUCKET, KEY, "v1")
UPLOAD_KEY = records.upload_key(INPUT_BUCKET, KEY, "v1")
MAIN = labeling_job_name("lc", "birds", 1, DIGEST)
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def claim_item(execution_arn: str) -> dict[str, Any]:
    """The ``UPLOAD#`` item Prepare claims for ``execution_arn``."""
    return {
        **UPLOAD_KEY,
        "bucket": INPUT_BUCKET,
        "key": KEY,
        "versionId": "v1",
        "executionArn": execution_arn,
        "chain": "birds",
        "status": "CLAIMED",
        "createdAt": NOW,
        "expiresAt": 1,
    }


def execution(aws: AwsClients, execution_arn: str, *, ended: bool = False) -> None:
    """Start ``execution_arn`` in moto (RUNNING), and abort it when ``ended``."""
    machine = execution_arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0]
    if not aws.sfn.list_state_machines()["stateMachines"]:
        aws.sfn.create_state_machine(
            name="labelchain", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/sfn"
        )
    aws.sfn.start_execution(stateMachineArn=machine, name=execution_arn.rsplit(":", 1)[1])
    if ended:
        aws.sfn.stop_execution(executionArn=execution_arn)


def prepared_by(store: JobStore, chain: ChainConfig, execution_arn: str) -> dict[str, Any]:
    """What execution ``execution_arn``'s Prepare left: the claim (with sequence 1) and the PENDING job."""
    assert store.claim_upload(claim_item(execution_arn)).owned
    assert store.reserve_upload_sequence(UPLOAD_KEY, "birds", execution_arn) == 1
    item = pending_job(chain, MAIN, execution_arn=execution_arn)
    assert store.put_job(item)
    store.mark_upload(UPLOAD_KEY, "PREPARED")
    return item


def claim(store: JobStore, callbacks: Callbacks, execution_arn: str = OTHER_EXECUTION_ARN) -> ClaimOutcome:
    return claim_batch(
        claim_item(execution_arn), store=store, callbacks=callbacks, job_name_prefix="lc", digest=DIGEST
    )


def job_of_an_ended_execution(kit: Kit) -> None:
    """Execution 1 prepared the upload, its labeling job was created, and the execution has ended."""
    execution(kit.aws, EXECUTION_ARN, ended=True)
    prepared_by(kit.store, kit.chain, EXECUTION_ARN)
    kit.store.mark_in_progress(MAIN, "t", EXECUTION_ARN, "arn:job", NOW)


def test_the_first_execution_claims_the_upload(store: JobStore, callbacks: Callbacks) -> None:
    # GIVEN an upload nobody claimed  WHEN execution 1 claims it  THEN it owns it, taking nothing over
    outcome = claim(store, callbacks, EXECUTION_ARN)
    assert outcome.claim.owned and outcome.taken_over_from is None
    assert outcome.claim.item["executionArn"] == EXECUTION_ARN


def test_an_upload_whose_owner_still_runs_is_a_duplicate(
    kit: Kit,
) -> None:
    # GIVEN execution 1 prepared the upload and still runs (its StartJob has not created the job yet)
    execution(kit.aws, EXECUTION_ARN)
    prepared_by(kit.store, kit.chain, EXECUTION_ARN)
    # WHEN execution 2 claims the same upload
    outcome = claim(kit.store, kit.callbacks)
    # THEN it does not own it (a duplicate no-op), and execution 1's batch is untouched
    assert not outcome.claim.owned and outcome.taken_over_from is None
    assert outcome.claim.item["executionArn"] == EXECUTION_ARN
    job = kit.store.get_job(MAIN)
    assert job is not None and job["executionArn"] == EXECUTION_ARN


@pytest.mark.parametrize("status", ["IN_PROGRESS", "COMPLETED"])
def test_an_upload_whose_labeling_job_exists_is_a_duplicate(
    kit: Kit,
    status: str,
) -> None:
    # GIVEN execution 1's labeling job exists (running or completed), and execution 1 has ended
    job_of_an_ended_execution(kit)
    if status == "COMPLETED":
        kit.store.record_figures(MAIN, "COMPLETED", {"labelingJobStatus": "Completed"}, NOW)
    # WHEN execution 2 claims the same upload  THEN it is a duplicate: the batch became a job already
    outcome = claim(kit.store, kit.callbacks)
    assert not outcome.claim.owned and outcome.taken_over_from is None


@pytest.mark.parametrize("status", ["FAILED", "STOPPED"])
def test_an_upload_whose_labeling_job_failed_is_already_processed(
    kit: Kit,
    status: str,
) -> None:
    # GIVEN execution 1's labeling job ended FAILED or STOPPED in Ground Truth
    job_of_an_ended_execution(kit)
    kit.store.record_figures(MAIN, status, {"failureReason": "ClientError: no access"}, NOW)
    # WHEN/THEN execution 2 is refused by name: the earlier execution, job and status, and what to do
    with pytest.raises(BatchAlreadyProcessed) as refused:
        claim(kit.store, kit.callbacks)
    message = str(refused.value)
    assert f"s3://{INPUT_BUCKET}/{KEY} (version v1)" in message and MAIN in message
    assert f"of execution {EXECUTION_ARN}, which ended {status}: ClientError: no access" in message
    assert message.endswith("upload the manifest again to label it anew")
    # AND the claim stays execution 1's
    upload = kit.store.get_upload(UPLOAD_KEY)
    assert upload is not None and upload["executionArn"] == EXECUTION_ARN


@pytest.mark.parametrize("owner", ["aborted", "unknown"])
def test_an_upload_whose_owner_ended_without_a_labeling_job_is_taken_over(
    kit: Kit,
    owner: str,
) -> None:
    # GIVEN execution 1 prepared the upload, then ended (or is unknown) before creating the labeling job
    if owner == "aborted":
        execution(kit.aws, EXECUTION_ARN, ended=True)
    prepared_by(kit.store, kit.chain, EXECUTION_ARN)
    # WHEN execution 2 claims the same upload
    outcome = claim(kit.store, kit.callbacks)
    # THEN it takes the upload over, keeping its sequence number
    assert outcome.claim.owned and outcome.taken_over_from == EXECUTION_ARN
    assert outcome.claim.item["executionArn"] == OTHER_EXECUTION_ARN and outcome.claim.item["sequence"] == 1


def test_a_released_upload_is_claimed_directly(
    kit: Kit,
) -> None:
    # GIVEN execution 1 failed after claiming the upload and released it
    prepared_by(kit.store, kit.chain, EXECUTION_ARN)
    kit.store.release_upload(UPLOAD_KEY, EXECUTION_ARN, "LabelingJobRequestInvalid", "bad request")
    # WHEN execution 2 claims it  THEN it owns it with the same sequence number, without the old error
    outcome = claim(kit.store, kit.callbacks)
    assert outcome.claim.owned and outcome.claim.item["sequence"] == 1
    assert "error" not in outcome.claim.item


# Prepare ------------------------------------------------------------------------------------------------


@pytest.fixture
def uploaded(buckets: None, aws: AwsClients) -> dict[str, Any]:
    """The S3 event of a valid manifest uploaded to ``KEY``."""
    put = aws.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=manifest_lines(1250))
    return s3_event(INPUT_BUCKET, KEY, put["VersionId"], put["ETag"].strip('"'))


@pytest.fixture
def run(
    uploaded: dict[str, Any],
    store: JobStore,
    objects: Objects,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    pipeline_settings: Settings,
) -> Any:
    """Prepare of execution ``execution_arn`` for the upload, with moto-backed adapters."""

    def _run(execution_arn: str) -> dict[str, Any]:
        return prepare(
            prepare_event(uploaded, execution_arn),
            settings=pipeline_settings,
            chains={"birds": make_chain()},
            store=store,
            objects=objects,
            labeling=labeling,
            callbacks=callbacks,
            now=NOW,
            account=ACCOUNT,
        )

    return _run


def test_prepare_takes_over_the_batch_of_an_execution_that_died_before_starting_the_job(
    aws: AwsClients,
    store: JobStore,
    run: Any,
) -> None:
    # GIVEN execution 1 prepared the upload and was then aborted before StartJob created the job
    execution(aws, EXECUTION_ARN)
    first = run(EXECUTION_ARN)
    aws.sfn.stop_execution(executionArn=EXECUTION_ARN)
    # WHEN the upload's event starts execution 2
    second = run(OTHER_EXECUTION_ARN)
    # THEN execution 2 prepares the same batch (same sequence and job names) and says whose it took over
    assert second["duplicate"] is False and second["takenOverFrom"] == EXECUTION_ARN
    assert (second["sequence"], second["jobs"]) == (first["sequence"], first["jobs"])
    name = second["jobs"]["main"]["labelingJobName"]
    job = store.get_job(name)
    assert job is not None and (job["executionArn"], job["status"]) == (OTHER_EXECUTION_ARN, "PENDING")
    assert [j["labelingJobName"] for j in store.list_active_jobs()] == [name]
    assert int((store.get_head("birds") or {})["lastSequence"]) == 1


def test_prepare_refuses_an_upload_whose_labeling_job_failed(
    aws: AwsClients,
    store: JobStore,
    run: Any,
) -> None:
    # GIVEN execution 1's labeling job of the upload failed in Ground Truth
    first = run(EXECUTION_ARN)
    name = first["jobs"]["main"]["labelingJobName"]
    store.mark_in_progress(name, "t", EXECUTION_ARN, "arn:job", NOW)
    store.record_figures(name, "FAILED", {"failureReason": "ClientError: no access"}, NOW)
    # WHEN/THEN execution 2 for the same upload fails with BatchAlreadyProcessed, claiming nothing
    with pytest.raises(BatchAlreadyProcessed, match=name):
        run(OTHER_EXECUTION_ARN)
    upload = store.get_upload(first["upload"])
    assert upload is not None and (upload["executionArn"], upload["status"]) == (EXECUTION_ARN, "PREPARED")


def test_prepare_takes_over_a_batch_record_failure_released(
    kit: Kit,
    uploaded: dict[str, Any],
    run: Any,
) -> None:
    # GIVEN execution 1 prepared the upload, StartJob failed before Ground Truth created the job, and
    # RecordFailure closed the record FAILED and released the claim
    first = run(EXECUTION_ARN)
    kit.sagemaker.add_client_error("describe_labeling_job", "ResourceNotFound", "no such job")
    record_failure(
        {
            "input": {**uploaded, "prepared": first},
            "executionArn": EXECUTION_ARN,
            "executionName": "run-1",
            "error": {"Error": "LabelingJobRequestInvalid", "Cause": "bad request"},
        },
        settling_of(kit, NOW),
    )
    upload = kit.store.get_upload(first["upload"])
    assert upload is not None and upload["status"] == "RELEASED"
    # WHEN the upload is retried by execution 2
    second = run(OTHER_EXECUTION_ARN)
    # THEN execution 2 takes the batch over: same sequence and names, its own PENDING, active record
    assert second["duplicate"] is False and (second["sequence"], second["jobs"]) == (1, first["jobs"])
    job = kit.store.get_job(first["jobs"]["main"]["labelingJobName"])
    assert job is not None and (job["executionArn"], job["status"]) == (OTHER_EXECUTION_ARN, "PENDING")
    assert "error" not in job and job.get("activePk") == records.ACTIVE
