"""Prepare: manifest validation, artifacts, upload claim, warm start and the job items it writes."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber
from labelchain_fn.adapters.callbacks import Callbacks
from labelchain_fn.adapters.job_store import JobStore
from labelchain_fn.adapters.labeling import LabelingJobs
from labelchain_fn.adapters.objects import Objects
from labelchain_fn.adapters.settings import Settings
from labelchain_fn.core import errors, records
from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.naming import batch_hash
from labelchain_fn.handlers import prepare as prepare_module
from labelchain_fn.handlers.prepare import prepare
from labelchain_fn.handlers.prepare_steps import default_template
from lambda_fakes import (
    ACCOUNT,
    ARTIFACTS_BUCKET,
    EXECUTION_ARN,
    FOREIGN_BUCKET,
    INPUT_BUCKET,
    MODEL_ARN,
    OTHER_EXECUTION_ARN,
    ROLE_ARN,
    T0,
    AwsClients,
    Kit,
    make_chain,
    manifest_lines,
    prepare_event,
    s3_event,
)

KEY = "incoming/birds/batch 1.manifest"
NOW = "2026-03-02T14:00:00+00:00"


@pytest.fixture
def run(
    buckets: None,
    store: JobStore,
    objects: Objects,
    labeling: LabelingJobs,
    callbacks: Callbacks,
    pipeline_settings: Settings,
) -> Any:
    """Prepare with moto-backed adapters; ``chains`` defaults to the birds chain."""

    def _run(
        execution_input: Any, execution_arn: str = EXECUTION_ARN, **chains: ChainConfig
    ) -> dict[str, Any]:
        return prepare(
            prepare_event(execution_input, execution_arn),
            settings=pipeline_settings,
            chains=chains or {"birds": make_chain()},
            store=store,
            objects=objects,
            labeling=labeling,
            callbacks=callbacks,
            now=NOW,
            account=ACCOUNT,
        )

    return _run


def start_execution(aws: AwsClients, execution_arn: str) -> None:
    """Make ``execution_arn`` (state machine ``labelchain``) a RUNNING execution in moto."""
    machine_arn = execution_arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0]
    try:
        aws.sfn.describe_state_machine(stateMachineArn=machine_arn)
    except aws.sfn.exceptions.StateMachineDoesNotExist:
        definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
        aws.sfn.create_state_machine(
            name="labelchain", definition=definition, roleArn="arn:aws:iam::123456789012:role/sfn"
        )
    started = aws.sfn.start_execution(stateMachineArn=machine_arn, name=execution_arn.rsplit(":", 1)[1])
    assert started["executionArn"] == execution_arn


def last_sequence(store: JobStore, chain: str = "birds") -> int:
    """The chain's sequence counter (0 when no number was ever reserved)."""
    return int((store.get_head(chain) or {}).get("lastSequence") or 0)


def upload(aws: AwsClients, body: bytes, key: str = KEY, bucket: str = INPUT_BUCKET) -> dict[str, Any]:
    """Put a manifest and return the S3 event EventBridge would send for it."""
    put = aws.s3.put_object(Bucket=bucket, Key=key, Body=body)
    return s3_event(bucket, key, put.get("VersionId"), put["ETag"].strip('"'))


@pytest.mark.parametrize(
    ("event_key", "spelling"),
    [
        pytest.param("incoming/birds/batch 2+extra.manifest", "as-delivered", id="key-as-is"),
        pytest.param("incoming/birds/batch+2%2Bextra.manifest", "form-decoded", id="notification-spelling"),
    ],
)
def test_an_event_key_with_a_plus_names_the_uploaded_object(
    aws: AwsClients,
    store: JobStore,
    run: Any,
    event_key: str,
    spelling: str,
) -> None:
    # GIVEN a manifest uploaded as "batch 2+extra.manifest"; an event spells its key one way or the other
    key = "incoming/birds/batch 2+extra.manifest"
    event = upload(aws, manifest_lines(1250), key=key)
    event["detail"]["object"]["key"] = event_key
    # WHEN Prepare runs
    result = run(event)
    # THEN the uploaded object is prepared, and the record says which spelling named it
    item = store.get_job(result["jobs"]["main"]["labelingJobName"])
    assert item is not None and item["objectCount"] == 1250
    assert item["sourceManifest"]["key"] == key and item["sourceManifest"]["keySpelling"] == spelling


def request_of(store: JobStore, name: str) -> dict[str, Any]:
    item = store.get_job(name)
    assert item is not None
    return dict(json.loads(item["request"]))


def test_prepares_a_job_from_an_upload_event(aws: AwsClients, store: JobStore, run: Any) -> None:
    # GIVEN a valid 1,250-object manifest uploaded to incoming/birds/ (a key with a space)
    event = upload(aws, manifest_lines(1250))
    version = event["detail"]["object"]["version-id"]
    # WHEN Prepare runs on its event
    result = run(event)
    # THEN one main job is prepared, named from the sequence and the uploaded version
    name = f"lc-birds-0001-{batch_hash(INPUT_BUCKET, KEY, version)}"
    assert result["duplicate"] is False and result["control"] is False and result["sequence"] == 1
    assert result["jobs"] == {"main": {"labelingJobName": name}} and result["objectCount"] == 1250
    # AND its PENDING item records the source, the count and a cold start with its reason
    item = store.get_job(name)
    assert item is not None and item["status"] == "PENDING" and item["objectCount"] == 1250
    assert item["sourceManifest"] == {
        "bucket": INPUT_BUCKET,
        "key": KEY,
        "versionId": version,
        "etag": event["detail"]["object"]["etag"],
    }
    assert item["warmStart"] == {"policy": "latest", "reason": "chain birds has no model yet"}
    # AND the request points at the normalised manifest, label file and default template
    request = request_of(store, name)
    assert (
        request["RoleArn"] == ROLE_ARN
        and request["OutputConfig"]["S3OutputPath"] == "s3://lc-output/jobs/birds/"
    )
    assert "InitialActiveLearningModelArn" not in request["LabelingJobAlgorithmsConfig"]
    manifest_uri = request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"]
    assert manifest_uri == f"s3://{ARTIFACTS_BUCKET}/manifests/birds/{name}.manifest"
    body = aws.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=f"manifests/birds/{name}.manifest")["Body"].read()
    assert body == manifest_lines(1250).replace(b'", "', b'","').replace(b'": "', b'":"')
    labels_key = request["LabelCategoryConfigS3Uri"].split(f"{ARTIFACTS_BUCKET}/", 1)[1]
    assert labels_key.startswith("label-categories/birds/")
    labels = json.loads(aws.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=labels_key)["Body"].read())
    assert labels == {"document-version": "2018-11-28", "labels": [{"label": "Bird"}]}
    ui_key = request["HumanTaskConfig"]["UiConfig"]["UiTemplateS3Uri"].split(f"{ARTIFACTS_BUCKET}/", 1)[1]
    assert ui_key.startswith("ui-templates/birds/")
    assert aws.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=ui_key)["Body"].read() == default_template(
        "BoundingBox"
    )
    # AND the upload is claimed by this execution, with the sequence it reserved (named in the output, so
    # RecordFailure can release it)
    upload_key = records.upload_key(INPUT_BUCKET, KEY, version)
    claim = store.table.get(upload_key)
    assert claim is not None and claim["status"] == "PREPARED" and claim["executionArn"] == EXECUTION_ARN
    assert claim["sequence"] == 1 and last_sequence(store) == 1
    assert result["upload"] == upload_key and "takenOverFrom" not in result


def test_prepares_from_console_input_with_a_control_job(aws: AwsClients, store: JobStore, run: Any) -> None:
    # GIVEN a chain whose head has a (recorded, compatible) model, and a console request for a comparison
    earlier = records.upload_key(INPUT_BUCKET, "incoming/birds/first.manifest", "v0")
    store.claim_upload({**earlier, "executionArn": OTHER_EXECUTION_ARN})
    assert store.reserve_upload_sequence(earlier, "birds", OTHER_EXECUTION_ARN) == 1
    store.advance_head("birds", 1, "lc-birds-0001-00000000", MODEL_ARN, NOW)
    store.put_model(
        records.model_item(
            arn=MODEL_ARN,
            chain="birds",
            task_type="BoundingBox",
            labeling_job_name="lc-birds-0001-00000000",
            sequence=1,
            labels=["Bird"],
        )
    )
    upload(aws, manifest_lines(1300), key="incoming/birds/second.manifest")
    console = {
        "chain": "birds",
        "manifest": f"s3://{INPUT_BUCKET}/incoming/birds/second.manifest",
        "control": True,
    }
    # WHEN Prepare runs
    result = run(console)
    # THEN a main and a control job share sequence 2 and the manifest
    main, control = result["jobs"]["main"]["labelingJobName"], result["jobs"]["control"]["labelingJobName"]
    assert result["sequence"] == 2 and result["control"] is True
    assert main.startswith("lc-birds-0002-") and control.startswith("lc-birds-0002c-")
    main_request, control_request = request_of(store, main), request_of(store, control)
    assert main_request["InputConfig"] == control_request["InputConfig"]
    # AND only the main job is warm-started from the head's model
    assert main_request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == MODEL_ARN
    assert "InitialActiveLearningModelArn" not in control_request["LabelingJobAlgorithmsConfig"]
    assert result["warmStart"]["reason"] == "latest model of chain birds (job lc-birds-0001-00000000)"
    control_item = store.get_job(control)
    assert control_item is not None and control_item["role"] == "control"


def test_warm_starts_from_an_external_model(
    kit: Kit,
    run: Any,
) -> None:
    # GIVEN a model the pipeline did not make, which exists
    kit.sagemaker.add_response(
        "describe_model",
        {"ModelName": "lc-birds-0001-model", "CreationTime": T0, "ModelArn": MODEL_ARN},
        {"ModelName": "lc-birds-0001-model"},
    )
    upload(kit.aws, manifest_lines(1250))
    # WHEN the console names it
    result = run({"chain": "birds", "manifest": f"s3://{INPUT_BUCKET}/{KEY}", "warmStart": MODEL_ARN})
    # THEN the job starts from it
    request = request_of(kit.store, result["jobs"]["main"]["labelingJobName"])
    assert request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == MODEL_ARN


def test_accepts_a_small_manifest_when_auto_labeling_is_off(
    aws: AwsClients,
    store: JobStore,
    run: Any,
) -> None:
    # GIVEN a chain without auto-labeling and a 10-object manifest
    event = upload(aws, manifest_lines(10))
    # WHEN Prepare runs
    result = run(event, birds=make_chain(autoLabeling=False))
    # THEN the job is prepared without an algorithm configuration
    assert "LabelingJobAlgorithmsConfig" not in request_of(store, result["jobs"]["main"]["labelingJobName"])


def test_prepares_inline_text_without_a_bucket_check(aws: AwsClients, store: JobStore, run: Any) -> None:
    # GIVEN a text-classification chain and lines with inline text
    chain = make_chain(
        "reviews",
        taskType="TextClassification",
        labels=["good", "bad"],
        labelAttributeName="label",
        taskKeywords=["text"],
        workforce={"type": "public", "taskPriceUsd": "0.012"},
    )
    body = b"".join(json.dumps({"source": f"review {i}"}).encode() + b"\n" for i in range(1250))
    event = upload(aws, body, key="incoming/reviews/r.manifest")
    # WHEN Prepare runs
    result = run(event, reviews=chain)
    # THEN the job uses the text template
    request = request_of(store, result["jobs"]["main"]["labelingJobName"])
    ui_key = request["HumanTaskConfig"]["UiConfig"]["UiTemplateS3Uri"].split(f"{ARTIFACTS_BUCKET}/", 1)[1]
    assert b"crowd-classifier" in aws.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=ui_key)["Body"].read()


def test_a_second_execution_for_the_same_upload_is_a_duplicate(
    aws: AwsClients,
    store: JobStore,
    run: Any,
) -> None:
    # GIVEN an upload prepared by execution 1, which still runs
    start_execution(aws, EXECUTION_ARN)
    event = upload(aws, manifest_lines(1250))
    first = run(event)
    # WHEN the event is delivered again and starts execution 2
    second = run(event, OTHER_EXECUTION_ARN)
    # THEN execution 2 does nothing: no job, no sequence number
    assert second == {
        "duplicate": True,
        "chain": "birds",
        "sequence": 1,
        "control": False,
        "jobs": {},
        "duplicateOf": EXECUTION_ARN,
    }
    assert len(store.list_chain_jobs("birds")) == 1 and first["sequence"] == 1
    assert last_sequence(store) == 1


def test_a_retried_prepare_continues_its_own_batch(aws: AwsClients, store: JobStore, run: Any) -> None:
    # GIVEN an upload prepared by execution 1
    event = upload(aws, manifest_lines(1250))
    first = run(event)
    # WHEN Step Functions invokes Prepare again for the same execution
    again = run(event)
    # THEN it returns the same batch without reserving another sequence number
    assert again == first
    assert len(store.list_chain_jobs("birds")) == 1 and last_sequence(store) == 1


def test_a_failure_after_the_claim_releases_it_and_is_raised(
    aws: AwsClients,
    store: JobStore,
    run: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN writing the artifacts fails once the upload is claimed and its sequence reserved
    event = upload(aws, manifest_lines(1250))
    version = event["detail"]["object"]["version-id"]

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise errors.ManifestNotFound("artifacts bucket is gone")

    working = prepare_module.write_artifacts
    monkeypatch.setattr(prepare_module, "write_artifacts", broken)
    # WHEN/THEN Prepare fails with the error
    with pytest.raises(errors.ManifestNotFound, match="artifacts bucket is gone"):
        run(event)
    # AND the claim is released with the error, keeping its sequence number (a retry reuses it: no gap)
    claim = store.get_upload(records.upload_key(INPUT_BUCKET, KEY, version))
    assert claim is not None and (claim["status"], claim["error"], claim["cause"]) == (
        "RELEASED",
        "ManifestNotFound",
        "artifacts bucket is gone",
    )
    assert claim["sequence"] == 1 and store.list_chain_jobs("birds") == []
    # WHEN another execution retries the upload once the bucket is back
    monkeypatch.setattr(prepare_module, "write_artifacts", working)
    retried = run(event, OTHER_EXECUTION_ARN)
    # THEN it prepares the batch under the same sequence number
    assert retried["duplicate"] is False and retried["sequence"] == 1 and last_sequence(store) == 1
    claim = store.get_upload(records.upload_key(INPUT_BUCKET, KEY, version))
    assert claim is not None and claim["executionArn"] == OTHER_EXECUTION_ARN and "error" not in claim


def _bad_line_manifest() -> bytes:
    return manifest_lines(2) + b"{not json\n" + manifest_lines(1300, start=2)


@pytest.mark.parametrize(
    ("body", "key", "error", "message"),
    [
        (None, KEY, errors.ManifestNotFound, "does not exist"),
        (_bad_line_manifest(), KEY, errors.ManifestInvalid, "line 3: not JSON"),
        (manifest_lines(1249), KEY, errors.ManifestTooSmall, "1249 objects; at least 1250"),
        (b"", KEY, errors.ManifestTooSmall, "empty manifest"),
        (manifest_lines(1300, bucket=FOREIGN_BUCKET), KEY, errors.SourceBucketNotAllowed, "line 1"),
        (manifest_lines(1250), "incoming/cats/a.manifest", errors.UnknownChain, "'cats' is not configured"),
    ],
    ids=["missing", "bad-line", "too-small", "empty", "foreign-bucket", "unknown-chain"],
)
def test_fails_when_the_upload_is_not_acceptable(
    aws: AwsClients,
    store: JobStore,
    run: Any,
    body: bytes | None,
    key: str,
    error: type,
    message: str,
) -> None:
    # GIVEN an upload event for a missing or unacceptable manifest
    event = upload(aws, body, key=key) if body is not None else s3_event(INPUT_BUCKET, key, None, "etag-1")
    # WHEN/THEN Prepare raises the named error
    with pytest.raises(error, match=message):
        run(event)
    # AND nothing was claimed, so a corrected upload or console run is not a duplicate
    assert store.list_chain_jobs("birds") == [] and store.get_head("birds") is None


@pytest.mark.parametrize(
    ("console", "error", "message"),
    [
        ({"chain": "birds", "manifest": "https://example.com/m"}, errors.InputInvalid, "manifest"),
        (
            {"chain": "birds", "manifest": f"s3://{INPUT_BUCKET}/{KEY}", "control": "yes"},
            errors.InputInvalid,
            "control",
        ),
        ({"manifesto": "s3://x/y"}, errors.InputInvalid, "expected an S3"),
        (
            {"chain": "birds", "manifest": f"s3://{FOREIGN_BUCKET}/m.manifest"},
            errors.SourceBucketNotAllowed,
            FOREIGN_BUCKET,
        ),
        (
            {
                "chain": "birds",
                "manifest": f"s3://{INPUT_BUCKET}/{KEY}",
                "warmStart": "lc-birds-0009-deadbeef",
            },
            errors.WarmStartJobNotFound,
            "lc-birds-0009-deadbeef not found",
        ),
        (
            {
                "chain": "birds",
                "manifest": f"s3://{INPUT_BUCKET}/{KEY}",
                "warmStart": "arn:aws:s3:::bucket/x",
            },
            errors.WarmStartModelInvalid,
            "model ARN",
        ),
    ],
    ids=[
        "not-s3",
        "control-not-bool",
        "unknown-shape",
        "foreign-manifest",
        "unknown-warm-job",
        "not-a-model",
    ],
)
def test_rejects_bad_console_input(
    aws: AwsClients,
    store: JobStore,
    run: Any,
    console: dict[str, Any],
    error: type,
    message: str,
) -> None:
    # GIVEN a valid manifest but a wrong console request
    upload(aws, manifest_lines(1250))
    # WHEN/THEN Prepare raises the named error and claims nothing
    with pytest.raises(error, match=message):
        run(console)
    assert store.list_chain_jobs("birds") == []


def test_fails_when_the_external_model_does_not_exist(sagemaker: Stubber, aws: AwsClients, run: Any) -> None:
    # GIVEN a model ARN SageMaker does not know
    sagemaker.add_client_error("describe_model", "ValidationException", "Could not find model")
    upload(aws, manifest_lines(1250))
    # WHEN/THEN the warm start is refused before any job is written
    with pytest.raises(errors.WarmStartModelInvalid, match="does not exist"):
        run({"chain": "birds", "manifest": f"s3://{INPUT_BUCKET}/{KEY}", "warmStart": MODEL_ARN})


def test_handler_runs_with_the_deployed_environment(
    handler_env: None,
    buckets: None,
    aws: AwsClients,
    lambda_context: SimpleNamespace,
    capsys: Any,
) -> None:
    # GIVEN the deployed environment and an uploaded manifest
    event = upload(aws, manifest_lines(1250))
    # WHEN the Lambda entry point runs
    result = prepare_module.handler(prepare_event(event), lambda_context)
    # THEN it returns a JSON-safe prepared batch and emits the BatchesPrepared metric for the chain
    assert json.loads(json.dumps(result))["jobs"]["main"]["labelingJobName"].startswith("lc-birds-0001-")
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [(m["chain"], m["BatchesPrepared"]) for m in emitted] == [("birds", [1.0])]
