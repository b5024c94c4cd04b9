"""Inputs that are odd rather than wrong, and inputs that change under the pipeline's feet.

Odd but valid inputs (a BOM, CRLF line breaks, a key with spaces, unicode and ``+``) must succeed and be
normalised; keys outside the upload rule must start nothing; a manifest that disappears, is replaced, or
whose job name is taken by someone else's job must fail by name or label exactly the version the event named.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fault_injection import create_foreign_job
from labelchain_fn.core.naming import batch_hash, labeling_job_name
from reliability_stack import BATCH, MANUAL_KEY, Deployed, Handler, assert_rejected, statuses

KEY = "incoming/birds/batch-0001.manifest"


def normalized(lines: list[str]) -> bytes:
    """The form Prepare writes: one compact JSON object per line, each ending in ``\\n``."""
    return b"".join(json.dumps(json.loads(line), separators=(",", ":")).encode() + b"\n" for line in lines)


def assert_labeled(
    deployed: Deployed, run: dict[str, Any], key: str, version_id: str, lines: list[str]
) -> None:
    """The execution succeeded; its one job read ``key`` at ``version_id`` and labels ``lines``."""
    assert run["status"] == "SUCCEEDED", run
    [job] = [j for j in deployed.jobs() if j["executionArn"] == run["executionArn"]]
    assert job["status"] == "COMPLETED" and job["objectCount"] == len(lines)
    assert job["sourceManifest"]["key"] == key and job["sourceManifest"]["versionId"] == version_id
    assert deployed.read(job["manifestS3Uri"]) == normalized(lines)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda lines: b"\xef\xbb\xbf" + "\n".join(lines).encode(), id="utf8-bom"),
        pytest.param(lambda lines: "\r\n".join(lines).encode() + b"\r\n", id="crlf-line-breaks"),
    ],
)
def test_a_bom_or_crlf_manifest_succeeds_normalized(deployed: Deployed, encode: Any) -> None:
    # GIVEN a full batch written by a Windows tool (BOM or CRLF)
    lines = deployed.lines()
    uploaded = deployed.put(KEY, encode(lines))
    # WHEN the workflow runs THEN it succeeds and Ground Truth reads clean JSON Lines
    [run] = deployed.wait_for_executions(1)
    assert_labeled(deployed, run, KEY, uploaded["VersionId"], lines)
    assert deployed.object_state(KEY)["Body"] == encode(lines)  # the upload itself is untouched
    deployed.assert_settled()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("batch 2+extra", id="space-and-plus"),
        pytest.param("%2B%20%%%", id="percent-sequences"),
        pytest.param("week 1+2 é", id="unicode"),
        pytest.param("a:b=c;d,e&f", id="colon-equals-and-friends"),
        pytest.param("ARTISTS K to O", id="spaces"),
    ],
)
def test_a_key_is_read_exactly_as_eventbridge_delivers_it(deployed: Deployed, name: str) -> None:
    # GIVEN a manifest whose key holds characters a form-encoding would change
    key = f"incoming/birds/{name}.manifest"
    lines = deployed.lines()
    uploaded = deployed.put(key, "\n".join(lines))
    # WHEN the deployed rule starts the workflow
    [run] = deployed.wait_for_executions(1)
    # THEN the event carried the key as is (EventBridge does not encode it) and that object was labeled
    assert json.loads(run["input"])["detail"]["object"]["key"] == key
    assert_labeled(deployed, run, key, uploaded["VersionId"], lines)
    deployed.assert_settled()


def test_a_form_encoded_key_falls_back_to_its_decoded_spelling_and_names_the_same_batch(
    deployed: Deployed,
) -> None:
    # GIVEN an upload labeled from its own event (key as is)
    key = "incoming/birds/batch 3+x.manifest"
    lines = deployed.lines()
    uploaded = deployed.put(key, "\n".join(lines))
    [first] = deployed.wait_for_executions(1)
    assert_labeled(deployed, first, key, uploaded["VersionId"], lines)
    # WHEN an event for the same version spells the key the way S3 notifications do ("a+b%2Bc")
    event = {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {
            "bucket": {"name": deployed.input_bucket},
            "object": {"key": "incoming/birds/batch+3%2Bx.manifest", "version-id": uploaded["VersionId"]},
        },
    }
    second = deployed.wait_for(deployed.start_console(event))
    # THEN Prepare found the object by the decoded spelling: the same batch, so nothing new is created
    assert second["status"] == "SUCCEEDED", second
    assert json.loads(second["output"])["prepared"]["duplicate"] is True
    assert len(deployed.jobs()) == 1
    deployed.assert_settled()


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("incoming/birds/batch-0001.json", id="wrong-suffix"),
        pytest.param("incoming/birds/batch-0001.manifest.bak", id="suffix-after-manifest"),
        pytest.param("uploads/birds/batch-0001.manifest", id="wrong-prefix"),
        pytest.param("Incoming/birds/batch-0001.manifest", id="prefix-in-another-case"),
        pytest.param("manual/incoming/birds/batch-0001.manifest", id="prefix-not-at-the-start"),
    ],
)
def test_keys_outside_the_upload_rule_start_no_execution(deployed: Deployed, key: str) -> None:
    # GIVEN a valid batch under a key the upload rule does not match WHEN it is uploaded
    deployed.put(key, "\n".join(deployed.lines()))
    deployed.box.advance(hours=1)
    # THEN no execution, record or labeling job exists
    assert deployed.executions() == []
    assert deployed.items() == [] and deployed.labeling_jobs() == []


def test_rejects_a_warm_start_model_of_another_task_type(deployed: Deployed) -> None:
    # GIVEN a completed text-classification job with a final model (chain "notes")
    deployed.put(
        "incoming/notes/batch-0001.manifest",
        "\n".join(json.dumps({"source": f"sentence number {i}"}) for i in range(BATCH)),
    )
    [notes_run] = deployed.wait_for_executions(1)
    [notes_job] = deployed.jobs()
    assert notes_run["status"] == "SUCCEEDED" and notes_job["finalModelArn"]
    # WHEN the bounding-box chain is asked to warm-start from that model
    deployed.put(MANUAL_KEY, "\n".join(deployed.lines()))
    arn = deployed.start_console(
        {
            "chain": "birds",
            "manifest": f"s3://{deployed.input_bucket}/{MANUAL_KEY}",
            "warmStart": notes_job["finalModelArn"],
        }
    )
    run = deployed.wait_for(arn)
    # THEN it fails by name before any job is created for birds
    assert run["status"] == "FAILED" and run["error"] == "WarmStartModelIncompatible"
    assert "TextClassification" in run["cause"]
    assert deployed.failure_of(run)["error"] == "WarmStartModelIncompatible"
    assert [j["LabelingJobName"] for j in deployed.labeling_jobs()] == [notes_job["labelingJobName"]]
    assert [j["chain"] for j in deployed.jobs()] == ["notes"]
    deployed.assert_settled()


def test_fails_when_the_manifest_is_deleted_before_prepare_reads_it(deployed: Deployed) -> None:
    # GIVEN an upload whose version is deleted after the event, before Prepare reads it
    s3 = deployed.client("s3")

    def deleting(real: Handler) -> Handler:
        def call(event: Any, context: Any) -> Any:
            obj = event["input"]["detail"]["object"]
            s3.delete_object(Bucket=deployed.input_bucket, Key=KEY, VersionId=obj["version-id"])
            return real(event, context)

        return call

    deployed.wrap("prepare", deleting)
    deployed.put(KEY, "\n".join(deployed.lines()))
    # WHEN the workflow runs THEN it fails with ManifestNotFound and creates nothing
    [run] = deployed.wait_for_executions(1)
    assert_rejected(deployed, run, "ManifestNotFound", "does not exist")
    assert s3.list_object_versions(Bucket=deployed.input_bucket, Prefix=KEY).get("Versions", []) == []


def test_a_delete_marker_does_not_stop_the_uploaded_version_from_being_labeled(deployed: Deployed) -> None:
    # GIVEN an upload deleted without a version ID before Prepare reads it: in the versioned input bucket
    # that only adds a delete marker, and the version the event named still exists
    s3 = deployed.client("s3")

    def hiding(real: Handler) -> Handler:
        def call(event: Any, context: Any) -> Any:
            s3.delete_object(Bucket=deployed.input_bucket, Key=KEY)
            return real(event, context)

        return call

    deployed.wrap("prepare", hiding)
    lines = deployed.lines()
    uploaded = deployed.put(KEY, "\n".join(lines))
    # WHEN the workflow runs THEN it labels exactly that version
    [run] = deployed.wait_for_executions(1)
    assert_labeled(deployed, run, KEY, uploaded["VersionId"], lines)
    deployed.assert_settled()


def test_labels_the_version_the_event_named_when_the_manifest_is_replaced(deployed: Deployed) -> None:
    # GIVEN a batch uploaded, then replaced by a new version before its Prepare runs
    old, new = deployed.lines(prefix="images/old"), deployed.lines(prefix="images/new")
    replaced: dict[str, str] = {}

    def replacing(real: Handler) -> Handler:
        def call(event: Any, context: Any) -> Any:
            if not replaced:
                replaced.update(deployed.put(KEY, "\n".join(new)))
            return real(event, context)

        return call

    deployed.wrap("prepare", replacing)
    first = deployed.put(KEY, "\n".join(old))
    # WHEN both uploads' executions run
    runs = deployed.wait_for_executions(2)
    # THEN each labels exactly the version its event named: the old content was not swapped mid-flight
    assert statuses(runs) == ["SUCCEEDED", "SUCCEEDED"]
    by_version = {json.loads(r["input"])["detail"]["object"]["version-id"]: r for r in runs}
    assert_labeled(deployed, by_version[first["VersionId"]], KEY, first["VersionId"], old)
    assert_labeled(deployed, by_version[replaced["VersionId"]], KEY, replaced["VersionId"], new)
    assert len(deployed.labeling_jobs()) == 2
    deployed.assert_settled()


def test_fails_when_the_job_name_is_taken_by_a_foreign_job(deployed: Deployed) -> None:
    # GIVEN a labeling job that is not ours, already holding the name the pipeline will derive
    uploaded = deployed.put(MANUAL_KEY, "\n".join(deployed.lines()))
    digest = batch_hash(deployed.input_bucket, MANUAL_KEY, uploaded["VersionId"])
    name = labeling_job_name("lc", "birds", 1, digest)
    foreign = create_foreign_job(deployed, name)
    # WHEN an operator starts the batch from the console
    arn = deployed.start_console({"chain": "birds", "manifest": f"s3://{deployed.input_bucket}/{MANUAL_KEY}"})
    run = deployed.wait_for(arn)
    # THEN it fails with LabelingJobNameConflict, recorded on the job item and as a failure
    assert run["status"] == "FAILED" and run["error"] == "LabelingJobNameConflict", run
    assert deployed.failure_of(run)["error"] == "LabelingJobNameConflict"
    [job] = deployed.jobs()
    assert job["status"] == "FAILED" and job["error"] == "LabelingJobNameConflict"
    # AND the foreign job was neither replaced nor stopped: it runs to completion on its own manifest
    assert [j["LabelingJobName"] for j in deployed.labeling_jobs()] == [name]
    deployed.box.advance(hours=24)
    described = deployed.client("sagemaker").describe_labeling_job(LabelingJobName=name)
    assert described["LabelingJobStatus"] == "Completed"
    assert described["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] == foreign
    deployed.assert_settled()


def test_a_corrected_manifest_is_processed_after_a_rejection(deployed: Deployed) -> None:
    # GIVEN a rejected upload (one line is not JSON)
    lines = deployed.lines()
    deployed.put(KEY, "\n".join([*lines[:-1], "{oops"]))
    [rejected] = deployed.wait_for_executions(1)
    assert rejected["error"] == "ManifestInvalid"
    # WHEN the corrected file is uploaded to the same key
    fixed = deployed.put(KEY, "\n".join(lines))
    runs = deployed.wait_for_executions(2)
    # THEN it is processed: the rejection left no claim or job item behind
    assert statuses(runs) == ["FAILED", "SUCCEEDED"]
    assert_labeled(deployed, runs[1], KEY, fixed["VersionId"], lines)
    assert len(deployed.labeling_jobs()) == 1
    deployed.assert_settled()
