"""``labelchain start``: one execution per manifest with the console input of docs/design.md."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from botocore.stub import Stubber
from cli_fixtures import ACCOUNT, ALLOWED_BUCKET, Moto, Run
from lambda_fakes import IMAGES_BUCKET, INPUT_BUCKET, OUTPUT_BUCKET, REGION

from labelchain_cli.commands.start import execution_name
from labelchain_cli.preflight import template_allowed_buckets

KEY = "incoming/birds/spring-001.manifest"
MANIFEST = f"s3://{INPUT_BUCKET}/{KEY}"
LINE = json.dumps({"source-ref": f"s3://{IMAGES_BUCKET}/birds/img-0001.jpg"}).encode() + b"\n"


@pytest.fixture
def manifest(moto: Moto) -> str:
    """The manifest object of :data:`MANIFEST`, in the input bucket."""
    moto.s3.put_object(Bucket=INPUT_BUCKET, Key=KEY, Body=LINE)
    return MANIFEST


def _executions(moto: Moto) -> list[dict[str, object]]:
    return list(moto.sfn.list_executions(stateMachineArn=moto.state_machine_arn)["executions"])


@pytest.mark.usefixtures("manifest")
def test_start_prints_the_execution_arn_and_sends_the_console_input(run: Run, moto: Moto) -> None:
    # GIVEN the stack's state machine
    # WHEN a manifest is started with a warm-start job name and a control job
    warm = ("--warm-start", "lc-birds-0001-aaaa1111")
    result = run("start", "--chain", "birds", "--manifest", MANIFEST, *warm, "--control")
    # THEN stdout is the bare execution ARN, and the execution carries exactly the console input
    assert result.exit_code == 0, result.output
    arn = result.stdout.strip()
    assert arn.startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:labelchain-workflow:birds-")
    execution = moto.sfn.describe_execution(executionArn=arn)
    assert json.loads(execution["input"]) == {
        "chain": "birds",
        "manifest": MANIFEST,
        "warmStart": "lc-birds-0001-aaaa1111",
        "control": True,
    }


@pytest.mark.usefixtures("manifest")
def test_start_json_leaves_unset_options_to_the_chain(run: Run, moto: Moto) -> None:
    # GIVEN an explicit state machine ARN and execution name
    # WHEN started with --json and no warm start or control option
    args = (
        "--state-machine-arn",
        moto.state_machine_arn,
        "start",
        "--chain",
        "birds",
        "--manifest",
        MANIFEST,
    )
    result = run(*args, "--name", "manual-1", "--json")
    # THEN the JSON names the execution and the input has only chain and manifest
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["executionArn"].endswith(":execution:labelchain-workflow:manual-1")
    assert printed["input"] == {"chain": "birds", "manifest": MANIFEST}
    execution = moto.sfn.describe_execution(executionArn=printed["executionArn"])
    assert json.loads(execution["input"]) == printed["input"]


@pytest.mark.usefixtures("manifest")
def test_start_sends_no_control_as_false(run: Run, moto: Moto) -> None:
    # GIVEN/WHEN --no-control and --warm-start none
    result = run(
        "start", "--chain", "birds", "--manifest", MANIFEST, "--no-control", "--warm-start", "none", "--json"
    )
    # THEN the input says so explicitly (overriding the chain's defaults)
    assert json.loads(result.stdout)["input"] == {
        "chain": "birds",
        "manifest": MANIFEST,
        "warmStart": "none",
        "control": False,
    }


def test_rejects_a_manifest_that_is_not_an_s3_uri(run: Run, moto: Moto) -> None:
    # GIVEN/WHEN a local path as manifest
    result = run("start", "--chain", "birds", "--manifest", "spring-001.manifest")
    # THEN it is a usage error (exit 2) and nothing is started
    assert result.exit_code == 2
    assert "manifest: expected an s3://bucket/key URI" in result.stderr
    assert moto.sfn.list_executions(stateMachineArn=moto.state_machine_arn)["executions"] == []


def test_rejects_a_malformed_warm_start_model_arn(run: Run, moto: Moto) -> None:
    # GIVEN/WHEN a warm start that looks like an ARN but is not a SageMaker model ARN
    result = run("start", "--chain", "birds", "--manifest", MANIFEST, "--warm-start", "arn:aws:s3:::bucket")
    # THEN it is a usage error naming the expected shape
    assert result.exit_code == 2
    assert "expected a SageMaker model ARN" in result.stderr


@pytest.mark.usefixtures("manifest")
def test_fails_with_exit_3_when_the_state_machine_does_not_exist(run: Run, moto: Moto) -> None:
    # GIVEN an explicit state machine ARN that does not exist
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:nothing"
    # WHEN started
    result = run("--state-machine-arn", missing, "start", "--chain", "birds", "--manifest", MANIFEST)
    # THEN the AWS error exits 3 with one line: the operation, the error code and AWS's message
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("error: StartExecution failed: StateMachineDoesNotExist: ")
    assert missing in line


def test_execution_names_are_unique_and_valid() -> None:
    # GIVEN a chain name with characters StartExecution refuses, and a long one
    at = datetime(2026, 3, 2, 14, 5, 6, tzinfo=UTC)
    # WHEN names are built
    first, second = execution_name("birds v2", at), execution_name("birds v2", at)
    long = execution_name("x" * 100, at)
    # THEN they are distinct, readable and within the 80-character pattern
    assert first != second
    assert re.fullmatch(r"birds-v2-20260302T140506Z-[0-9a-f]{8}", first)
    assert len(long) <= 80 and re.fullmatch(r"[A-Za-z0-9_-]+", long)


def test_rejects_a_chain_the_deployment_does_not_configure(run: Run, moto: Moto) -> None:
    # GIVEN the deployed chains parameter names only "birds"
    # WHEN a manifest is started for "cats"
    result = run("start", "--chain", "cats", "--manifest", MANIFEST)
    # THEN it is a one-line usage error with the pipeline's error name, and nothing is started
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: start: UnknownChain: chain 'cats' is not configured; configured chains: birds"
    ]
    assert _executions(moto) == []


def test_rejects_a_manifest_in_a_bucket_the_pipeline_may_not_read(run: Run, moto: Moto) -> None:
    # GIVEN a manifest in the output bucket: neither the input bucket nor an allowed source bucket
    moto.s3.put_object(Bucket=OUTPUT_BUCKET, Key=KEY, Body=LINE)
    # WHEN it is started
    result = run("start", "--chain", "birds", "--manifest", f"s3://{OUTPUT_BUCKET}/{KEY}")
    # THEN it is a one-line usage error naming the allowed buckets, and nothing is started
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: start: SourceBucketNotAllowed: manifest bucket {OUTPUT_BUCKET!r} is not allowed "
        f"({ALLOWED_BUCKET}, {INPUT_BUCKET}); copy the manifest to s3://{INPUT_BUCKET}/ or add its bucket "
        "to allowedSourceBuckets"
    ]
    assert _executions(moto) == []


def test_start_accepts_a_manifest_in_an_allowed_source_bucket(run: Run, moto: Moto) -> None:
    # GIVEN a manifest in the bucket the deployment lists in allowedSourceBuckets
    moto.s3.put_object(Bucket=ALLOWED_BUCKET, Key=KEY, Body=LINE)
    # WHEN it is started
    result = run("start", "--chain", "birds", "--manifest", f"s3://{ALLOWED_BUCKET}/{KEY}")
    # THEN the execution starts
    assert result.exit_code == 0, result.output
    assert len(_executions(moto)) == 1


def test_rejects_a_manifest_that_does_not_exist(run: Run, moto: Moto) -> None:
    # GIVEN no object at the manifest's key in the input bucket
    # WHEN it is started
    result = run("start", "--chain", "birds", "--manifest", MANIFEST)
    # THEN it is a one-line usage error with the pipeline's error name, and nothing is started
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: start: ManifestNotFound: {MANIFEST} does not exist: 404"]
    assert _executions(moto) == []


def test_checks_the_chain_before_the_bucket_as_the_pipeline_does(run: Run, moto: Moto) -> None:
    # GIVEN/WHEN an unknown chain and a manifest in a bucket that is not allowed
    result = run("start", "--chain", "cats", "--manifest", f"s3://{OUTPUT_BUCKET}/{KEY}")
    # THEN the chain is reported (Prepare's order), and only it
    assert result.exit_code == 2
    assert "UnknownChain" in result.stderr and "SourceBucketNotAllowed" not in result.stderr


def test_skips_the_checks_it_cannot_make_and_says_so_with_verbose(run: Run, moto: Moto) -> None:
    # GIVEN no stack to read (resources given explicitly) and a manifest outside the input bucket
    moto.s3.put_object(Bucket=IMAGES_BUCKET, Key=KEY, Body=LINE)
    explicit = ("--stack-name", "Other", "--input-bucket", INPUT_BUCKET)
    explicit += ("--state-machine-arn", moto.state_machine_arn)
    # WHEN it is started with --verbose
    manifest = f"s3://{IMAGES_BUCKET}/{KEY}"
    result = run(*explicit, "--verbose", "start", "--chain", "birds", "--manifest", manifest)
    # THEN it starts (Prepare still makes the checks), and notes say which checks were skipped and why
    assert result.exit_code == 0, result.output
    chain, template, bucket = result.stderr.splitlines()
    assert chain == "note: chain 'birds' not checked: no output ChainsParameterName of stack 'Other' to read"
    assert template.startswith("note: allowedSourceBuckets unknown: GetTemplate failed: ValidationError: ")
    assert bucket == (
        f"note: manifest bucket {IMAGES_BUCKET!r} not checked: "
        f"only the input bucket {INPUT_BUCKET!r} is known"
    )
    assert len(_executions(moto)) == 1


def test_starts_when_the_operator_may_not_read_the_manifest(run: Run, moto: Moto) -> None:
    # GIVEN S3 answering 403 to HeadObject (the operator lacks s3:GetObject; Prepare's role has it)
    s3 = Stubber(moto.session.client("s3"))
    s3.add_client_error("head_object", "403", "Forbidden", 403)
    # WHEN the manifest is started
    with s3:
        result = run("start", "--chain", "birds", "--manifest", MANIFEST, clients={"s3": s3.client})
    # THEN the existence check is skipped rather than guessed, and the execution starts
    assert result.exit_code == 0, result.output
    assert len(_executions(moto)) == 1


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"ALLOWED_SOURCE_BUCKETS": "lc-images, other-bucket"}, frozenset({"lc-images", "other-bucket"})),
        ({"ALLOWED_SOURCE_BUCKETS": ""}, frozenset()),
        ({"ALLOWED_SOURCE_BUCKETS": {"Ref": "Buckets"}}, None),
        ({"TABLE_NAME": "labelchain-jobs"}, None),
    ],
)
def test_reads_the_allowed_source_buckets_from_the_prepare_function_of_the_template(
    variables: dict[str, object], expected: frozenset[str] | None
) -> None:
    # GIVEN a template whose function has these environment variables
    function = {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": variables}}}
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}, "PrepareFunction": function}}
    # WHEN the allowed source buckets are read THEN they are split as Prepare splits them, or unknown (None)
    # when no function sets them as plain text
    assert template_allowed_buckets(template) == expected
