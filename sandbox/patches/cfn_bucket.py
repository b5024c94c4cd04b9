"""Apply ``VersioningConfiguration``, ``NotificationConfiguration`` and ``CorsConfiguration`` of
CloudFormation buckets.

moto 5.2.5's ``FakeBucket.create_from_cloudformation_json`` applies only ``BucketEncryption`` and ``Tags``:
a CDK bucket with ``EventBridgeEnabled: true`` sends no events (an upload never reaches the workflow), a
versioned bucket reports no version ids, and a bucket with ``CorsRules`` has no CORS configuration (AWS
applies it; Ground Truth's worker UI and ``labelchain doctor`` need the input bucket's). The wrappers apply
them after moto creates the bucket, converting CloudFormation's shapes to the ones moto's S3 API stores.
On update (moto's ``update_from_cloudformation_json``) the CORS rules are applied again, and removed when
the template no longer has them; versioning and notifications are applied on create only.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from ._base import PatchSet
from ._cfn_hooks import HookCall, create_hook_patch, update_hook_patch

_TARGETS = (
    ("TopicConfigurations", "TopicConfiguration", "Topic"),
    ("QueueConfigurations", "QueueConfiguration", "Queue"),
    ("LambdaConfigurations", "CloudFunctionConfiguration", "Function"),
)
#: CloudFormation's ``CorsRule`` properties → the elements of S3's ``CORSRule`` (as moto stores them: the
#: XML element names, singular; the S3 API's JSON names are ``AllowedHeaders``... ``ExposeHeaders``).
_CORS_FIELDS = (
    ("AllowedHeaders", "AllowedHeader"),
    ("AllowedMethods", "AllowedMethod"),
    ("AllowedOrigins", "AllowedOrigin"),
    ("ExposedHeaders", "ExposeHeader"),
    ("MaxAge", "MaxAgeSeconds"),
    ("Id", "ID"),
)
#: Marks a bucket whose CORS rules came from its template (so that dropping them there removes them).
_FROM_TEMPLATE = "_sandbox_cors_from_template"


def notification_config(cfn: dict[str, Any]) -> dict[str, Any]:
    """moto's S3 notification configuration for a CloudFormation ``NotificationConfiguration``."""
    config: dict[str, Any] = {}
    bridge = cfn.get("EventBridgeConfiguration", {})
    if str(bridge.get("EventBridgeEnabled", "false")).lower() == "true":
        config["EventBridgeConfiguration"] = {}
    for cfn_key, api_key, arn_key in _TARGETS:
        entries = []
        for entry in cfn.get(cfn_key, []):
            converted: dict[str, Any] = {arn_key: entry[arn_key], "Event": [entry["Event"]]}
            rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules")
            if rules:
                converted["Filter"] = {"S3Key": {"FilterRule": rules}}
            entries.append(converted)
        if entries:
            config[api_key] = entries
    return config


def cors_rules(cfn: dict[str, Any]) -> list[dict[str, Any]]:
    """moto's S3 CORS rules for a CloudFormation ``CorsConfiguration`` (``[]`` when it has none).

    Absent properties stay absent; ``MaxAge`` becomes a string, as moto stores the parsed XML.
    """
    rules = []
    for rule in cfn.get("CorsRules", []):
        converted = {api: rule[cfn_key] for cfn_key, api in _CORS_FIELDS if cfn_key in rule}
        if "MaxAgeSeconds" in converted:
            converted["MaxAgeSeconds"] = str(converted["MaxAgeSeconds"])
        rules.append(converted)
    return rules


def _apply_cors(bucket: FakeBucket, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    backend = s3_backends[account_id][get_partition(region_name)]
    rules = cors_rules(properties.get("CorsConfiguration", {}))
    if rules:
        backend.put_bucket_cors(bucket.name, rules)
        setattr(bucket, _FROM_TEMPLATE, True)
    elif getattr(bucket, _FROM_TEMPLATE, False):
        # The template dropped the property: CloudFormation removes the configuration. Rules put through the
        # S3 API on a bucket whose template never had any are left alone, as CloudFormation does.
        backend.delete_bucket_cors(bucket.name)
        setattr(bucket, _FROM_TEMPLATE, False)


def _create(call: HookCall) -> FakeBucket:
    bucket: FakeBucket = call.moto()
    backend = s3_backends[call.account_id][get_partition(call.region_name)]
    status = call.properties.get("VersioningConfiguration", {}).get("Status")
    if status:
        backend.put_bucket_versioning(bucket.name, status)
    notifications = notification_config(call.properties.get("NotificationConfiguration", {}))
    if notifications:
        backend.put_bucket_notification_configuration(bucket.name, notifications)
    _apply_cors(bucket, call.properties, call.account_id, call.region_name)
    return bucket


def _update(call: HookCall) -> FakeBucket:
    # A new BucketName replaces the bucket through create_from_cloudformation_json (patched above).
    bucket: FakeBucket = call.moto()
    _apply_cors(bucket, call.properties, call.account_id, call.region_name)
    return bucket


PATCH = PatchSet(__name__, create_hook_patch(FakeBucket, _create), update_hook_patch(FakeBucket, _update))
