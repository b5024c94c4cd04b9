"""Deploying a cloud assembly into the sandbox: assets, template URL, verification, then a real run."""

from __future__ import annotations

import json

import pytest
from mini_assembly import POWERTOOLS, write_assembly

from sandbox.deploy import DeployError, deploy


def test_deploys_a_cloud_assembly_and_runs_it_end_to_end(sandbox, tmp_path, finished_execution):
    # GIVEN a synthesized assembly with a Lambda asset, the Powertools layer by its public SSM parameter and
    # an S3 → rule → state machine flow
    result = deploy(sandbox, write_assembly(tmp_path / "cdk.out"))
    # THEN the public parameter the template names resolves, as in AWS, to a published Powertools layer
    # version (moto's CloudFormation drops a function's Layers; the handlers import Powertools locally)
    layer_arn = sandbox.client("ssm").get_parameter(Name=POWERTOOLS)["Parameter"]["Value"]
    published = sandbox.client("lambda").list_layer_versions(
        LayerName="AWSLambdaPowertoolsPythonV3-python312-arm64"
    )
    assert layer_arn in [version["LayerVersionArn"] for version in published["LayerVersions"]]
    # THEN the stack is verified, with its outputs and the resource types moto does not create listed
    assert set(result.outputs) == {"BucketName", "MachineArn", "TableName"}
    assert result.resources["AWS::Lambda::Function"] and result.resources["AWS::StepFunctions::StateMachine"]
    # WHEN a file is uploaded to the deployed bucket
    sandbox.client("s3").put_object(Bucket=result.outputs["BucketName"], Key="incoming/a.manifest", Body=b"x")
    execution = finished_execution(result.outputs["MachineArn"])
    # THEN the deployed handler ran from its asset zip and wrote to the deployed table
    assert execution["status"] == "SUCCEEDED", execution
    assert json.loads(execution["output"])["recorded"] == "incoming/a.manifest"
    item = sandbox.client("dynamodb").get_item(
        TableName=result.outputs["TableName"], Key={"pk": {"S": "incoming/a.manifest"}}
    )
    assert "Item" in item


def test_fails_when_a_code_asset_is_missing(sandbox, tmp_path):
    with pytest.raises(DeployError, match=r"CreateStack of Mini failed|has no code"):
        deploy(sandbox, write_assembly(tmp_path / "cdk.out", publish_code=False))


def test_fails_when_the_stack_is_not_in_the_assembly(sandbox, tmp_path):
    with pytest.raises(DeployError, match=r"stack 'Other' not in .*\['Mini'\]"):
        deploy(sandbox, write_assembly(tmp_path / "cdk.out"), stack_name="Other")
