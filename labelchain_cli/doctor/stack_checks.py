"""The doctor's adapters on the buckets and the stack's topic: the buckets' CORS and the topic's
subscriptions, each handed to a pure rule of :mod:`.stack_rules`.

Errors a check does not expect propagate to :func:`~.checks.guard`, as in :mod:`.checks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from .checks import error_of
from .report import CheckResult, failed
from .stack_rules import cors_result, subscriptions_result


def check_cors(s3: Any, bucket: str, *, managed: bool) -> CheckResult:
    """GetBucketCors; a bucket without any CORS configuration answers ``NoSuchCORSConfiguration``."""
    try:
        rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    except ClientError as err:
        code = error_of(err)[0]
        if code == "NoSuchBucket":
            return failed(f"cors:{bucket}", f"bucket {bucket} does not exist", "correct the bucket name")
        if code != "NoSuchCORSConfiguration":
            raise
        rules = None
    return cors_result(bucket, rules, managed=managed)


def check_subscriptions(sns: Any, topic_arn: str, emails: Iterable[str]) -> CheckResult:
    """Every subscription of the stack's topic (all pages), against the configured e-mail addresses."""
    pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
    subscriptions = [s for page in pages for s in page.get("Subscriptions", [])]
    return subscriptions_result(subscriptions, emails, topic_arn)
