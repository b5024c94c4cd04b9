"""Apply ``VersioningConfiguration`` and ``NotificationConfiguration`` of CloudFormation buckets.

moto 5.2.5's ``FakeBucket.create_from_cloudformation_json`` applies only ``BucketEncryption`` and ``Tags``:
a CDK bucket with ``EventBridgeEnabled: true`` sends no events (an upload never reaches the workflow) and a
versioned bucket reports no version ids. The wrapper applies both after moto creates the bucket,
converting CloudFormation's shapes to the ones moto's S3 API stores.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from ._base import AttributePatch

_TARGETS = (
    ("TopicConfigurations", "TopicConfiguration", "Topic"),
    ("QueueConfigurations", "QueueConfiguration", "Queue"),
    ("LambdaConfigurations", "CloudFunctionConfiguration", "Function"),
)


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


def _build(original: classmethod) -> classmethod:
    def create_from_cloudformation_json(
        cls: type[FakeBucket],
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeBucket:
        bucket = original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        backend = s3_backends[account_id][get_partition(region_name)]
        status = properties.get("VersioningConfiguration", {}).get("Status")
        if status:
            backend.put_bucket_versioning(bucket.name, status)
        notifications = notification_config(properties.get("NotificationConfiguration", {}))
        if notifications:
            backend.put_bucket_notification_configuration(bucket.name, notifications)
        return bucket

    return classmethod(create_from_cloudformation_json)


_PATCH = AttributePatch(FakeBucket, "create_from_cloudformation_json", _build)


def install() -> None:
    """Apply versioning and notifications of CloudFormation buckets; idempotent."""
    _PATCH.install()


def uninstall() -> None:
    """Restore moto's behaviour."""
    _PATCH.uninstall()


def is_installed() -> bool:
    """Whether the patch is in place."""
    return _PATCH.installed
