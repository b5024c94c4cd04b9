"""The doctor's account-level rules: pure functions from what AWS answered to a :class:`CheckResult`.

No boto3 here: the adapters (:mod:`.checks`) make the calls and hand the answers over, so every rule
is tested with plain values. Facts come from ground-truth.md: the supported regions (§3.2), the public
workforce's price list, PII classifier and 12 h task lifetime (§2.2, §2.6, §9.2), the service's closure to
new customers on 2026-07-30 (§0), and the concurrent-job quota, which AWS does not document (§4.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from labelchain_fn.core.config import ChainConfig
from labelchain_fn.core.limits import PII_CLASSIFIER, TASK_AVAILABILITY_MAX_SECONDS_PUBLIC
from labelchain_fn.core.task_types import SUPPORTED_REGIONS, public_workteam_arn

from .regions import nearest_supported
from .report import CheckResult, failed, passed, warned

#: The synthesized template's ``CheckBootstrapVersion`` rule refuses bootstrap versions 1 to 5.
MIN_BOOTSTRAP_VERSION = 6
DEFAULT_QUALIFIER = "hnb659fds"
BOOTSTRAP_COMPLETE = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
GROUND_TRUTH_CLOSED = (
    "Ground Truth is closed to new AWS customers since 2026-07-30: only accounts that are existing "
    "Ground Truth customers can use it"
)
#: Service Quotas names, not codes: AWS documents no code for concurrent labeling jobs (ground-truth.md §4.1).
_QUOTA_NAME = re.compile(r"labeling jobs?\b", re.IGNORECASE)
_QUOTA_CONCURRENCY = re.compile(r"concurrent|simultaneous|active|running", re.IGNORECASE)


def region_result(region: str | None, configured: str | None) -> CheckResult:
    """Ground Truth's built-in task Lambdas exist in ``region``, the region the configuration deploys to."""
    if not region:
        return failed("region", "no AWS region", "pass --region or set AWS_REGION")
    if region not in SUPPORTED_REGIONS:
        near = ", ".join(nearest_supported(region))
        other_partition = region.startswith("cn-") or "-gov-" in region
        partition = " (Ground Truth is not offered in China or GovCloud)" if other_partition else ""
        return failed(
            "region",
            f"{region} has no Ground Truth built-in task Lambdas{partition}",
            f"use a supported region, nearest: {near} (--region, and labelchain.region in cdk.json)",
        )
    if configured and configured != region:
        return failed(
            "region",
            f"the CLI calls {region} but cdk.json deploys to {configured}",
            f"pass --region {configured} (or change labelchain.region in cdk.json)",
        )
    return passed("region", f"{region} supports Ground Truth's auto-labeling task types")


def bootstrap_result(
    stack_status: str | None, version: str | None, *, account: str, region: str, qualifier: str
) -> CheckResult:
    """The ``CDKToolkit`` stack is complete and its version parameter is at least 6."""
    fix = f"npx cdk bootstrap aws://{account}/{region}"
    fix += f" --qualifier {qualifier}" if qualifier != DEFAULT_QUALIFIER else ""
    parameter = f"/cdk-bootstrap/{qualifier}/version"
    if stack_status is None:
        return failed("cdk-bootstrap", f"no CDKToolkit stack in {region}", fix)
    if stack_status not in BOOTSTRAP_COMPLETE:
        return failed("cdk-bootstrap", f"CDKToolkit is {stack_status}", f"repair or delete it, then {fix}")
    if version is None:
        return failed("cdk-bootstrap", f"CDKToolkit exists but SSM parameter {parameter} does not", fix)
    if not version.isdigit() or int(version) < MIN_BOOTSTRAP_VERSION:
        detail = f"bootstrap version {version}; the stack needs {MIN_BOOTSTRAP_VERSION} or later"
        return failed("cdk-bootstrap", detail, f"{fix} (with a current CDK CLI)")
    return passed("cdk-bootstrap", f"CDKToolkit {stack_status}, bootstrap version {version}")


def access_denied_result(code: str, message: str, principal: str | None) -> CheckResult:
    """Tell an IAM refusal (the message names the action, as IAM's do) from Ground Truth refusing the
    account: AWS has not published the error a non-customer gets, so anything else reads as the closure."""
    who = principal or "the caller"
    if "not authorized to perform" in message:
        if "service control policy" in message:
            return failed(
                "ground-truth-access",
                f"an AWS Organizations service control policy denies sagemaker:ListLabelingJobs ({code})",
                "ask the organization's administrators to allow SageMaker's labeling actions in this account",
            )
        return failed(
            "ground-truth-access",
            f"the IAM principal {who} lacks sagemaker:ListLabelingJobs ({code})",
            f"attach a policy allowing sagemaker:ListLabelingJobs (and the deploy's actions) to {who}",
        )
    return failed(
        "ground-truth-access",
        f"Ground Truth refused this account ({code}: {message}). {GROUND_TRUTH_CLOSED}",
        "use an AWS account that is an existing Ground Truth customer, or ask AWS Support to confirm access",
    )


def public_workforce_result(chain: ChainConfig, region: str) -> CheckResult:
    """The public (Mechanical Turk) workforce's rules for ``chain``'s task type."""
    check, spec = f"workteam:{chain.name}", chain.spec
    price = chain.workforce.task_price_usd
    allowed = ", ".join(str(p) for p in sorted(spec.allowed_task_prices_usd))
    where = f"labelchain.chains.{chain.name}"
    if price is None or price not in spec.allowed_task_prices_usd:
        return failed(
            check,
            f"public workforce price {price} is not allowed for {spec.task_type.value}",
            f"set {where}.workforce.taskPriceUsd to one of {allowed}",
        )
    # MTurk rejects tasks offered longer than its limit, and a job without the PII classifier fails.
    if PII_CLASSIFIER not in chain.content_classifiers:
        return failed(
            check,
            f"the public workforce needs the {PII_CLASSIFIER} content classifier (jobs fail without it)",
            f"add {PII_CLASSIFIER} to {where}.contentClassifiers (and make sure the data holds no PII)",
        )
    if chain.task_availability_lifetime_seconds > TASK_AVAILABILITY_MAX_SECONDS_PUBLIC:
        return failed(
            check,
            f"tasks offered {chain.task_availability_lifetime_seconds} s; the public workforce allows "
            f"{TASK_AVAILABILITY_MAX_SECONDS_PUBLIC} s",
            f"set {where}.taskAvailabilityLifetimeSeconds to at most {TASK_AVAILABILITY_MAX_SECONDS_PUBLIC}",
        )
    return passed(
        check,
        f"public workforce {public_workteam_arn(region)} at ${price} x {chain.workers_per_object} "
        f"workers (an allowed {spec.task_type.value} price)",
    )


def in_place(arn: str, *, account: str, region: str) -> bool:
    """Whether ``arn`` names a resource of ``account`` in ``region``."""
    parts = arn.split(":")
    return len(parts) > 4 and (parts[3], parts[4]) == (region, account)


def workteam_result(
    chain: ChainConfig, described_arn: str | None, *, account: str, region: str
) -> CheckResult:
    """A private or vendor workteam exists in this account and region (``described_arn`` is what
    DescribeWorkteam returned, ``None`` when it does not exist or was not looked for elsewhere)."""
    check, arn = f"workteam:{chain.name}", str(chain.workforce.workteam_arn)
    fix = (
        f"create the {chain.workforce.kind} workteam in {region} (SageMaker console, Labeling workforces), "
        f"or correct labelchain.chains.{chain.name}.workforce.workteamArn"
    )
    if not in_place(arn, account=account, region=region):
        return failed(check, f"{arn} is not in account {account}, region {region}", fix)
    if described_arn is None:
        return failed(check, f"workteam {arn} does not exist", fix)
    return passed(check, f"{chain.workforce.kind} workteam {described_arn} exists")


def find_labeling_job_quota(quotas: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The SageMaker quota on labeling jobs running at once, found by its name, or ``None``."""
    for quota in quotas:
        name = str(quota.get("QuotaName", ""))
        if _QUOTA_NAME.search(name) and _QUOTA_CONCURRENCY.search(name) and "object" not in name.lower():
            return quota
    return None


def jobs_at_once(chains: Iterable[ChainConfig]) -> int:
    """Labeling jobs the chains run when each has one batch in flight: one, plus its cold control job."""
    return sum(2 if chain.control else 1 for chain in chains)


def quota_result(quota: Mapping[str, Any] | None, needed: int, unknown_reason: str | None) -> CheckResult:
    """Compare the quota with :func:`jobs_at_once`. An unknown quota is a warning, never a failure: AWS
    documents none, and going over it fails loudly, not silently (StartJob retries ``ResourceLimitExceeded``
    as ``LabelingJobThrottled`` for a few minutes, then the execution fails; the batch can be uploaded
    again)."""
    if quota is None:
        reason = unknown_reason or "Service Quotas lists no concurrent labeling-job quota for sagemaker"
        return warned(
            "labeling-job-quota",
            f"unknown ({reason}); the chains run {needed} job(s) at once",
            "check SageMaker's quotas in the Service Quotas console (over one, StartJob retries, then fails)",
        )
    value, name, code = int(float(quota.get("Value", 0))), quota.get("QuotaName"), quota.get("QuotaCode")
    if value < needed:
        return failed(
            "labeling-job-quota",
            f"{name} ({code}) is {value}; the chains run {needed} job(s) at once",
            f"aws service-quotas request-service-quota-increase --service-code sagemaker "
            f"--quota-code {code} --desired-value {needed}",
        )
    return passed("labeling-job-quota", f"{name} ({code}) is {value}; the chains run {needed} job(s) at once")
