"""Smoke tests of the CloudFormation patches (the bucket patch: ``test_patches_cfn_bucket``) and the
callback-host patch."""

from __future__ import annotations

import json
import threading

import boto3
import moto.settings
from sandbox_fakes import REGION, create_function, finished_execution

from sandbox.patches import (
    cfn_custom_resource,
    cfn_outputs,
    lambda_invoke,
    server_host,
    sfn_cfn_backend,
)


def _stack(template: dict, name: str = "stack") -> str:
    cfn = boto3.client("cloudformation", region_name=REGION)
    return cfn.create_stack(
        StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )["StackId"]


def _physical(stack: str, logical: str) -> str:
    resources = boto3.client("cloudformation", region_name=REGION).describe_stack_resources(StackName=stack)[
        "StackResources"
    ]
    return next(r["PhysicalResourceId"] for r in resources if r.get("LogicalResourceId") == logical)


def test_cfn_state_machines_land_in_the_executing_backend(sfn_aws):
    sfn_cfn_backend.PATCH.install()
    try:
        definition = json.dumps(
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "ran", "End": True}}}
        )
        stack = _stack(
            {
                "Resources": {
                    "Machine": {
                        "Type": "AWS::StepFunctions::StateMachine",
                        "Properties": {
                            "DefinitionString": definition,
                            "RoleArn": "arn:aws:iam::123456789012:role/x",
                        },
                    }
                }
            }
        )
        arn = _physical(stack, "Machine")
        sfn = boto3.client("stepfunctions", region_name=REGION)
        execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
        assert finished_execution(execution)["status"] == "SUCCEEDED"
    finally:
        sfn_cfn_backend.PATCH.uninstall()


def test_custom_resource_properties_arrive_as_strings(sfn_aws):
    cfn_custom_resource.PATCH.install()
    try:
        received: list[dict] = []
        arrived = threading.Event()
        arn = create_function("provider")
        lambda_invoke.registry.register(
            "provider", lambda event, context: (received.append(event), arrived.set())
        )
        _stack(
            {
                "Resources": {
                    "Thing": {
                        "Type": "Custom::Thing",
                        "Properties": {
                            "ServiceToken": arn,
                            "Managed": True,
                            "Count": 3,
                            "Nested": {"Flag": False},
                            "Items": [1, True, "x"],
                        },
                    }
                }
            }
        )
        assert arrived.wait(5)
        properties = received[0]["ResourceProperties"]
        assert properties["Managed"] == "true" and properties["Count"] == "3"
        assert properties["Nested"] == {"Flag": "false"} and properties["Items"] == ["1", "true", "x"]
    finally:
        cfn_custom_resource.PATCH.uninstall()


def test_outputs_exist_after_executing_a_change_set(sfn_aws):
    cfn_outputs.PATCH.install()
    try:
        cfn = boto3.client("cloudformation", region_name=REGION)
        template = {
            "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
            "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
        }
        cfn.create_change_set(
            StackName="cs", ChangeSetName="create", ChangeSetType="CREATE", TemplateBody=json.dumps(template)
        )
        cfn.execute_change_set(ChangeSetName="create", StackName="cs")
        outputs = cfn.describe_stacks(StackName="cs")["Stacks"][0]["Outputs"]
        assert [o["OutputKey"] for o in outputs] == ["BucketName"] and outputs[0]["OutputValue"].startswith(
            "cs-bucket"
        )
    finally:
        cfn_outputs.PATCH.uninstall()


def test_callback_host_is_the_local_server():
    server_host.PATCH.install()
    try:
        assert moto.settings.moto_server_host() == "http://localhost"
    finally:
        server_host.PATCH.uninstall()
    assert moto.settings.moto_server_host() != "http://localhost"


def test_patches_are_idempotent_and_reversible():
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._invoke_lambda
    lambda_invoke.PATCH.install()
    lambda_invoke.PATCH.install()
    assert LambdaFunction._invoke_lambda is not original
    lambda_invoke.PATCH.uninstall()
    assert LambdaFunction._invoke_lambda is original
