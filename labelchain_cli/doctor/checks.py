"""The doctor's account-level adapters: each check makes its AWS calls on injected boto3 clients and hands
the answers to a pure rule (:mod:`.rules`); the stack's are in :mod:`.stack_checks`.

A ``ClientError`` a check does not expect propagates: :func:`guard` turns it into a failed line naming the
operation and the error code, so one refused call never stops the other checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from labelchain_fn.core.config import ChainConfig

from stacks.powertools import POWERTOOLS_VERSION, powertools_layer_name, powertools_parameter_name

from .report import CheckResult, failed, one_line, passed
from .rules import (
    access_denied_result,
    bootstrap_result,
    find_labeling_job_quota,
    in_place,
    public_workforce_result,
    quota_result,
    workteam_result,
)

#: Codes of a failing service (an unmodelled HTTP 5xx comes back as its status code).
_SERVER_ERRORS = ("InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable")
#: How much of an AWS error message a line shows.
MESSAGE_LIMIT = 200
#: STS codes meaning the credentials exist but AWS refuses them.
_REJECTED_CREDENTIALS = (
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
)


@dataclass(frozen=True)
class Identity:
    """Who the credentials are (``GetCallerIdentity``)."""

    account: str
    arn: str


def error_of(err: ClientError) -> tuple[str, str]:
    """``(code, message)`` of a ``ClientError``."""
    error = err.response.get("Error", {})
    return str(error.get("Code", "")), str(error.get("Message", ""))


def failure_of(check: str, err: ClientError | BotoCoreError) -> CheckResult:
    """The failed ``check`` for an AWS refusal (operation and error code) or an unreachable AWS."""
    if isinstance(err, ClientError):
        code, message = error_of(err)
        operation = getattr(err, "operation_name", "AWS call")
        detail = f"{operation} failed: {code}: {one_line(message, MESSAGE_LIMIT)}"
        if code.isdigit() or code in _SERVER_ERRORS:
            fix = "try again later; a local --endpoint-url may not implement the operation"
        else:
            fix = f"allow the caller {operation} (IAM), or check --region and --endpoint-url"
        return failed(check, detail, fix)
    detail = one_line(str(err), MESSAGE_LIMIT)
    return failed(check, detail, "check --profile, --region, --endpoint-url and the network")


def guard(check: str, run: Callable[[], CheckResult]) -> CheckResult:
    """``run()``, or :func:`failure_of` when AWS refuses a call or cannot be reached."""
    try:
        return run()
    except (ClientError, BotoCoreError) as err:
        return failure_of(check, err)


def check_credentials(sts: Any) -> tuple[CheckResult, Identity | None]:
    """GetCallerIdentity: which account and principal the doctor (and a deploy) acts as."""
    fix = "run aws configure (or aws sso login --profile NAME) and pass --profile NAME or set AWS_PROFILE"
    try:
        answer = sts.get_caller_identity()
    except NoCredentialsError:
        return failed("credentials", "no AWS credentials found", fix), None
    except ClientError as err:
        code, message = error_of(err)
        if code in _REJECTED_CREDENTIALS:
            detail = f"AWS rejected the credentials ({code}: {message})"
            return failed("credentials", detail, f"refresh them: {fix}"), None
        raise
    identity = Identity(str(answer["Account"]), str(answer["Arn"]))
    return passed("credentials", f"account {identity.account} as {identity.arn}"), identity


def describe_stack(cloudformation: Any, name: str) -> tuple[str | None, dict[str, str]]:
    """``(StackStatus, {OutputKey: OutputValue})`` (the outputs :mod:`.aws` reads), or ``(None, {})`` when
    the stack does not exist."""
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as err:
        code, message = error_of(err)
        if code == "ValidationError" and "does not exist" in message:
            return None, {}
        raise
    if not stacks:
        return None, {}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    return str(stacks[0]["StackStatus"]), outputs


def _parameter(ssm: Any, name: str) -> str | None:
    try:
        return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    except ClientError as err:
        if error_of(err)[0] == "ParameterNotFound":
            return None
        raise


def check_bootstrap(
    cloudformation: Any, ssm: Any, *, account: str, region: str, qualifier: str
) -> CheckResult:
    """The ``CDKToolkit`` stack and the ``/cdk-bootstrap/<qualifier>/version`` parameter."""
    status, _outputs = describe_stack(cloudformation, "CDKToolkit")
    version = _parameter(ssm, f"/cdk-bootstrap/{qualifier}/version") if status else None
    return bootstrap_result(status, version, account=account, region=region, qualifier=qualifier)


def check_ground_truth(sagemaker: Any, principal: str | None) -> CheckResult:
    """ListLabelingJobs (one result): the cheapest call saying whether this account may use Ground Truth."""
    try:
        jobs = sagemaker.list_labeling_jobs(MaxResults=1)["LabelingJobSummaryList"]
    except ClientError as err:
        code, message = error_of(err)
        if code in ("AccessDeniedException", "AccessDenied"):
            return access_denied_result(code, message, principal)
        raise
    seen = "has labeling jobs" if jobs else "has no labeling job yet"
    return passed("ground-truth-access", f"ListLabelingJobs answered: the account {seen}")


def check_workteam(sagemaker: Any, chain: ChainConfig, *, account: str, region: str) -> CheckResult:
    """DescribeWorkteam for a private or vendor team (by the name at the end of its ARN); the public
    workforce's settings otherwise."""
    if chain.workforce.kind == "public":
        return public_workforce_result(chain, region)
    arn = str(chain.workforce.workteam_arn)
    if not in_place(arn, account=account, region=region):  # a job can only use a team of its own region
        return workteam_result(chain, None, account=account, region=region)
    try:
        described = sagemaker.describe_workteam(WorkteamName=arn.rsplit("/", 1)[-1])["Workteam"][
            "WorkteamArn"
        ]
    except ClientError as err:
        code, message = error_of(err)
        # DescribeWorkteam models no error: a missing team is a ValidationException saying so.
        if code != "ResourceNotFound" and not (code == "ValidationException" and "not exist" in message):
            raise
        described = None
    return workteam_result(chain, described, account=account, region=region)


def check_powertools(ssm: Any, region: str) -> CheckResult:
    """The public parameter naming the Powertools layer the stack deploys with resolves in ``region``."""
    name = powertools_parameter_name()
    value = _parameter(ssm, name)
    if value is None:
        return failed(
            "powertools-layer",
            f"Powertools {POWERTOOLS_VERSION} has no public layer parameter {name} in {region}",
            "pin an aws-lambda-powertools release whose layer AWS publishes in this region, then reinstall",
        )
    if powertools_layer_name() not in value:
        detail = f"{name} names {value}, not a {powertools_layer_name()} layer"
        return failed("powertools-layer", detail, "report it: the parameter path or the layer name changed")
    return passed("powertools-layer", f"Powertools {POWERTOOLS_VERSION}: {value}")


def check_quota(quotas: Any, needed: int) -> CheckResult:
    """The applied SageMaker quotas, then the defaults; a denied or unavailable Service Quotas API, or no
    matching quota, is "unknown" (a warning, see :func:`~.rules.quota_result`)."""
    errors: list[str] = []
    for operation in ("list_service_quotas", "list_aws_default_service_quotas"):
        try:
            pages = quotas.get_paginator(operation).paginate(ServiceCode="sagemaker")
            found = find_labeling_job_quota(q for page in pages for q in page.get("Quotas", []))
        except ClientError as err:
            errors.append(error_of(err)[0])
            continue
        except BotoCoreError as err:
            errors.append(type(err).__name__)
            continue
        if found is not None:
            return quota_result(found, needed, None)
    reason = f"Service Quotas answered {', '.join(dict.fromkeys(errors))}" if errors else None
    return quota_result(None, needed, reason)
