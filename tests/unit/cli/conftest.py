"""Fixtures of the CLI tests: moto with the stack's resources (table, buckets, state machine, stack outputs),
click's CliRunner, and a recorded chain of three jobs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Fake credentials and a pinned region before any boto3 client exists; never reach a real endpoint.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
)
for _variable in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "LABELCHAIN_STACK_NAME", "LABELCHAIN_TABLE"):
    os.environ.pop(_variable, None)
# The Lambda tests' builders (jobs table, chains, describe responses) are shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lambdas"))

import json  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from cli_fixtures import ALLOWED_BUCKET, ChainFixture, Moto, Run, seed_chain  # noqa: E402
from click.testing import CliRunner, Result  # noqa: E402
from labelchain_fn.adapters.job_store import JobStore  # noqa: E402
from lambda_fakes import (  # noqa: E402
    ACCOUNT,
    IMAGES_BUCKET,
    INPUT_BUCKET,
    OUTPUT_BUCKET,
    PARAMETER,
    REGION,
    TABLE,
    create_jobs_table,
    make_chain,
)
from moto import mock_aws  # noqa: E402

from labelchain_cli.main import cli  # noqa: E402

STACK = "LabelChain"
STATE_MACHINE = "labelchain-workflow"


def _stack_template(state_machine_arn: str, role_arn: str) -> str:
    # The Prepare function carries allowedSourceBuckets as the real stack's does (stacks/job_functions.py).
    prepare = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Handler": "labelchain_fn.handlers.prepare.handler",
            "Runtime": "python3.12",
            "Role": role_arn,
            "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
            "Environment": {
                "Variables": {"INPUT_BUCKET": INPUT_BUCKET, "ALLOWED_SOURCE_BUCKETS": ALLOWED_BUCKET}
            },
        },
    }
    outputs = {
        "InputBucketName": INPUT_BUCKET,
        "OutputBucketName": OUTPUT_BUCKET,
        "JobTableName": TABLE,
        "StateMachineArn": state_machine_arn,
        "ChainsParameterName": PARAMETER,
    }
    return json.dumps(
        {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}, "PrepareFunction": prepare},
            "Outputs": {
                **{key: {"Value": value} for key, value in outputs.items()},
                "TopicArn": {"Value": {"Ref": "Topic"}},
            },
        }
    )


@pytest.fixture
def moto() -> Iterator[Moto]:
    """A fresh moto account holding the jobs table, the buckets, a state machine, and a stack whose outputs
    name them and whose Prepare function allows manifests from :data:`ALLOWED_BUCKET`."""
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        s3, dynamodb, sfn = session.client("s3"), session.client("dynamodb"), session.client("stepfunctions")
        create_jobs_table(dynamodb)
        for bucket in (INPUT_BUCKET, OUTPUT_BUCKET, IMAGES_BUCKET):
            s3.create_bucket(Bucket=bucket)
        arn = sfn.create_state_machine(
            name=STATE_MACHINE,
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/labelchain-workflow",
        )["stateMachineArn"]
        chains = {"chains": {"birds": make_chain().to_dict()}}
        session.client("ssm").put_parameter(Name=PARAMETER, Type="String", Value=json.dumps(chains))
        role = session.client("iam").create_role(RoleName="labelchain-prepare", AssumeRolePolicyDocument="{}")
        template = _stack_template(arn, role["Role"]["Arn"])
        session.client("cloudformation").create_stack(StackName=STACK, TemplateBody=template)
        yield Moto(session, s3, dynamodb, sfn, arn, JobStore(TABLE, dynamodb))


@pytest.fixture
def chain_fixture(moto: Moto) -> ChainFixture:
    """Chain ``birds``: job 1 (cold), job 2 warm-started from job 1's model, job 2's cold control."""
    return seed_chain(moto.store)


@pytest.fixture
def run(moto: Moto) -> Run:
    """Invoke ``labelchain <args>``; keyword ``clients`` injects pre-built clients by service name."""

    def invoke(*args: str, clients: dict[str, Any] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), obj=clients or {}, catch_exceptions=False)

    return invoke
