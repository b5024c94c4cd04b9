"""Shared helpers of the sandbox smoke tests: a minimal moto Lambda function to invoke, state machines to
start and the polling that waits for them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import boto3

REGION = "us-east-1"
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty zip: the runners under test never read the code
SFN_ROLE = "arn:aws:iam::123456789012:role/sfn"


def create_function(
    name: str, timeout: int = 3, env: dict | None = None, handler: str = "app.handler"
) -> str:
    """Create a Lambda function ``name`` in moto (with its role); returns its ARN."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler=handler,
        Code={"ZipFile": EMPTY_ZIP},
        Timeout=timeout,
        Environment={"Variables": env or {}},
    )["FunctionArn"]


def lambda_invoke_task(function: str, payload: dict, **fields: Any) -> dict[str, Any]:
    """A Task state that invokes ``function`` with ``payload`` (``lambda:invoke``) and outputs its result."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "OutputPath": "$.Payload",
        "Parameters": {"FunctionName": function, "Payload": payload},
        **fields,
    }


def caught_task(
    task: dict, caught: dict, *, errors: tuple[str, ...] = ("States.ALL",), **catch: Any
) -> dict[str, Any]:
    """A definition: Task ``T`` (``task``'s fields), whose Catch of ``errors`` (with ``catch``, such as a
    ``ResultPath``) goes to the state ``Caught`` (``caught``)."""
    return {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                **task,
                "Catch": [{"ErrorEquals": list(errors), **catch, "Next": "Caught"}],
                "End": True,
            },
            "Caught": caught,
        },
    }


def start_execution(
    machine_name: str,
    definition: dict,
    *,
    execution_name: str | None = None,
    execution_input: dict | None = None,
) -> str:
    """Create the state machine ``machine_name`` and start it (unnamed unless ``execution_name``); returns
    the execution ARN."""
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(name=machine_name, definition=json.dumps(definition), roleArn=SFN_ROLE)
    named = {"name": execution_name} if execution_name else {}
    return sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], input=json.dumps(execution_input or {}), **named
    )["executionArn"]


def wait_until(
    predicate: Callable[[], object], timeout: float = 10.0, message: str = "condition not met"
) -> None:
    """Poll ``predicate`` every 50 ms until it is true; fails with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def finished_execution(
    execution_arn: str, timeout: float = 30.0, message: str = "the execution did not end"
) -> dict[str, Any]:
    """The description of the execution once it is no longer ``RUNNING`` (polled every 50 ms)."""
    sfn = boto3.client("stepfunctions", region_name=REGION)
    deadline = time.monotonic() + timeout
    while (result := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, message
        time.sleep(0.05)
    return dict(result)


def run_execution(
    machine_name: str, definition: dict, *, timeout: float = 30.0, **start: Any
) -> dict[str, Any]:
    """:func:`start_execution` (``start`` are its keywords), then :func:`finished_execution`."""
    return finished_execution(start_execution(machine_name, definition, **start), timeout)
