"""Buckets, table and chains parameter: secure defaults and the data layout of docs/design.md."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from labelchain_fn.core.config import parse_pipeline_config
from stack_synth import KMS_KEY_ARN, Synth, as_list, bare_app

from stacks.chain_settings import ChainSettings


def _bucket_policy_statements(s: Synth, bucket_id: str) -> list[dict]:
    for policy in s.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    return []


def test_every_bucket_blocks_public_access_enforces_ssl_and_is_versioned_and_encrypted(default_synth):
    # GIVEN the default stack
    buckets = default_synth.resources("AWS::S3::Bucket")
    # THEN there are the four buckets, each with the full set of secure defaults
    assert len(buckets) == 4
    for logical_id, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, logical_id
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}, logical_id
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", logical_id
        deny = [
            s
            for s in _bucket_policy_statements(default_synth, logical_id)
            if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert deny and as_list(deny[0]["Action"]) == ["s3:*"], logical_id


def test_data_buckets_log_to_the_access_logs_bucket(default_synth):
    # GIVEN the storage construct
    storage = default_synth.stack.storage
    logs_id = default_synth.stack.resolve(storage.access_logs_bucket.bucket_name)["Ref"]
    # THEN every other bucket sends server access logs there, each under its own prefix
    prefixes = set()
    for logical_id, bucket in default_synth.resources("AWS::S3::Bucket").items():
        if logical_id == logs_id:
            assert "LoggingConfiguration" not in bucket["Properties"]
            continue
        logging = bucket["Properties"]["LoggingConfiguration"]
        assert logging["DestinationBucketName"] == {"Ref": logs_id}
        prefixes.add(logging["LogFilePrefix"])
    assert prefixes == {"input/", "output/", "artifacts/"}


def test_input_bucket_has_the_ground_truth_cors_rule_and_eventbridge_notifications(default_synth):
    # GIVEN the input bucket
    input_id = default_synth.stack.resolve(default_synth.stack.storage.input_bucket.bucket_name)["Ref"]
    props = default_synth.json["Resources"][input_id]["Properties"]
    # THEN it carries exactly the documented CORS rule and sends events to EventBridge
    assert props["CorsConfiguration"]["CorsRules"] == [
        {
            "AllowedHeaders": [],
            "AllowedMethods": ["GET"],
            "AllowedOrigins": ["*"],
            "ExposedHeaders": ["Access-Control-Allow-Origin"],
        }
    ]
    assert props["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_no_bucket_notifications_custom_resource_or_helper_lambda(default_synth):
    # THEN S3 -> EventBridge is the L1 property, not CDK's custom resource and its singleton Lambda
    types = {r["Type"] for r in default_synth.json["Resources"].values()}
    assert "Custom::S3BucketNotifications" not in types
    assert len(default_synth.resources("AWS::Lambda::Function")) == 7


def test_configured_kms_key_encrypts_data_buckets_but_not_the_log_bucket(kms_synth):
    # GIVEN a configuration with kmsKeyArn
    algorithms = []
    for bucket in kms_synth.resources("AWS::S3::Bucket").values():
        rule = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        algorithms.append(rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"])
        if rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms":
            # THEN the data buckets use that key (with bucket keys)
            assert rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == KMS_KEY_ARN
            assert rule["BucketKeyEnabled"] is True
    # AND the access-log bucket stays SSE-S3 (server access logging cannot write to SSE-KMS buckets)
    assert sorted(algorithms) == ["AES256", "aws:kms", "aws:kms", "aws:kms"]


def test_removal_policy_follows_the_configuration(default_synth, kms_synth):
    # GIVEN "retain" (cdk.json) and "destroy" (kms configuration)
    for s, expected in ((default_synth, "Retain"), (kms_synth, "Delete")):
        for resource_type in ("AWS::S3::Bucket", "AWS::DynamoDB::Table"):
            # THEN buckets and the table follow it
            assert {r["DeletionPolicy"] for r in s.resources(resource_type).values()} == {expected}


def test_table_is_on_demand_with_pitr_sse_ttl_and_both_gsis(default_synth):
    # THEN the table matches the design's key layout
    default_synth.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": "active",
                    "KeySchema": [
                        {"AttributeName": "activePk", "KeyType": "HASH"},
                        {"AttributeName": "createdAt", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                },
            ],
        },
    )


def test_configured_kms_key_encrypts_the_table(kms_synth):
    kms_synth.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KMS_KEY_ARN},
        },
    )


def test_chains_parameter_holds_the_validated_chains(default_synth):
    # GIVEN the String parameter /<stackName>/chains
    default_synth.template.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/LabelChain/chains",
            "Type": "String",
            "Tier": "Standard",
            "Value": Match.any_value(),
        },
    )
    (parameter,) = default_synth.resources("AWS::SSM::Parameter").values()
    # THEN its value is {"chains": {name: ChainConfig.to_dict()}}
    value = json.loads(parameter["Properties"]["Value"])
    assert value == {"chains": {"birds": default_synth.stack.config.chains["birds"].to_dict()}}


def _chains(count: int) -> dict:
    birds = {
        "taskType": "BoundingBox",
        "labels": ["Bird"],
        "workersPerObject": 3,
        "taskDescription": "Draw a tight box around every bird in the image. " * 4,
        "workforce": {"type": "public", "taskPriceUsd": "0.036"},
    }
    raw = {"chains": {f"chain-{i}": dict(birds) for i in range(count)}}
    return dict(parse_pipeline_config(raw).chains)


def _parameter_tier(count: int) -> str:
    stack = Stack(bare_app(), "Tiny")
    ChainSettings(stack, "Settings", parameter_name="/Tiny/chains", chains=_chains(count))
    (parameter,) = Template.from_stack(stack).find_resources("AWS::SSM::Parameter").values()
    return str(parameter["Properties"]["Tier"])


def test_chains_above_4_kb_select_the_advanced_tier():
    # GIVEN 5 chains (~5 KB serialized) WHEN synthesized THEN the Advanced tier is used
    assert _parameter_tier(1) == "Standard"
    assert _parameter_tier(5) == "Advanced"


def test_fails_when_serialized_chains_exceed_8_kb():
    # GIVEN 10 chains (~10 KB) WHEN the construct is built THEN it fails, naming the size
    with pytest.raises(ValueError, match=r"labelchain\.chains: expected at most 8192 bytes"):
        ChainSettings(
            Stack(bare_app(), "Tiny"), "Settings", parameter_name="/Tiny/chains", chains=_chains(10)
        )
