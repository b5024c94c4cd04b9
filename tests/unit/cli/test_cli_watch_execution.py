"""``labelchain watch --execution-arn``: find the execution's job, or say why there is none."""

from __future__ import annotations

import json
import uuid

from botocore.stub import Stubber
from cli_fixtures import CONTROL2, ChainFixture, Moto, Run
from lambda_fakes import EXECUTION_ARN, OTHER_EXECUTION_ARN, T0

FAST = ("--interval", "0")


def test_watch_resolves_the_control_job_of_an_execution(run: Run, chain_fixture: ChainFixture) -> None:
    # GIVEN the execution that ran job 2 and its control, both recorded
    # WHEN its control job is watched from the record
    result = run(
        "watch", "--execution-arn", OTHER_EXECUTION_ARN, "--role", "control", "--from-record", *FAST, "--json"
    )
    # THEN the control job is found and reported Completed
    final = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (final["labelingJobName"], final["machineLabeled"]) == (CONTROL2, 752)


def test_fails_when_the_execution_ended_without_a_job(run: Run, moto: Moto) -> None:
    # GIVEN an execution stopped before Prepare wrote any job
    arn = moto.sfn.start_execution(
        stateMachineArn=moto.state_machine_arn, name=str(uuid.uuid4()), input="{}"
    )["executionArn"]
    moto.sfn.stop_execution(executionArn=arn)
    # WHEN it is watched
    result = run("watch", "--execution-arn", arn, *FAST)
    # THEN the watch fails (exit 1) saying the execution ended without a job
    assert result.exit_code == 1
    assert "execution ABORTED without a main job" in result.stderr


def test_fails_when_the_execution_never_prepares_a_job_in_time(run: Run, moto: Moto) -> None:
    # GIVEN a running execution that has not prepared a job
    arn = moto.sfn.start_execution(
        stateMachineArn=moto.state_machine_arn, name=str(uuid.uuid4()), input="{}"
    )["executionArn"]
    # WHEN it is watched with a zero timeout THEN it gives up with exit 1
    result = run("watch", "--execution-arn", arn, *FAST, "--timeout", "0")
    assert result.exit_code == 1
    assert "timed out waiting for the execution to prepare its job" in result.stderr
    moto.sfn.stop_execution(executionArn=arn)


def test_fails_with_the_lambda_error_message_when_prepare_failed(run: Run, moto: Moto) -> None:
    # GIVEN an execution that failed in Prepare: the cause is the Lambda's JSON error with a stack trace
    cause = {
        "errorMessage": "650 objects; at least 1250 are needed",
        "errorType": "ManifestTooSmall",
        "stackTrace": ['  File "prepare.py", line 105\n'],
    }
    sfn = Stubber(moto.session.client("stepfunctions"))
    failed = {
        "executionArn": EXECUTION_ARN,
        "stateMachineArn": moto.state_machine_arn,
        "status": "FAILED",
        "startDate": T0,
        "error": "ManifestTooSmall",
        "cause": json.dumps(cause),
    }
    sfn.add_response("describe_execution", failed, {"executionArn": EXECUTION_ARN})
    # WHEN it is watched
    with sfn:
        result = run("watch", "--execution-arn", EXECUTION_ARN, *FAST, clients={"stepfunctions": sfn.client})
    # THEN the error names the failure and its message, without the stack trace
    assert result.exit_code == 1
    assert (
        "execution FAILED without a main job (ManifestTooSmall: 650 objects; at least 1250 are needed)"
        in result.stderr
    )
    assert "stackTrace" not in result.stderr
