"""Errors reaching the CLI: one line ``error: <what failed>: <ErrorCode>: <message>`` and the documented exit
code; ``--verbose`` (or ``LABELCHAIN_VERBOSE``) adds the traceback with AWS's full message."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from cli_fixtures import Moto, Run
from click.testing import CliRunner
from lambda_fakes import INPUT_BUCKET, REGION, TABLE

from labelchain_cli.main import cli

THROTTLED = "ProvisionedThroughputExceededException"
#: A service message of several lines, as some AWS errors have.
MESSAGE = "The level of configured provisioned throughput for the table was exceeded.\nRequest ID: R-1"
#: Nothing listens on port 1 of the loopback: connections are refused at once.
CLOSED = "http://127.0.0.1:1"


def _throttled_dynamodb(moto: Moto) -> Stubber:
    stubber = Stubber(moto.session.client("dynamodb"))
    stubber.add_client_error("scan", THROTTLED, MESSAGE, 400)
    return stubber


def test_an_aws_error_is_one_line_with_the_operation_code_and_first_line_of_the_message(
    run: Run, moto: Moto
) -> None:
    # GIVEN DynamoDB refusing the table scan with a message of two lines
    with _throttled_dynamodb(moto) as dynamodb:
        # WHEN the status is asked
        result = run("--table", TABLE, "status", clients={"dynamodb": dynamodb.client})
    # THEN exit 3 and one line: the operation, the error code, the message's first line and where the rest is
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"error: Scan failed: {THROTTLED}: The level of configured provisioned throughput for the table was "
        "exceeded. [more with --verbose]"
    ]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_verbose_adds_the_traceback_and_the_full_message(
    run: Run, moto: Moto, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # GIVEN --verbose, or LABELCHAIN_VERBOSE in the environment
    args: tuple[str, ...] = ("--verbose",) if how == "option" else ()
    if how == "environment":
        monkeypatch.setenv("LABELCHAIN_VERBOSE", "1")
    # WHEN an AWS call fails
    with _throttled_dynamodb(moto) as dynamodb:
        result = run(*args, "--table", TABLE, "status", clients={"dynamodb": dynamodb.client})
    # THEN the traceback comes first, with AWS's whole message, and the same one line ends the output
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "Request ID: R-1" in lines
    assert lines[-1] == (
        f"error: Scan failed: {THROTTLED}: The level of configured provisioned throughput for the table was "
        "exceeded."
    )


def test_a_parameter_botocore_refuses_is_a_usage_error_naming_the_operation(run: Run, moto: Moto) -> None:
    # GIVEN a manifest to start, and a StartExecution request whose name botocore refuses before sending it
    # (simulated: the name is blanked on its way out; botocore checks only minimum lengths)
    moto.s3.put_object(Bucket=INPUT_BUCKET, Key="incoming/birds/b.manifest", Body=b"{}\n")
    sfn = moto.session.client("stepfunctions")

    def blank_name(params: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**params, "name": ""}

    sfn.meta.events.register("provide-client-params.sfn.StartExecution", blank_name)
    # WHEN the manifest is started
    manifest = f"s3://{INPUT_BUCKET}/incoming/birds/b.manifest"
    result = run("start", "--chain", "birds", "--manifest", manifest, clients={"stepfunctions": sfn})
    # THEN exit 2 and one line with the operation and botocore's problem, without its multi-line report
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: StartExecution failed: ParamValidationError: "
        "Invalid length for parameter name, value: 0, valid min length: 1"
    ]


def test_an_unreachable_endpoint_is_one_line_with_a_hint() -> None:
    # GIVEN a DynamoDB endpoint where nothing listens (and no retry, to fail at once)
    config = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1)
    dynamodb = boto3.session.Session(region_name=REGION).client(
        "dynamodb", endpoint_url=CLOSED, config=config
    )
    # WHEN the status is asked
    result = CliRunner().invoke(cli, ["--table", TABLE, "status"], obj={"dynamodb": dynamodb})
    # THEN exit 3 and one line naming the operation, the endpoint and where to look
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f'error: Scan failed: EndpointConnectionError: Could not connect to the endpoint URL: "{CLOSED}/"; '
        "check --endpoint-url (AWS_ENDPOINT_URL), --region and the network"
    ]


def test_missing_credentials_are_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no credentials anywhere (no variables, no files, no instance metadata)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # WHEN the status is asked (of an endpoint where nothing listens, should a credential turn up)
    result = CliRunner().invoke(cli, ["--endpoint-url", CLOSED, "--table", TABLE, "status"])
    # THEN exit 3 and one line saying what is missing and how to provide it
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "error: Scan failed: NoCredentialsError: Unable to locate credentials; "
        "configure credentials (aws configure, AWS_PROFILE) or pass --profile"
    ]


def test_any_other_botocore_error_is_one_line_naming_the_command() -> None:
    # GIVEN/WHEN a region botocore cannot use (refused when the first client is created, before any call)
    result = CliRunner().invoke(cli, ["--region", "not a region", "--table", TABLE, "status"])
    # THEN exit 3 and one line with the command, the exception's name and its message
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "error: status: InvalidRegionError: Provided region_name 'not a region' doesn't match a supported "
        "format."
    ]
