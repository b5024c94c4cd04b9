"""Post-deploy verification: what moto reports as ``CREATE_COMPLETE`` may still be unusable.

moto skips some resource types, ignores a custom resource that answers ``FAILED`` and can create a
function whose code it could not read. Each check below looks at the deployed resource through the API
the pipeline uses and collects every problem before failing with one message. Before them,
:func:`wait_for_stack` waits for a stack to settle and fails unless it ended as expected.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Sandbox


class DeployError(RuntimeError):
    """The stack could not be deployed, or a deployed resource is unusable (the message lists why)."""


def wait_for_stack(
    sandbox: Sandbox, stack_id: str, name: str, timeout_seconds: float, expected: str = "CREATE_COMPLETE"
) -> dict[str, Any]:
    """Poll until the stack leaves ``*_IN_PROGRESS``; returns its description, or raises
    :class:`DeployError` after ``timeout_seconds`` or when it ends other than ``expected``."""
    cfn = sandbox.client("cloudformation")
    deadline = time.monotonic() + timeout_seconds
    while (stack := cfn.describe_stacks(StackName=stack_id)["Stacks"][0])["StackStatus"].endswith(
        "IN_PROGRESS"
    ):
        if time.monotonic() > deadline:
            raise DeployError(f"stack {name} still {stack['StackStatus']} after {timeout_seconds:.0f} s")
        time.sleep(0.2)
    if stack["StackStatus"] != expected:
        raise DeployError(f"stack {name} ended {stack['StackStatus']}: {stack.get('StackStatusReason', '')}")
    return dict(stack)


def _physical_ids(sandbox: Sandbox, stack_id: str) -> dict[str, tuple[str, str]]:
    cfn = sandbox.client("cloudformation")
    resources = cfn.describe_stack_resources(StackName=stack_id)["StackResources"]
    # moto lists resource types it skipped as entries without ids.
    return {
        r["LogicalResourceId"]: (r["ResourceType"], r.get("PhysicalResourceId", ""))
        for r in resources
        if r.get("LogicalResourceId")
    }


def skipped_types(sandbox: Sandbox, stack_id: str, template: dict[str, Any]) -> list[str]:
    """Resource types of the template that moto did not create (no CloudFormation support)."""
    deployed = _physical_ids(sandbox, stack_id)
    return sorted(
        {r["Type"] for logical, r in template.get("Resources", {}).items() if logical not in deployed}
    )


def _check(sandbox: Sandbox, kind: str, physical: str) -> str | None:
    """A problem with one resource, or ``None``."""
    try:
        if kind == "AWS::StepFunctions::StateMachine":
            sandbox.client("stepfunctions").describe_state_machine(stateMachineArn=physical)
        elif kind == "AWS::Lambda::Function":
            config = sandbox.client("lambda").get_function(FunctionName=physical)["Configuration"]
            if not config.get("CodeSize"):
                return f"Lambda {physical} has no code (the asset zip was not readable)"
        elif kind == "AWS::Events::Rule":
            name = physical.split("|")[-1].split("/")[-1]
            if not sandbox.client("events").list_targets_by_rule(Rule=name)["Targets"]:
                return f"EventBridge rule {name} has no targets"
        elif kind == "AWS::DynamoDB::Table":
            sandbox.client("dynamodb").describe_table(TableName=physical)
        elif kind == "AWS::S3::Bucket":
            sandbox.client("s3").head_bucket(Bucket=physical)
    except Exception as error:  # any API error means the resource is not usable
        return f"{kind} {physical}: {error}"
    return None


CHECKED = (
    "AWS::StepFunctions::StateMachine",
    "AWS::Lambda::Function",
    "AWS::Events::Rule",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
)


def verify_stack(sandbox: Sandbox, stack_id: str, template: dict[str, Any]) -> dict[str, list[str]]:
    """Check the state machine(s), functions (code present), rules (targets), tables and buckets.

    Returns ``{resource type: [physical ids]}``; raises :class:`DeployError` naming every problem.
    """
    deployed = _physical_ids(sandbox, stack_id)
    problems: list[str] = []
    by_type: dict[str, list[str]] = {}
    for logical, resource in template.get("Resources", {}).items():
        kind = resource["Type"]
        if kind not in CHECKED:
            continue
        if logical not in deployed or not deployed[logical][1]:
            problems.append(f"{kind} {logical} was not created")
            continue
        physical = deployed[logical][1]
        by_type.setdefault(kind, []).append(physical)
        problem = _check(sandbox, kind, physical)
        if problem:
            problems.append(problem)
    for kind in (
        "AWS::StepFunctions::StateMachine",
        "AWS::Lambda::Function",
        "AWS::Events::Rule",
        "AWS::DynamoDB::Table",
    ):
        if any(r["Type"] == kind for r in template.get("Resources", {}).values()) and kind not in by_type:
            problems.append(f"no {kind} was deployed")
    if problems:
        raise DeployError("deployed stack is not usable:\n  " + "\n  ".join(problems))
    return by_type
