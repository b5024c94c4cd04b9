"""Deploying a cloud assembly into the sandbox: assets, template URL, verification, then a real run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sandbox.deploy import DeployError, deploy, zip_directory

ASSET_BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
POWERTOOLS = "/aws/service/powertools/python/arm64/python3.12/3.37.0"
HANDLER = """
import os, boto3
def handler(event, context):
    key = event["detail"]["object"]["key"]
    boto3.client("dynamodb").put_item(TableName=os.environ["TABLE_NAME"], Item={"pk": {"S": key}})
    return {"recorded": key, "etag": event["detail"]["object"]["etag"]}
"""
DEFINITION = (
    '{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",'
    '"Parameters":{"FunctionName":"',
    '","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}',
)


def _role(service: str) -> dict:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": document}}


def _template(code_key: str) -> dict:
    return {
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            },
            "PowertoolsLayer": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": POWERTOOLS,
                "AllowedValues": [POWERTOOLS],
            },
        },
        "Resources": {
            "Uploads": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
                },
            },
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                },
            },
            "FnRole": _role("lambda.amazonaws.com"),
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"S3Bucket": {"Fn::Sub": ASSET_BUCKET}, "S3Key": code_key},
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "Timeout": 30,
                    "Role": {"Fn::GetAtt": ["FnRole", "Arn"]},
                    "Environment": {"Variables": {"TABLE_NAME": {"Ref": "Table"}}},
                    "Layers": [{"Ref": "PowertoolsLayer"}],
                },
            },
            "MachineRole": _role("states.amazonaws.com"),
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": {"Fn::GetAtt": ["MachineRole", "Arn"]},
                    "DefinitionString": {
                        "Fn::Join": ["", [DEFINITION[0], {"Fn::GetAtt": ["Fn", "Arn"]}, DEFINITION[1]]]
                    },
                },
            },
            "Rule": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "EventPattern": {
                        "source": ["aws.s3"],
                        "detail": {"bucket": {"name": [{"Ref": "Uploads"}]}},
                    },
                    "Targets": [{"Arn": {"Ref": "Machine"}, "Id": "machine"}],
                },
            },
        },
        "Outputs": {
            "BucketName": {"Value": {"Ref": "Uploads"}},
            "MachineArn": {"Value": {"Ref": "Machine"}},
            "TableName": {"Value": {"Ref": "Table"}},
        },
    }


def write_assembly(root: Path, *, publish_code: bool = True) -> Path:
    """A minimal cloud assembly as ``cdk synth`` lays it out (stack, asset manifest, assets)."""
    source = root / "asset.code"
    source.mkdir(parents=True)
    (source / "app.py").write_text(HANDLER)
    code_hash = hashlib.sha256(zip_directory(source)).hexdigest()
    template = json.dumps(_template(f"{code_hash}.zip"))
    (root / "Mini.template.json").write_text(template)
    template_hash = hashlib.sha256(template.encode()).hexdigest()
    destination = {"bucketName": ASSET_BUCKET, "region": "us-east-1"}
    files = {
        template_hash: {
            "source": {"path": "Mini.template.json", "packaging": "file"},
            "destinations": {"d": {**destination, "objectKey": f"{template_hash}.json"}},
        }
    }
    if publish_code:
        files[code_hash] = {
            "source": {"path": "asset.code", "packaging": "zip"},
            "destinations": {"d": {**destination, "objectKey": f"{code_hash}.zip"}},
        }
    (root / "Mini.assets.json").write_text(
        json.dumps({"version": "55.0.0", "files": files, "dockerImages": {}})
    )
    stack = {
        "type": "aws:cloudformation:stack",
        "dependencies": ["Mini.assets"],
        "properties": {
            "templateFile": "Mini.template.json",
            "bootstrapStackVersionSsmParameter": "/cdk-bootstrap/hnb659fds/version",
            "stackTemplateAssetObjectUrl": f"s3://{ASSET_BUCKET}/{template_hash}.json",
        },
    }
    manifest = {
        "version": "55.0.0",
        "artifacts": {
            "Mini.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Mini.assets.json"}},
            "Mini": stack,
        },
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


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
