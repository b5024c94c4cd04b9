"""Check recorded AWS calls against the IAM policies of the synthesized template.

A call ``(service, operation, params)`` becomes the IAM actions and the resource ARN it needs; a role's
statements (from the template, with intrinsics resolved to the deployed physical names) allow it when one
Allow statement matches an action and the resource with IAM's ``*``/``?`` wildcards.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from reliability_stack import ACCOUNT, REGION

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
}
S3_WRITES = ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload")


def resolve(node: Any, physical: Mapping[str, tuple[str, str]]) -> str:
    """Render an intrinsic with the deployed names (``physical``: logical ID -> (type, physical ID))."""
    if isinstance(node, str):
        return node
    ((fn, arg),) = node.items()
    if fn == "Ref":
        return PSEUDO.get(arg) or physical[arg][1]
    if fn == "Fn::Join":
        return str(arg[0]).join(resolve(part, physical) for part in arg[1])
    if fn == "Fn::GetAtt":
        kind, name = physical[arg[0]]
        # A state machine's physical ID is its ARN; its Name is the ARN's last part.
        return name.rsplit(":", 1)[-1] if arg[1] == "Name" else arn_of(kind, name)
    raise ValueError(f"unsupported intrinsic {fn}")


def arn_of(kind: str, name: str) -> str:
    """The ARN of a deployed resource from its type and physical ID."""
    if name.startswith("arn:"):
        return name
    prefix = {
        "AWS::S3::Bucket": "arn:aws:s3:::",
        "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/",
        "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/",
        "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:",
        "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:",
    }[kind]
    return prefix + name


def required(service: str, operation: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``[(action, resource ARN)]`` an API call needs."""
    region_account = f"{REGION}:{ACCOUNT}"
    if service == "s3":
        bucket, key = params.get("Bucket", ""), params.get("Key")
        if key is None:
            return [("s3:ListBucket", f"arn:aws:s3:::{bucket}")]
        obj = f"arn:aws:s3:::{bucket}/{key}"
        if operation in ("GetObject", "HeadObject"):
            return [("s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject", obj)]
        if operation in S3_WRITES:
            return [("s3:PutObject", obj)]
        return [(f"s3:{operation}", obj)]
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            # No IAM action of its own: each item needs the action of its kind (Update -> UpdateItem ...).
            return [
                (
                    f"dynamodb:{kind}Item" if kind != "ConditionCheck" else "dynamodb:ConditionCheckItem",
                    f"arn:aws:dynamodb:{region_account}:table/{body['TableName']}",
                )
                for entry in params["TransactItems"]
                for kind, body in entry.items()
            ]
        return [(f"dynamodb:{operation}", f"arn:aws:dynamodb:{region_account}:table/{params['TableName']}")]
    if service == "sagemaker":
        if operation == "DescribeModel":
            return [
                ("sagemaker:DescribeModel", f"arn:aws:sagemaker:{region_account}:model/{params['ModelName']}")
            ]
        job = f"arn:aws:sagemaker:{region_account}:labeling-job/{str(params['LabelingJobName']).lower()}"
        needs = [(f"sagemaker:{operation}", job)]
        return needs + ([("sagemaker:AddTags", job)] if params.get("Tags") else [])
    if service == "stepfunctions":
        return [(f"states:{operation}", str(params.get("executionArn", "*")))]
    if service == "sns":
        return [(f"sns:{operation}", str(params["TopicArn"]))]
    if service == "ssm":
        name = str(params["Name"])
        return [(f"ssm:{operation}", f"arn:aws:ssm:{region_account}:parameter/{name.lstrip('/')}")]
    return [(f"{service}:{operation}", "*")]


def allows(statements: list[dict[str, Any]], action: str, resource: str, physical: Mapping[str, Any]) -> bool:
    """Whether an Allow statement grants ``action`` on ``resource``."""
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if not any(fnmatch.fnmatchcase(action, pattern) for pattern in actions):
            continue
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        if any(fnmatch.fnmatchcase(resource, resolve(r, physical)) for r in resources):
            return True
    return False
