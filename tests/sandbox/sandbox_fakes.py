"""Shared helpers of the sandbox smoke tests: a minimal moto Lambda function to invoke."""

from __future__ import annotations

import boto3

REGION = "us-east-1"
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty zip: the runners under test never read the code


def create_function(name: str, timeout: int = 3, env: dict | None = None) -> str:
    """Create a Lambda function ``name`` in moto (with its role); returns its ARN."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": EMPTY_ZIP},
        Timeout=timeout,
        Environment={"Variables": env or {}},
    )["FunctionArn"]
