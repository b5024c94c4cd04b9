"""The doctor's rules on the deployed stack and the buckets: stack status, S3 CORS, SNS subscriptions.

Pure, like :mod:`.rules`. Ground Truth's worker UI fetches input objects from the worker's browser,
so every bucket holding input objects needs a CORS rule allowing ``GET``; API-created jobs get none from the
console, and without one every task on those objects fails (ground-truth.md §10.3).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .report import CheckResult, failed, passed, skipped, warned

#: The documented rule, which the stack also puts on its input bucket (``stacks/storage.py``).
GROUND_TRUTH_CORS_RULE = {
    "AllowedMethods": ["GET"],
    "AllowedOrigins": ["*"],
    "AllowedHeaders": [],
    "ExposeHeaders": ["Access-Control-Allow-Origin"],
}
#: What ListSubscriptionsByTopic shows instead of an ARN until the endpoint confirms.
PENDING = "PendingConfirmation"
_HEALTHY = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE")


def stack_result(stack_name: str, status: str | None) -> CheckResult:
    """The stack is deployed and settled; not deployed yet is a skip (the before-deploy checks still ran)."""
    if status is None:
        return skipped(
            "stack",
            f"stack {stack_name} is not deployed: checked what can be checked before a deploy",
            "npx cdk deploy, then run labelchain doctor again",
        )
    events = f"aws cloudformation describe-stack-events --stack-name {stack_name}"
    if status in _HEALTHY:
        return passed("stack", f"stack {stack_name} is {status}")
    if status == "UPDATE_ROLLBACK_COMPLETE" or status.endswith("_IN_PROGRESS"):
        return warned(
            "stack", f"stack {stack_name} is {status}", f"wait for it to settle, or read why: {events}"
        )
    fix = f"read why ({events})"
    if status == "ROLLBACK_COMPLETE":
        fix += f", delete it (aws cloudformation delete-stack --stack-name {stack_name}), deploy again"
    return failed("stack", f"stack {stack_name} is {status}", fix)


def _reaches_worker_ui(origin: str) -> bool:
    if origin == "*":
        return True
    host = urlsplit(origin if "://" in origin else f"https://{origin}").hostname or ""
    return host == "sagemaker.aws" or host.endswith(".sagemaker.aws")


def allows_worker_ui(rules: Iterable[Mapping[str, Any]]) -> bool:
    """Some rule allows ``GET`` from every origin, or from Ground Truth's ``*.sagemaker.aws`` worker UI."""
    return any(
        "GET" in rule.get("AllowedMethods", [])
        and any(map(_reaches_worker_ui, rule.get("AllowedOrigins", [])))
        for rule in rules
    )


def cors_result(bucket: str, rules: Sequence[Mapping[str, Any]] | None, *, managed: bool) -> CheckResult:
    """``rules`` is the bucket's CORS configuration (``None`` when it has none); ``managed`` buckets belong
    to the stack, whose template sets the rule, so the fix is to deploy again."""
    check = f"cors:{bucket}"
    if rules is not None and allows_worker_ui(rules):
        return passed(check, f"{bucket} allows GET from Ground Truth's worker UI")
    found = "has no CORS configuration" if rules is None else "has no CORS rule allowing GET from *"
    detail = f"{bucket} {found}: workers cannot load its objects and their tasks fail"
    if managed:
        return failed(check, detail, "npx cdk deploy (the stack's template sets the rule; it was removed)")
    configuration = json.dumps({"CORSRules": [GROUND_TRUTH_CORS_RULE]}, separators=(",", ":"))
    fix = f"aws s3api put-bucket-cors --bucket {bucket} --cors-configuration '{configuration}'"
    if rules:
        fix += " (this replaces the configuration: add the existing rules to CORSRules)"
    return failed(check, detail, fix)


def subscriptions_result(
    subscriptions: Sequence[Mapping[str, Any]], emails: Iterable[str], topic_arn: str
) -> CheckResult:
    """Every subscription of the topic is confirmed, and each configured e-mail address has one."""
    check = "sns-subscriptions"
    pending = sorted(str(s.get("Endpoint")) for s in subscriptions if s.get("SubscriptionArn") == PENDING)
    present = {str(s.get("Endpoint", "")).lower() for s in subscriptions}
    missing = sorted(e for e in emails if e.lower() not in present)
    subscribe = f"aws sns subscribe --topic-arn {topic_arn} --protocol email --notification-endpoint"
    if pending:
        return failed(
            check,
            f"{len(pending)} of {len(subscriptions)} subscription(s) pending confirmation: "
            f"{', '.join(pending)}",
            "click 'Confirm subscription' in the AWS Notification e-mail each address received "
            f"(to send it again: {subscribe} <address>)",
        )
    if missing:
        return failed(
            check, f"not subscribed: {', '.join(missing)}", f"npx cdk deploy, or {subscribe} <address>"
        )
    if not subscriptions:
        return warned(
            check,
            "the topic has no subscriptions: alarms and job notifications reach nobody",
            "set labelchain.notificationEmails in cdk.json and deploy again",
        )
    return passed(check, f"{len(subscriptions)} subscription(s), all confirmed")
