"""``labelchain start``: one execution per manifest with the console input of docs/design.md."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from cli_fixtures import ACCOUNT, Moto, Run
from lambda_fakes import INPUT_BUCKET, REGION

from labelchain_cli.commands.start import execution_name

MANIFEST = f"s3://{INPUT_BUCKET}/incoming/birds/spring-001.manifest"


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


def test_fails_with_exit_3_when_the_state_machine_does_not_exist(run: Run, moto: Moto) -> None:
    # GIVEN an explicit state machine ARN that does not exist
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:nothing"
    # WHEN started
    result = run("--state-machine-arn", missing, "start", "--chain", "birds", "--manifest", MANIFEST)
    # THEN the AWS error exits 3 with the operation and error code
    assert result.exit_code == 3
    assert "StartExecution failed: StateMachineDoesNotExist" in result.stderr


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
    # THEN it is a usage error listing the configured chains, and nothing is started
    assert result.exit_code == 2
    assert "chain 'cats' is not configured; configured chains: birds" in result.stderr
    assert moto.sfn.list_executions(stateMachineArn=moto.state_machine_arn)["executions"] == []
