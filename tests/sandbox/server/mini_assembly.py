"""A minimal cloud assembly as ``cdk synth`` lays it out, for the deploy tests (``write_assembly``).

Its stack ``Mini`` has a Lambda asset, the Powertools layer by its public SSM parameter, the bootstrap
version parameter and an S3 → rule → state machine → function → table flow; its template and code are
file assets in CDK's default bootstrap bucket.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sandbox.deploy import zip_directory

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
