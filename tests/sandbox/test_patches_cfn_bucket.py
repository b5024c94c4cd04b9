"""Smoke tests of the CloudFormation bucket patch: versioning, EventBridge notifications and CORS rules."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.s3.models import s3_backends

from sandbox.patches import cfn_bucket

REGION = "us-east-1"
#: The input bucket's rule as the synthesized template has it (``AllowedHeaders`` overridden to ``[]``).
GROUND_TRUTH_RULE = {
    "AllowedHeaders": [],
    "AllowedMethods": ["GET"],
    "AllowedOrigins": ["*"],
    "ExposedHeaders": ["Access-Control-Allow-Origin"],
}
UPLOAD_RULE = {
    "Id": "uploads",
    "AllowedHeaders": ["*"],
    "AllowedMethods": ["PUT", "POST"],
    "AllowedOrigins": ["https://example.com"],
    "MaxAge": 3000,
}


def _bucket_template(properties: dict) -> str:
    return json.dumps({"Resources": {"Uploads": {"Type": "AWS::S3::Bucket", "Properties": properties}}})


def _bucket(stack: str) -> str:
    resource = boto3.client("cloudformation", region_name=REGION).describe_stack_resource(
        StackName=stack, LogicalResourceId="Uploads"
    )
    return str(resource["StackResourceDetail"]["PhysicalResourceId"])


@pytest.fixture
def cloudformation(sfn_aws):
    cfn_bucket.PATCH.install()
    try:
        yield boto3.client("cloudformation", region_name=REGION)
    finally:
        cfn_bucket.PATCH.uninstall()


def test_cfn_buckets_get_versioning_and_eventbridge_notifications(cloudformation):
    cloudformation.create_stack(
        StackName="stack",
        TemplateBody=_bucket_template(
            {
                "VersioningConfiguration": {"Status": "Enabled"},
                "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            }
        ),
    )
    bucket = _bucket("stack")
    s3 = boto3.client("s3", region_name=REGION)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3_backends["123456789012"]["aws"].get_bucket(bucket).notification_configuration.event_bridge == {}


def test_cfn_buckets_get_their_cors_rules_on_create_and_update(cloudformation):
    s3 = boto3.client("s3", region_name=REGION)
    # GIVEN a stack whose bucket has CloudFormation CORS rules WHEN it is created
    properties = {"BucketName": "uploads", "CorsConfiguration": {"CorsRules": [GROUND_TRUTH_RULE]}}
    cloudformation.create_stack(StackName="stack", TemplateBody=_bucket_template(properties))
    # THEN GetBucketCors answers them in the S3 API's names
    assert _bucket("stack") == "uploads"
    assert s3.get_bucket_cors(Bucket="uploads")["CORSRules"] == [
        {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": ["Access-Control-Allow-Origin"]}
    ]
    # WHEN an update changes the rules THEN the bucket has the new ones (MaxAge, Id included)
    properties["CorsConfiguration"] = {"CorsRules": [UPLOAD_RULE]}
    cloudformation.update_stack(StackName="stack", TemplateBody=_bucket_template(properties))
    assert s3.get_bucket_cors(Bucket="uploads")["CORSRules"] == [
        {
            "ID": "uploads",
            "AllowedHeaders": ["*"],
            "AllowedMethods": ["PUT", "POST"],
            "AllowedOrigins": ["https://example.com"],
            "MaxAgeSeconds": 3000,
        }
    ]
    # WHEN an update drops them THEN the bucket has no CORS configuration, as in AWS
    cloudformation.update_stack(StackName="stack", TemplateBody=_bucket_template({"BucketName": "uploads"}))
    with pytest.raises(ClientError, match="NoSuchCORSConfiguration"):
        s3.get_bucket_cors(Bucket="uploads")


def test_cors_rules_put_through_the_api_survive_an_update_of_a_template_without_any(cloudformation):
    # GIVEN a stack bucket without CORS in its template, given a rule through the S3 API
    s3 = boto3.client("s3", region_name=REGION)
    properties: dict = {"BucketName": "uploads"}
    cloudformation.create_stack(StackName="stack", TemplateBody=_bucket_template(properties))
    rule = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}
    s3.put_bucket_cors(Bucket="uploads", CORSConfiguration={"CORSRules": [rule]})
    # WHEN an update changes another property of the bucket THEN the rule stays, as in AWS
    properties["Tags"] = [{"Key": "team", "Value": "labeling"}]
    cloudformation.update_stack(StackName="stack", TemplateBody=_bucket_template(properties))
    assert s3.get_bucket_cors(Bucket="uploads")["CORSRules"] == [rule]


def test_cors_rules_are_converted():
    assert cfn_bucket.cors_rules({"CorsRules": [UPLOAD_RULE, {"AllowedMethods": ["GET"]}]}) == [
        {
            "ID": "uploads",
            "AllowedHeader": ["*"],
            "AllowedMethod": ["PUT", "POST"],
            "AllowedOrigin": ["https://example.com"],
            "MaxAgeSeconds": "3000",
        },
        {"AllowedMethod": ["GET"]},
    ]
    assert cfn_bucket.cors_rules({}) == []


@pytest.mark.parametrize(
    ("cfn", "expected"),
    [
        ({"EventBridgeConfiguration": {"EventBridgeEnabled": "false"}}, {}),
        (
            {
                "QueueConfigurations": [
                    {
                        "Event": "s3:ObjectCreated:*",
                        "Queue": "arn:q",
                        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}},
                    }
                ]
            },
            {
                "QueueConfiguration": [
                    {
                        "Queue": "arn:q",
                        "Event": ["s3:ObjectCreated:*"],
                        "Filter": {"S3Key": {"FilterRule": [{"Name": "prefix", "Value": "in/"}]}},
                    }
                ]
            },
        ),
    ],
)
def test_notification_shapes_are_converted(cfn, expected):
    assert cfn_bucket.notification_config(cfn) == expected


def test_the_patch_is_idempotent_and_reversible():
    from moto.s3.models import FakeBucket

    original = FakeBucket.update_from_cloudformation_json
    cfn_bucket.PATCH.install()
    cfn_bucket.PATCH.install()
    assert cfn_bucket.PATCH.installed and FakeBucket.update_from_cloudformation_json != original
    cfn_bucket.PATCH.uninstall()
    assert not cfn_bucket.PATCH.installed and FakeBucket.update_from_cloudformation_json == original
